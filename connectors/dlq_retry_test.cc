#include "connectors/dlq_retry.h"

#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "connectors/file_connector.h"
#include "connectors/test_util.h"
#include "graph/thrift_codec.h"
#include "ingest/test_pipeline.h"

namespace faultgraph::connectors {
namespace {

// A clock that, once armed, runs `hook` the next time it is read: the
// pipeline reads it inside its commit, so the hook lands there.
class HookClock : public Clock {
 public:
  int64_t NowMillis() const override {
    if (hook_) std::exchange(hook_, nullptr)();
    return 1'700'000'000'000;
  }
  void Arm(std::function<void()> hook) const { hook_ = std::move(hook); }
  bool armed() const { return hook_ != nullptr; }

 private:
  mutable std::function<void()> hook_;
};

class DlqRetryTest : public ingest::PipelineTest {
 protected:
  void SetUp() override {
    OpenStore(&clock_);
    // T2's date is US-style: the ISO mapping rejects it.
    path_ = dir_.Write("tickets.csv",
                       "ticket,model,opened,text,codes,part,updated\n"
                       "T1,AC-200,2024-03-01,不制冷,E4,COMP-1,1\n"
                       "T2,AC-200,03/02/2024,漏水,E5,PUMP-2,1\n"
                       "T3,AC-200,2024-03-03,噪音,E6,FAN-1,1\n");
    auto iso = ParseMapping(kCaseMapping, "case.toml");
    ASSERT_TRUE(iso.ok()) << iso.status().ToString();
    auto r = IngestFile(*pipeline_, *iso, path_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->stats.rejected, 1);
    stream_ = r->stream;
    auto dl = store_->ListDeadLetters("crm", 10);
    ASSERT_TRUE(dl.ok());
    ASSERT_EQ(dl->size(), 1u);
    dead_letter_id_ = graph::DeadLetterId((*dl)[0]);
    // The mapping fixed: the dates of this export are month/day/year.
    std::string fixed = kCaseMapping;
    const std::string opened = "opened = \"opened\"";
    fixed.replace(fixed.find(opened), opened.size(),
                  "opened = { column = \"opened\", format = \"%m/%d/%Y\" }");
    auto m = ParseMapping(fixed, "case.toml");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    fixed_ = *m;
  }

  graph::storage::Checkpoint Checkpoint() {
    auto cp = store_->GetCheckpoint("crm", stream_);
    EXPECT_TRUE(cp.ok() && cp->has_value());
    return cp.ok() && cp->has_value() ? **cp : graph::storage::Checkpoint();
  }

  HookClock clock_;
  std::string path_, stream_, dead_letter_id_;
  Mapping fixed_;
};

// Issue 23: the record was applied in one commit and its dead letter
// deleted in another; a failure between them left both.
TEST_F(DlqRetryTest, RecordAndDeadLetterRemovalAreOneCommit) {
  const uint64_t commits = store_->commits();
  auto r = RetryDeadLetter(*pipeline_, *store_, fixed_, dead_letter_id_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->applied) << r->message;
  EXPECT_EQ(store_->commits() - commits, 1u);
  EXPECT_EQ(store_->GetCase("T2")->symptom_text, "漏水");
  EXPECT_TRUE(store_->FindDeadLetter(dead_letter_id_).status().IsNotFound());
  // Retried again: nothing left to retry.
  EXPECT_TRUE(RetryDeadLetter(*pipeline_, *store_, fixed_, dead_letter_id_).status().IsNotFound());
}

// Issue 23: the retry read the stream's checkpoint outside the pipeline's
// lock and wrote it back with the record, so a connector committing in
// between was moved backwards. The retry now leaves the checkpoint alone.
TEST_F(DlqRetryTest, RetryNeverMovesTheCheckpointBack) {
  const graph::storage::Checkpoint before = Checkpoint();
  // The connector commits a later position while the retry is under way
  // (here: when the retry's commit reads the clock, if it does).
  auto connector_moves_on = [&] {
    graph::storage::Checkpoint later = Checkpoint();
    later.position = "later position";
    later.description = "the connector's next batch";
    graph::GraphBatch b = store_->NewBatch();
    b.PutCheckpoint(later);
    ASSERT_TRUE(store_->Commit(b).ok());
  };
  clock_.Arm(connector_moves_on);
  auto r = RetryDeadLetter(*pipeline_, *store_, fixed_, dead_letter_id_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->applied) << r->message;
  if (clock_.armed()) {
    // The retry did not read the clock: it wrote no checkpoint at all.
    EXPECT_EQ(graph::Encode(Checkpoint()), graph::Encode(before));
    clock_.Arm(nullptr);
    connector_moves_on();
  }
  EXPECT_EQ(Checkpoint().position, "later position");
}

}  // namespace
}  // namespace faultgraph::connectors
