// Calls per second per principal: a token bucket each, refilled at `rate`
// per second up to `burst`. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace faultgraph::api {

class RateLimiter {
 public:
  // rate 0 = no limit.
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // Takes one call from `principal`'s bucket; false when it is empty.
  bool Allow(const std::string& principal);
  double rate() const { return rate_; }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace faultgraph::api
