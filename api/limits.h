// The API's bounds on what a caller asks for, shared by the handler (which
// enforces them) and the CLI (which refuses the same values before asking).
#pragma once

#include <cstddef>
#include <cstdint>

namespace faultgraph::api {

inline constexpr int32_t kMaxLimit = 1000;       // rows of a list (neighbours, repeats, ...)
inline constexpr int32_t kMaxSearchLimit = 100;  // hits of a search or similar-cases page
inline constexpr int32_t kMaxSearchOffset = 10'000;
inline constexpr size_t kMaxIdBytes = 512;     // an id named in a request
inline constexpr size_t kMaxNoteBytes = 4000;  // an outcome's note
inline constexpr size_t kMaxPathBytes = 4096;  // a file path the daemon is asked to read
inline constexpr size_t kMaxQueryBytes = 8192;   // a search query or a customer's text
inline constexpr int32_t kMaxFeedPage = 10'000;  // items of one defect-feed page

}  // namespace faultgraph::api
