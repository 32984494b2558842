// Order-preserving key encoding for every column family.
//
// A key is a sequence of components. Strings are written with 0x00 escaped
// as 0x00 0xFF and end with 0x00 0x01, so that comparing encoded keys
// bytewise orders them component by component ("a" < "a\0" < "ab"), and the
// encoding of a prefix of components is a byte prefix of the whole key.
// Integers are fixed-width big-endian; signed ones have the sign bit flipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace faultgraph::graph {

class KeyBuilder {
 public:
  KeyBuilder& Tag(uint8_t tag) {
    key_.push_back(static_cast<char>(tag));
    return *this;
  }
  KeyBuilder& Str(std::string_view s);
  KeyBuilder& U64(uint64_t v);
  KeyBuilder& I64(int64_t v) { return U64(static_cast<uint64_t>(v) ^ (1ull << 63)); }
  const std::string& key() const { return key_; }
  std::string Take() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads components back in the order they were written. Each Read* returns
// false on malformed or exhausted input and leaves the reader failed.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : rest_(key) {}
  bool Tag(uint8_t* tag);
  bool Str(std::string* s);
  bool U64(uint64_t* v);
  bool I64(int64_t* v);
  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// The smallest key greater than every key that starts with `prefix`
// (for iterate_upper_bound); empty when no such key exists.
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace faultgraph::graph
