// A note of an answer for people (a fallback taken, an input without
// evidence): an English message with {0}, {1} ... placeholders and its
// arguments. A client shows it in its reader's language (the CLI's message
// catalogue is keyed by the same English text); English() fills it in, for
// JSON, logs and clients without a catalogue.
#pragma once

#include <charconv>
#include <string>
#include <vector>

namespace faultgraph::diagnosis {

struct Note {
  std::string text;               // English, with {N} placeholders
  std::vector<std::string> args;  // {N} is args[N]

  std::string English() const {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
      if (close != std::string::npos && close > i + 1 &&
          text.find_first_not_of("0123456789", i + 1) == close) {
        size_t n = 0;
        auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + close, n);
        if (ec == std::errc() && end == text.data() + close && n < args.size()) {
          out += args[n];
          i = close;
          continue;
        }
      }
      out += text[i];
    }
    return out;
  }
  bool operator==(const Note&) const = default;
};

}  // namespace faultgraph::diagnosis
