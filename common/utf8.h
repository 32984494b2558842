// UTF-8 byte counting shared by the analyzer, snippets and the CLI's
// column widths.
#pragma once

#include <cstddef>

namespace faultgraph {

// The length of the UTF-8 sequence that `lead` starts, from its high bits
// (1 to 4). Continuation and invalid bytes read as some length too: callers
// bound it by the bytes that are left.
inline size_t Utf8Length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

}  // namespace faultgraph
