#include "connectors/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "connectors/test_util.h"
#include "graph/graph_store.h"

namespace faultgraph::connectors {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = graph::GraphStore::Open(dir_.Path("db"));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    std::filesystem::create_directories(dir_.Path("drop"));
    Write(dir_.Path("case.toml"), kCaseMapping);
    Write(dir_.Path("drop") + "/t1.csv",
          "ticket,model,opened,text,codes,part,updated\n"
          "T1,AC-200,2024-03-01,不制冷,E4,COMP-1,1\n"
          "T2,AC-200,2024-03-02,漏水,E5,PUMP-2,1\n");
    Write(dir_.Path("connectors.toml"),
          "[[connector]]\nname = \"calls\"\ntype = \"folder\"\nmapping = \"case.toml\"\n"
          "[connector.folder]\npath = \"drop\"\npattern = \"*.csv\"\n");
    auto file = LoadConnectors(dir_.Path("connectors.toml"));
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    scheduler_ = std::make_unique<Scheduler>(*pipeline_, *store_, std::move(*file));
  }
  void TearDown() override { scheduler_.reset(); }
  static void Write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
  }
  size_t Checkpoints() { return store_->ListCheckpoints()->size(); }
  // Waits for the run in hand and those queued to end.
  void WaitForRuns(size_t runs) {
    for (int i = 0; i < 500; ++i) {
      auto h = ConnectorHistory(*store_, "calls", 100);
      if (h.ok() && h->size() >= runs && h->front().status != "running" &&
          !scheduler_->Metrics()["calls"].running)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "the runs did not end";
  }
  TempDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(SchedulerTest, ResetIsRefusedWhileARunIsQueuedAndForgetsThePositionAfter) {
  ASSERT_TRUE(scheduler_->RunNow("calls", false).ok());
  Status queued = scheduler_->Reset("calls");
  EXPECT_TRUE(queued.code() == Status::Code::kBusy) << queued.ToString();
  EXPECT_NE(queued.message().find("queued"), std::string::npos) << queued.message();

  scheduler_->Start();
  WaitForRuns(1);
  EXPECT_EQ(ConnectorHistory(*store_, "calls", 1)->front().written, 2);
  EXPECT_EQ(Checkpoints(), 1u);  // the file's position
  ASSERT_TRUE(scheduler_->Reset("calls").ok());
  EXPECT_EQ(Checkpoints(), 0u);

  // Read again from the start; what the graph holds is skipped by version.
  ASSERT_TRUE(scheduler_->RunNow("calls", false).ok());
  WaitForRuns(2);
  auto again = ConnectorHistory(*store_, "calls", 1)->front();
  EXPECT_EQ(again.read, 2);
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(Checkpoints(), 1u);
}

TEST_F(SchedulerTest, BackfillAndResetNameWhatIsWrong) {
  Status s = scheduler_->Backfill("calls", "2024-01-01", "2024-02-01");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("folder, which has no backfill"), std::string::npos) << s.message();
  EXPECT_TRUE(scheduler_->Backfill("nope", "a", "b").IsNotFound());
  EXPECT_TRUE(scheduler_->Reset("nope").IsNotFound());
  EXPECT_TRUE(scheduler_->RunNow("nope", false).IsNotFound());
}

}  // namespace
}  // namespace faultgraph::connectors
