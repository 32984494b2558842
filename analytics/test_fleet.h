// A small fleet written through the real ingest pipeline for the analytics
// tests: products, shipped units, cases and calls, at chosen dates.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/test_dir.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::analytics {

// Milliseconds of 00:00 UTC on the given day.
int64_t Day(int year, int month, int day);
constexpr int64_t kDayMs = 86'400'000;

struct TestCase {
  TestCase(std::string id, std::string serial, int64_t opened_ms, int64_t closed_ms,
           std::vector<std::string> components, std::vector<std::string> fixes,
           double satisfaction = -1)
      : id(std::move(id)),
        serial(std::move(serial)),
        opened_ms(opened_ms),
        closed_ms(closed_ms),
        components(std::move(components)),
        fixes(std::move(fixes)),
        satisfaction(satisfaction) {}
  std::string id, serial;
  int64_t opened_ms, closed_ms;  // closed 0: still open
  std::vector<std::string> components, fixes;
  double satisfaction;  // < 0: not given
};

class TestFleet : public ::testing::Test {
 protected:
  void SetUp() override;

  void Product(const std::string& model, const std::string& family = "AC");
  // `n` units of `product` shipped on `ship_ms`, serials PREFIX-0 ... PREFIX-(n-1).
  void Ship(const std::string& product, const std::string& prefix, int n, int64_t ship_ms,
            const std::string& region = "");
  void Cases(const std::vector<TestCase>& cases);
  void Call(const std::string& id, const std::string& case_ref, int64_t time_ms);
  void Apply(std::vector<ingest::Record> records);

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  int batch_ = 0;
};

}  // namespace faultgraph::analytics
