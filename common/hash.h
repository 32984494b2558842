// Stable, non-cryptographic 64-bit hashing (FNV-1a) for content keys and
// store digests. Stable across processes, builds and machines.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace faultgraph {

inline constexpr uint64_t kFnvOffset = 14695981039346656037ull;

inline uint64_t Fnv1a64(std::string_view data, uint64_t h = kFnvOffset) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// 16 lowercase hex digits.
std::string Hex64(uint64_t v);

}  // namespace faultgraph
