#include "api/request_metrics.h"

#include <gtest/gtest.h>

namespace faultgraph::api {
namespace {

TEST(RequestMetrics, CountsByOutcomeAndACumulativeHistogram) {
  RequestMetrics m;
  m.Record("search", "ok", 800);   // 0.8 ms
  m.Record("search", "ok", 7000);  // 7 ms
  m.Record("search", "bad_request", 50);
  m.Record("rootCause", "ok", 3'000'000);  // 3 s: above every bound
  const std::string t = m.Text();
  EXPECT_NE(t.find("faultgraph_api_requests_total{method=\"search\",outcome=\"ok\"} 2\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("faultgraph_api_requests_total{method=\"search\",outcome=\"bad_request\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("faultgraph_api_request_seconds_bucket{method=\"search\",le=\"0.001\"} 2\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("faultgraph_api_request_seconds_bucket{method=\"search\",le=\"0.01\"} 3\n"),
            std::string::npos);
  EXPECT_NE(t.find("faultgraph_api_request_seconds_bucket{method=\"rootCause\",le=\"2.5\"} 0\n"),
            std::string::npos);
  EXPECT_NE(t.find("faultgraph_api_request_seconds_bucket{method=\"rootCause\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(t.find("faultgraph_api_request_seconds_count{method=\"search\"} 3\n"),
            std::string::npos);
  EXPECT_NE(t.find("faultgraph_api_request_seconds_sum{method=\"rootCause\"} 3\n"),
            std::string::npos);
  EXPECT_NE(t.find("# TYPE faultgraph_api_request_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::api
