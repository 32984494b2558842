// Wall clock behind an interface so tests can inject time.
#pragma once

#include <cstdint>

namespace faultgraph {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
};

// The process-wide real clock. Never null; not owned by the caller.
const Clock* SystemClock();

}  // namespace faultgraph
