// The CLI's parsed command line and the option parsers every command
// shares: a bad value ends the run with a usage error (rc 2) that names the
// option and points to the command's help.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/limits.h"

namespace faultgraph::cli {

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --name value ("" for flags)
  bool Has(const std::string& name) const {
    for (const auto& o : options) {
      if (o.first == name) return true;
    }
    return false;
  }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    for (const auto& o : options) {
      if (o.first == name) return o.second;
    }
    return fallback;
  }
};

// The command a usage error's hint names ("see 'faultgraph COMMAND
// --help'"); before one is known, the general help.
void SetUsageCommand(const std::string& command);
[[noreturn]] void UsageError(const std::string& message);

// What `command` needs on its line (its arguments, required options),
// checked before a store is opened or a server dialled; a usage error
// naming what is missing otherwise.
void CheckCommandLine(const std::string& command, const Args& a);

// The integer value of option `name` in [lo, hi], or `fallback` when absent.
int ParseIntOption(const Args& a, const std::string& name, int fallback, int lo, int hi);
// --limit within the API's bound for the call (kMaxSearchLimit for a page
// of hits), so that the CLI refuses what the server would.
int ParseLimit(const Args& a, int fallback, int max = api::kMaxLimit);
// A date or time option as epoch ms; 0 when absent.
int64_t ParseDateOption(const Args& a, const std::string& name);
// `j` as indented JSON on stdout.
void Print(const nlohmann::json& j);

}  // namespace faultgraph::cli
