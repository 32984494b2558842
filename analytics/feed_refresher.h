// Keeps the R&D feed up to date off the request path. A reader asks
// `BeforeRead`; when the graph moved since the last refresh, a refresh is
// started on the refresher's own thread and the reader goes on with what the
// feed holds (findings are appended, so a later page brings the new ones).
// Refreshes are coalesced: at most one runs, and the next starts no sooner
// than `min_interval` after the last ended, however many readers poll under a
// steady ingest. Only the first read of the process waits, for the first
// refresh, so that a page right after a start is complete.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/status.h"

namespace faultgraph::analytics {

class FeedRefresher {
 public:
  using Sequence = std::function<uint64_t()>;  // moves whenever the graph changes
  using Refresh = std::function<Status()>;     // appends the new findings

  FeedRefresher(Sequence sequence, Refresh refresh, std::chrono::milliseconds min_interval);
  ~FeedRefresher();  // waits for a refresh in progress
  FeedRefresher(const FeedRefresher&) = delete;
  FeedRefresher& operator=(const FeedRefresher&) = delete;

  // Starts a refresh when the graph moved since the last one. Waits only
  // while no refresh of this process has finished yet, and then returns
  // that refresh's error, if any; later failures are logged and retried at
  // the next read.
  Status BeforeRead();

  // Refreshes that have finished (tests and metrics).
  uint64_t refreshes() const;

 private:
  void Loop();

  const Sequence sequence_;
  const Refresh refresh_;
  const std::chrono::milliseconds min_interval_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wanted_ = false;
  bool have_refreshed_seq_ = false;
  uint64_t refreshed_seq_ = 0;  // the sequence the last good refresh started at
  uint64_t refreshes_ = 0;
  Status first_status_;
  std::thread thread_;  // started by the first read
};

}  // namespace faultgraph::analytics
