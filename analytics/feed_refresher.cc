#include "analytics/feed_refresher.h"

#include <utility>

#include "common/log.h"

namespace faultgraph::analytics {

FeedRefresher::FeedRefresher(Sequence sequence, Refresh refresh,
                             std::chrono::milliseconds min_interval)
    : sequence_(std::move(sequence)), refresh_(std::move(refresh)), min_interval_(min_interval) {}

FeedRefresher::~FeedRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status FeedRefresher::BeforeRead() {
  const uint64_t seq = sequence_();
  std::unique_lock<std::mutex> lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  if (!have_refreshed_seq_ || seq != refreshed_seq_) {
    wanted_ = true;
    cv_.notify_all();
  }
  if (refreshes_ == 0) {
    cv_.wait(lock, [&] { return refreshes_ > 0 || stop_; });
    return first_status_;
  }
  return Status::Ok();
}

uint64_t FeedRefresher::refreshes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refreshes_;
}

void FeedRefresher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    // The sequence is read before the refresh: a case written meanwhile
    // leaves the feed marked stale, and the next read refreshes again.
    const uint64_t seq = sequence_();
    Status s = CatchExceptions("feed refresh", refresh_);
    lock.lock();
    if (s.ok()) {
      refreshed_seq_ = seq;
      have_refreshed_seq_ = true;
    } else {
      LogWarn("feed refresh failed (retried at the next read): " + s.ToString());
    }
    if (refreshes_++ == 0) first_status_ = s;
    cv_.notify_all();
    cv_.wait_for(lock, min_interval_, [&] { return stop_; });
  }
}

}  // namespace faultgraph::analytics
