// A TOML parser's error in plain words for the person who wrote the file
// (issue 19: "TOML errors in plain words with file:line:column").
#pragma once

#include <string>
#include <string_view>

namespace faultgraph::ingest {

// toml++'s description ("Error while parsing string: unescaped control
// characters other than TAB (U+0009) are explicitly prohibited") as what
// to fix ("a string is not closed on its line: a '\"' is missing"); a
// description of no known form is kept, without the parser's prefix.
std::string PlainTomlError(std::string_view description);

}  // namespace faultgraph::ingest
