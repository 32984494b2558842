#include "api/cli_args.h"

#include <cstdio>
#include <cstdlib>

#include "api/cli_messages.h"
#include "ingest/time_parse.h"

namespace faultgraph::cli {
namespace {

std::string g_command;

}  // namespace

void SetUsageCommand(const std::string& command) { g_command = command; }

[[noreturn]] void UsageError(const std::string& message) {
  const std::string help =
      g_command.empty() ? "faultgraph --help" : "faultgraph " + g_command + " --help";
  std::fprintf(stderr, "faultgraph: %s\n", TrF("{0} (see '{1}')", {Tr(message), help}).c_str());
  std::exit(2);
}

void CheckCommandLine(const std::string& command, const Args& a) {
  const size_t n = a.positional.size();
  auto need = [](bool ok, const char* message) {
    if (!ok) UsageError(message);
  };
  if (command == "ingest") {
    need(a.Has("--mapping"), "ingest needs --mapping MAP");
    need(n >= 2, "ingest needs at least one FILE");
  } else if (command == "product") {
    need(n == 2, "product needs one MODEL");
  } else if (command == "neighbours" || command == "neighbors") {
    need(n == 3, "neighbours needs TYPE and ID");
  } else if (command == "case") {
    need(n == 2, "case needs one ID");
  } else if (command == "asset") {
    need(n == 2, "asset needs one SERIAL");
  } else if (command == "search") {
    need(n == 2, "search needs one TEXT (quote it)");
  } else if (command == "similar") {
    need(a.Get("--case").empty() != (n != 2), "similar needs --case ID or one TEXT");
  } else if (command == "rootcause" && !a.Has("--batch")) {
    need(a.Has("--text") || a.Has("--codes") || a.Has("--serial") || n > 1,
         "rootcause needs what the customer said (--text), fault codes (--codes) or the "
         "unit (--serial), or a --batch file");
  } else if (command == "connectors") {
    need(n >= 2, "connectors takes check, run, status, history or reset");
  }
}

int ParseIntOption(const Args& a, const std::string& name, int fallback, int lo, int hi) {
  std::string v = a.Get(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (*end != '\0' || n < lo || n > hi) {
    UsageError(TrF("{0} must be an integer from {1} to {2}",
                   {name, std::to_string(lo), std::to_string(hi)}));
  }
  return static_cast<int>(n);
}

int ParseLimit(const Args& a, int fallback, int max) {
  return ParseIntOption(a, "--limit", fallback, 1, max);
}

void Print(const nlohmann::json& j) { std::printf("%s\n", j.dump(2).c_str()); }

int64_t ParseDateOption(const Args& a, const std::string& name) {
  if (!a.Has(name)) return 0;
  auto t = ingest::ParseTime(a.Get(name), "");
  if (!t.ok()) UsageError(name + ": " + t.status().message());
  return *t;
}

}  // namespace faultgraph::cli
