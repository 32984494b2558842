#include "api/connection_tracker.h"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "common/log.h"
#include "common/status.h"

namespace faultgraph::api {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ConnectionTracker::ConnectionTracker(ConnectionLimits limits)
    : limits_(limits), sweeper_([this] {
        try {
          SweepLoop();
        } catch (...) {
          LogError(CurrentExceptionStatus("connection sweeper").ToString() +
                   ": idle connections are no longer closed");
        }
      }) {}

ConnectionTracker::~ConnectionTracker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  sweeper_.join();
}

std::shared_ptr<TrackedConnection> ConnectionTracker::Open(const void* key, int fd,
                                                           std::string peer) {
  auto c = std::make_shared<TrackedConnection>();
  c->fd = fd;
  c->peer = std::move(peer);
  c->last_active_ms = NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  c->id = next_id_++;
  size_t served = 0;
  for (const auto& [k, other] : open_) served += !other->refused;
  c->refused = served >= static_cast<size_t>(limits_.max_connections);
  if (c->refused) {
    ++refused_total_;
    LogWarn("refusing connection from " + c->peer + ": at the limit of " +
            std::to_string(limits_.max_connections) + " connections (--max-connections)");
  }
  open_[key] = c;
  return c;
}

void ConnectionTracker::Close(const void* key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    open_.erase(key);
  }
  changed_.notify_all();
}

void ConnectionTracker::BeginCall(TrackedConnection& c) {
  ++c.calls;
  c.last_active_ms = NowMs();
}

void ConnectionTracker::EndCall(TrackedConnection& c) {
  c.last_active_ms = NowMs();
  --c.calls;
}

size_t ConnectionTracker::open() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_.size();
}

// Shuts down the read side of each connection past its time: the server's
// IO thread then reads end-of-file and closes it, after writing a response
// it may still be sending. Under mu_, so that a socket is never shut after
// Close (the server closes the descriptor only after Close returns).
void ConnectionTracker::Sweep() {
  int64_t now = NowMs();
  for (auto& [key, c] : open_) {
    if (c->shut || c->calls.load() > 0) continue;
    int64_t limit = draining_ || c->condemned.load() ? 0
                    : c->refused                     ? limits_.refusal_grace_ms
                                                     : limits_.idle_timeout_ms;
    if (now - c->last_active_ms.load() < limit) continue;
    ::shutdown(c->fd, SHUT_RD);
    c->shut = true;
    if (!draining_ && !c->refused && !c->condemned.load()) ++timed_out_total_;
  }
}

void ConnectionTracker::SweepLoop() {
  int tick_ms = std::clamp(limits_.idle_timeout_ms / 4, 10, 250);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    Sweep();
    changed_.wait_for(lock, std::chrono::milliseconds(tick_ms));
  }
}

void ConnectionTracker::Drain(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  draining_ = true;
  int64_t deadline = NowMs() + timeout_ms;
  while (!open_.empty()) {
    Sweep();
    bool busy = std::any_of(open_.begin(), open_.end(),
                            [](const auto& kv) { return kv.second->calls.load() > 0; });
    // A running call (an ingest finishing its batch) is waited for; then
    // the responses get `timeout_ms` to go out.
    if (busy) deadline = NowMs() + timeout_ms;
    if (NowMs() >= deadline) break;
    changed_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

}  // namespace faultgraph::api
