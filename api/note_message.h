// An answer's note (diagnosis/note.h) as the API's Message: its English
// text with {N} placeholders and its arguments, for clients that show it in
// their reader's language.
#pragma once

#include "api/gen-cpp/faultgraph_types.h"
#include "diagnosis/note.h"

namespace faultgraph::api {

inline Message ToMessage(const diagnosis::Note& note) {
  Message m;
  m.text = note.text;
  m.arguments = note.args;
  return m;
}

}  // namespace faultgraph::api
