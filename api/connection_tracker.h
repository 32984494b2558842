// The Thrift server's open connections: a cap with a clear refusal, and
// connections that have no call in progress closed after an idle timeout.
// A slow-loris client (a request that never completes) has no call in
// progress either, so it is dropped after the same timeout. Used by
// api/server.cc; thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace faultgraph::api {

struct ConnectionLimits {
  // Connections served at once; one more is answered "faultgraphd is at its
  // limit of N connections" on its first call and closed.
  int max_connections = 1000;
  // A connection with no call in progress for this long is closed (idle
  // clients, and requests that trickle in slower than this).
  int idle_timeout_ms = 60'000;
  // How long a refused connection may stay to read its refusal.
  int refusal_grace_ms = 2'000;
};

// One open connection, as the tracker sees it.
struct TrackedConnection {
  uint64_t id = 0;
  int fd = -1;
  std::string peer;      // "ADDR:PORT" of the client
  bool refused = false;  // over the cap: every call is refused
  std::atomic<int64_t> last_active_ms{0};
  std::atomic<int> calls{0};  // calls in progress
  bool shut = false;          // its read side was shut down (closing)
  // A call failed below the handler (a request over a size limit, a
  // malformed message): no response comes, so the connection is closed at
  // the next sweep rather than left for the client to wait on.
  std::atomic<bool> condemned{false};
};

class ConnectionTracker {
 public:
  explicit ConnectionTracker(ConnectionLimits limits);
  // Stops the sweeper.
  ~ConnectionTracker();

  // Registers a new connection on socket `fd` under `key` (unique while it
  // is open); refused when the cap is reached.
  std::shared_ptr<TrackedConnection> Open(const void* key, int fd, std::string peer);
  // Forgets the connection (the server is about to close its socket).
  void Close(const void* key);
  // Marks a call in progress / finished (idle time counts from the end).
  static void BeginCall(TrackedConnection& c);
  static void EndCall(TrackedConnection& c);

  // Closes every connection with no call in progress from now on and waits
  // until all are gone, or `timeout_ms` after the last call finished.
  void Drain(int timeout_ms);

  size_t open() const;
  uint64_t refused_total() const { return refused_total_.load(); }
  uint64_t timed_out_total() const { return timed_out_total_.load(); }
  const ConnectionLimits& limits() const { return limits_; }

 private:
  void Sweep();
  void SweepLoop();

  const ConnectionLimits limits_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<const void*, std::shared_ptr<TrackedConnection>> open_;
  uint64_t next_id_ = 1;
  bool draining_ = false;
  bool stop_ = false;
  std::atomic<uint64_t> refused_total_{0};
  std::atomic<uint64_t> timed_out_total_{0};
  std::thread sweeper_;
};

}  // namespace faultgraph::api
