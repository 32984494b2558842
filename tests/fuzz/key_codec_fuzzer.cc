// Fuzzes the key codec (graph/key_codec.h) every column family's keys go
// through. Two halves:
//  - decoding: arbitrary bytes (a corrupt or foreign key) read with
//    KeyReader in a layout the first byte picks; must fail cleanly.
//  - encoding: components drawn from the input are built into a key and
//    read back unchanged, two one-string keys order like their strings, and
//    PrefixSuccessor bounds the key from above.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>
#include <vector>

#include "graph/key_codec.h"

using faultgraph::graph::KeyBuilder;
using faultgraph::graph::KeyReader;
using faultgraph::graph::PrefixSuccessor;

namespace {

enum Kind : uint8_t { kTag, kStr, kU64, kI64 };

// Reads `key` as the layout `layout` (2 bits per component, up to 4).
void Decode(uint8_t layout, std::string_view key) {
  KeyReader r(key);
  uint8_t tag;
  std::string s;
  uint64_t u;
  int64_t i;
  for (int c = 0; c < 4 && !r.done(); ++c) {
    bool ok = false;
    switch ((layout >> (2 * c)) & 3) {
      case kTag:
        ok = r.Tag(&tag);
        break;
      case kStr:
        ok = r.Str(&s);
        break;
      case kU64:
        ok = r.U64(&u);
        break;
      case kI64:
        ok = r.I64(&i);
        break;
    }
    if (!ok) return;
  }
}

struct Component {
  Kind kind = kTag;
  std::string str;
  uint64_t num = 0;
};

void RoundTrip(FuzzedDataProvider& in) {
  std::vector<Component> parts;
  KeyBuilder b;
  while (in.remaining_bytes() > 0 && parts.size() < 8) {
    Component c;
    c.kind = static_cast<Kind>(in.ConsumeIntegralInRange<int>(0, 3));
    switch (c.kind) {
      case kTag:
        c.num = in.ConsumeIntegral<uint8_t>();
        b.Tag(static_cast<uint8_t>(c.num));
        break;
      case kStr:
        c.str = in.ConsumeRandomLengthString(64);
        b.Str(c.str);
        break;
      case kU64:
        c.num = in.ConsumeIntegral<uint64_t>();
        b.U64(c.num);
        break;
      case kI64:
        c.num = in.ConsumeIntegral<uint64_t>();
        b.I64(static_cast<int64_t>(c.num));
        break;
    }
    parts.push_back(std::move(c));
  }
  const std::string& key = b.key();
  KeyReader r(key);
  for (const Component& c : parts) {
    uint8_t tag;
    std::string s;
    uint64_t u;
    int64_t i;
    bool same = false;
    switch (c.kind) {
      case kTag:
        same = r.Tag(&tag) && tag == c.num;
        break;
      case kStr:
        same = r.Str(&s) && s == c.str;
        break;
      case kU64:
        same = r.U64(&u) && u == c.num;
        break;
      case kI64:
        same = r.I64(&i) && i == static_cast<int64_t>(c.num);
        break;
    }
    if (!same) __builtin_trap();
  }
  if (!r.done()) __builtin_trap();
  std::string succ = PrefixSuccessor(key);
  if (!succ.empty() && !(key < succ)) __builtin_trap();
}

// Encoded strings order like the strings themselves (bytewise, unsigned).
void Order(FuzzedDataProvider& in) {
  std::string a = in.ConsumeRandomLengthString(32), c = in.ConsumeRandomLengthString(32);
  std::string ka = KeyBuilder().Str(a).U64(1).Take(), kc = KeyBuilder().Str(c).U64(0).Take();
  if ((a < c) != (ka < kc) && a != c) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Decode(data[0], {reinterpret_cast<const char*>(data + 1), size - 1});
  FuzzedDataProvider in(data, size);
  Order(in);
  RoundTrip(in);
  return 0;
}
