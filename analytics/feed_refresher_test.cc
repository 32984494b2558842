#include "analytics/feed_refresher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace faultgraph::analytics {
namespace {

using namespace std::chrono_literals;

// A refresh that can be held open: each call waits for a release.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = true;
  int entered = 0;
  Status result;
  Status Pass() {
    std::unique_lock<std::mutex> lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return open; });
    return result;
  }
  void Set(bool o) {
    {
      std::lock_guard<std::mutex> lock(mu);
      open = o;
    }
    cv.notify_all();
  }
  void WaitEntered(int n) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return entered >= n; });
  }
};

TEST(FeedRefresher, TheFirstReadWaitsForTheFirstRefreshAndGetsItsError) {
  Gate gate;
  gate.result = Status::IOError("disk gone");
  FeedRefresher r([] { return uint64_t{1}; }, [&] { return gate.Pass(); }, 0ms);
  Status s = r.BeforeRead();
  EXPECT_EQ(gate.entered, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("disk gone"), std::string::npos);
}

TEST(FeedRefresher, LaterReadsNeverWaitForARefresh) {
  std::atomic<uint64_t> seq{1};
  Gate gate;
  FeedRefresher r([&] { return seq.load(); }, [&] { return gate.Pass(); }, 0ms);
  ASSERT_TRUE(r.BeforeRead().ok());
  ASSERT_EQ(r.refreshes(), 1u);

  gate.Set(false);  // the next refresh hangs until released
  seq = 2;
  auto reader = std::async(std::launch::async, [&] { return r.BeforeRead(); });
  gate.WaitEntered(2);  // it started the refresh ...
  ASSERT_EQ(reader.wait_for(10s), std::future_status::ready) << "a read waited for the refresh";
  EXPECT_TRUE(reader.get().ok());
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(r.BeforeRead().ok());  // ... and reads go on
  gate.Set(true);
}

TEST(FeedRefresher, RefreshesOnlyWhenTheGraphMovedAndCoalescesReaders) {
  std::atomic<uint64_t> seq{7};
  std::atomic<int> calls{0};
  Gate gate;
  FeedRefresher r([&] { return seq.load(); },
                  [&] {
                    ++calls;
                    return gate.Pass();
                  },
                  0ms);
  ASSERT_TRUE(r.BeforeRead().ok());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(r.BeforeRead().ok());
  EXPECT_EQ(calls.load(), 1) << "nothing changed: no refresh";

  gate.Set(false);
  seq = 8;
  ASSERT_TRUE(r.BeforeRead().ok());
  gate.WaitEntered(2);
  seq = 9;  // written while the refresh runs: stale again after it
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(r.BeforeRead().ok());
  gate.Set(true);
  while (r.refreshes() < 3) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(calls.load(), 3) << "fifty reads during one refresh ask for one more, not fifty";
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(r.BeforeRead().ok());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 3);
}

TEST(FeedRefresher, AMinimumIntervalSpacesRefreshesUnderSteadyWrites) {
  std::atomic<uint64_t> seq{1};
  std::atomic<int> calls{0};
  FeedRefresher r([&] { return seq.load(); },
                  [&] {
                    ++calls;
                    return Status::Ok();
                  },
                  1h);
  ASSERT_TRUE(r.BeforeRead().ok());
  for (int i = 0; i < 100; ++i) {
    ++seq;
    ASSERT_TRUE(r.BeforeRead().ok());
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(calls.load(), 1) << "within the interval the feed is read as it is";
}

}  // namespace
}  // namespace faultgraph::analytics
