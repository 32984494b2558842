// Per API method: requests by outcome and a latency histogram, for
// /metrics (issue 19: "per API method request count, errors by type and
// latency histogram"). Recorded by SessionHandler for every call, signed in
// or refused.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace faultgraph::api {

class RequestMetrics {
 public:
  // The histogram's upper bounds in seconds (and +Inf).
  static constexpr std::array<double, 11> kBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,   0.25,   0.5,   1,    2.5};

  // One call of `method` that ended with `outcome` ("ok", "bad_request",
  // "not_found", ... as the audit trail names them) after `micros`.
  void Record(const std::string& method, const std::string& outcome, int64_t micros);

  // Prometheus text: faultgraph_api_requests_total{method,outcome} and
  // faultgraph_api_request_seconds{method} (histogram), methods in name order.
  std::string Text() const;

 private:
  struct Method {
    std::map<std::string, uint64_t> by_outcome;
    std::array<uint64_t, kBounds.size() + 1> buckets{};  // not cumulative; last: above all
    double seconds = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Method> methods_;
};

}  // namespace faultgraph::api
