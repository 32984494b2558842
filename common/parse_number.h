// Whole-text integer parsing for stored, configured and typed text: no
// exceptions (std::stoull throws, which ends the process on a thread that
// catches nothing), no locale, no leading spaces or '+'.
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>

namespace faultgraph {

// True when the whole of `text` is an integer that fits Int, stored in
// *out; false (and *out unspecified) otherwise, empty text included.
template <typename Int>
bool ParseInteger(std::string_view text, Int* out) {
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, *out);
  return !text.empty() && ec == std::errc() && p == end;
}

}  // namespace faultgraph
