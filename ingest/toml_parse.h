// Parsing a TOML config with errors as Status values that name file, line
// and column in plain words ("rules.toml:7:12: a string is not closed on
// its line: a closing '"' is missing"). Include only where toml++ is linked.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>

#include "common/status.h"
#include "ingest/toml_error.h"

namespace faultgraph::ingest {

inline Result<toml::table> ParseToml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) + ": " +
                                   PlainTomlError(e.description()));
  }
}

}  // namespace faultgraph::ingest
