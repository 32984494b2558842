#include "connectors/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "connectors/test_util.h"
#include "graph/graph_store.h"

namespace faultgraph::connectors {
namespace {

// A clock the test sets.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t ms) : ms_(ms) {}
  int64_t NowMillis() const override { return ms_.load(); }
  void Set(int64_t ms) { ms_.store(ms); }

 private:
  std::atomic<int64_t> ms_;
};

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

TEST_F(SchedulerTest, AFailedRunNamesItsConnectorOnce) {
  EXPECT_EQ(WithoutConnectorPrefix("IO error: connector api: http://x answered HTTP 500", "api"),
            "IO error: http://x answered HTTP 500");
  EXPECT_EQ(WithoutConnectorPrefix("connector other: x", "api"), "connector other: x");
  // A source that cannot be reached: its error in the run record, once.
  Write(dir_.Path("api.toml"),
        "[[connector]]\nname = \"api\"\ntype = \"http\"\nmapping = \"case.toml\"\n"
        "[connector.http]\nurl = \"http://127.0.0.1:1/items\"\nmodified_field = \"updated\"\n"
        "key_field = \"ticket\"\ntimeout_seconds = 1\nmax_retries = 0\n");
  auto file = LoadConnectors(dir_.Path("api.toml"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto r = RunConnector(*pipeline_, *store_, file->connectors[0], {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, "failed");
  EXPECT_FALSE(r->error.empty());
  EXPECT_EQ(r->error.find("connector api:"), std::string::npos) << r->error;
}

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

// A scheduled connector runs when its cron time comes on the scheduler's
// clock, once, and its run is stamped with that clock: no test waits for
// the wall clock to reach a minute.
TEST_F(SchedulerTest, AScheduledRunIsDueByTheInjectedClock) {
  Write(dir_.Path("hourly.toml"),
        "[[connector]]\nname = \"calls\"\ntype = \"folder\"\nmapping = \"case.toml\"\n"
        "schedule = \"0 * * * *\"\n"
        "[connector.folder]\npath = \"drop\"\npattern = \"*.csv\"\n");
  auto file = LoadConnectors(dir_.Path("hourly.toml"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  constexpr int64_t k1059 = 1'709'290'740'000;  // 2024-03-01 10:59:00 UTC
  ManualClock clock(k1059);
  scheduler_ = std::make_unique<Scheduler>(*pipeline_, *store_, std::move(*file), &clock);
  scheduler_->Start();
  scheduler_->Wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ConnectorHistory(*store_, "calls", 10)->size(), 0u) << "ran before 11:00";

  clock.Set(k1059 + 61'000);  // 11:00:01
  scheduler_->Wake();
  WaitForRuns(1);
  auto runs = ConnectorHistory(*store_, "calls", 10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->front().started_ms, k1059 + 61'000);
  EXPECT_EQ(runs->front().ended_ms, k1059 + 61'000);
  EXPECT_EQ(runs->front().written, 2);

  clock.Set(k1059 + 31 * 60'000);  // 11:30: the next is due at 12:00
  scheduler_->Wake();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ConnectorHistory(*store_, "calls", 10)->size(), 1u) << "ran again before 12:00";
  clock.Set(k1059 + 61 * 60'000);  // 12:00
  scheduler_->Wake();
  WaitForRuns(2);
  EXPECT_EQ(ConnectorHistory(*store_, "calls", 10)->front().started_ms, k1059 + 61 * 60'000);
  scheduler_.reset();  // stops before the clock goes
}

}  // namespace
}  // namespace faultgraph::connectors
