// Messages with numbered placeholders: "{0}", "{1}", ... in a text filled
// from a list of arguments, so that a translation may put them in its own
// order. Used by the answers' notes (their English form) and by the CLI's
// message catalogue.
#pragma once

#include <charconv>
#include <string>
#include <string_view>

namespace faultgraph {

// `text` with each "{N}" replaced by args[N]; a placeholder without its
// argument, and any other brace, stays as written. `Args`: any sequence of
// things a string can append (string, string_view) with size() and begin().
template <typename Args>
std::string FillPlaceholders(std::string_view text, const Args& args) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos && close > i + 1) {
      size_t n = 0;
      auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + close, n);
      if (ec == std::errc() && end == text.data() + close && n < args.size()) {
        out.append(*(args.begin() + n));
        i = close;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace faultgraph
