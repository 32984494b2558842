#include "connectors/batch_pump.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ingest/test_pipeline.h"

namespace faultgraph::connectors {
namespace {

class BatchPumpTest : public ingest::PipelineTest {
 protected:
  // Batch n (1-based) of a source that moves its checkpoint only.
  static void Fill(ingest::SourceBatch* batch, int n) {
    batch->source = "crm";
    batch->stream = "s";
    batch->checkpoint_position = std::to_string(n);
  }
};

// Issue 23: an exception on the pump's reading thread (std::stoull on a
// bad stored position) ended the process. It is now the run's error; what
// was read before it is committed.
TEST_F(BatchPumpTest, ExceptionOnTheReadingThreadIsTheSourceError) {
  int calls = 0;
  auto next = [&](ingest::SourceBatch* batch) -> Result<bool> {
    if (++calls == 2) throw std::invalid_argument("stoull");
    Fill(batch, calls);
    return true;
  };
  int commits = 0;
  auto committed = [&](const ingest::PreparedBatch&, const ingest::BatchStats&, double) {
    ++commits;
    return true;
  };
  PumpResult r = PumpBatches(*pipeline_, next, committed, 2);
  EXPECT_EQ(r.source_error.code(), Status::Code::kInternal) << r.source_error.ToString();
  EXPECT_NE(r.source_error.message().find("stoull"), std::string::npos);
  EXPECT_TRUE(r.store_error.ok());
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(*pipeline_->CheckpointPosition("crm", "s"), "1");
}

// An exception on the committing side must not leave the reading thread
// running (its std::thread would end the process when destroyed).
TEST_F(BatchPumpTest, ExceptionAfterACommitEndsThePumpCleanly) {
  int calls = 0;
  auto next = [&](ingest::SourceBatch* batch) -> Result<bool> {
    Fill(batch, ++calls);
    return calls < 100;
  };
  auto committed = [&](const ingest::PreparedBatch&, const ingest::BatchStats&, double) -> bool {
    throw std::runtime_error("progress callback");
  };
  PumpResult r = PumpBatches(*pipeline_, next, committed, 2);
  EXPECT_EQ(r.store_error.code(), Status::Code::kInternal) << r.store_error.ToString();
  EXPECT_TRUE(r.source_error.ok());
  EXPECT_LT(calls, 100);
}

}  // namespace
}  // namespace faultgraph::connectors
