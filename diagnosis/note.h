// A note of an answer for people (a fallback taken, an input without
// evidence): an English message with {0}, {1} ... placeholders and its
// arguments. A client shows it in its reader's language (the CLI's message
// catalogue is keyed by the same English text); English() fills it in, for
// JSON, logs and clients without a catalogue.
#pragma once

#include <string>
#include <vector>

#include "common/placeholders.h"

namespace faultgraph::diagnosis {

struct Note {
  std::string text;               // English, with {N} placeholders
  std::vector<std::string> args;  // {N} is args[N]

  std::string English() const { return FillPlaceholders(text, args); }
  bool operator==(const Note&) const = default;
};

}  // namespace faultgraph::diagnosis
