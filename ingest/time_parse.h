// Parses source timestamps into milliseconds since the epoch, UTC.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace faultgraph::ingest {

// `format` is a strptime format ("%Y/%m/%d %H:%M"), "epoch_s" or "epoch_ms".
// Empty: ISO 8601 forms "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]",
// "YYYY-MM-DDTHH:MM[:SS][Z]" and the same with '/'. The whole text must
// match. InvalidArgument names the text and the format expected.
Result<int64_t> ParseTime(std::string_view text, std::string_view format);

}  // namespace faultgraph::ingest
