#include "api/request_metrics.h"

#include <cstdio>

#include "api/prometheus_text.h"

namespace faultgraph::api {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void RequestMetrics::Record(const std::string& method, const std::string& outcome, int64_t micros) {
  const double seconds = micros > 0 ? static_cast<double>(micros) / 1e6 : 0.0;
  size_t bucket = 0;
  while (bucket < kBounds.size() && seconds > kBounds[bucket]) ++bucket;
  std::lock_guard<std::mutex> lock(mu_);
  Method& m = methods_[method];
  ++m.by_outcome[outcome];
  ++m.buckets[bucket];
  m.seconds += seconds;
  ++m.count;
}

std::string RequestMetrics::Text() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  PromFamily(&out, "faultgraph_api_requests_total", "counter",
             "API calls by method and outcome since the daemon started.");
  for (const auto& [method, m] : methods_)
    for (const auto& [outcome, n] : m.by_outcome)
      out += "faultgraph_api_requests_total{method=\"" + method + "\",outcome=\"" + outcome +
             "\"} " + std::to_string(n) + "\n";
  PromFamily(&out, "faultgraph_api_request_seconds", "histogram",
             "API call duration by method (sign-in check included).");
  for (const auto& [method, m] : methods_) {
    uint64_t cumulative = 0;
    const std::string l = "method=\"" + method + "\"";
    for (size_t b = 0; b < kBounds.size(); ++b) {
      cumulative += m.buckets[b];
      out += "faultgraph_api_request_seconds_bucket{" + l + ",le=\"" + Number(kBounds[b]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "faultgraph_api_request_seconds_bucket{" + l + ",le=\"+Inf\"} " +
           std::to_string(m.count) + "\n";
    out += "faultgraph_api_request_seconds_sum{" + l + "} " + Number(m.seconds) + "\n";
    out += "faultgraph_api_request_seconds_count{" + l + "} " + std::to_string(m.count) + "\n";
  }
  return out;
}

}  // namespace faultgraph::api
