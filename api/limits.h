// The API's bounds on what a caller asks for, shared by the handler (which
// enforces them) and the CLI (which refuses the same values before asking).
#pragma once

#include <cstdint>

namespace faultgraph::api {

inline constexpr int32_t kMaxLimit = 1000;       // rows of a list (neighbours, repeats, ...)
inline constexpr int32_t kMaxSearchLimit = 100;  // hits of a search or similar-cases page
inline constexpr int32_t kMaxSearchOffset = 10'000;

}  // namespace faultgraph::api
