// For tests only (header-only, uses GoogleTest): a graph store in a fresh
// scratch directory and an ingest pipeline over it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/clock.h"
#include "common/test_dir.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::ingest {

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(); }
  // (Re)opens the store in dir_/db and a pipeline over it reading `clock`.
  void OpenStore(const Clock* clock = SystemClock()) {
    pipeline_.reset();
    store_.reset();
    auto s = graph::GraphStore::Open(dir_.Path("db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    pipeline_ = std::make_unique<IngestPipeline>(store_.get(), nullptr, clock);
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<IngestPipeline> pipeline_;
};

}  // namespace faultgraph::ingest
