// The audit trail of faultgraphd: one record per API call (time, principal,
// role, method, target ids, outcome, duration, client address; never query
// text, tokens or record contents), appended to the graph store
// (Cf::kAudit, keys::ApiCall, in time order) and written to stderr as one
// JSON line. Records are batched: a crash loses at most the last
// `flush_ms`. Records older than the retention are deleted at start and
// hourly. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::api {

struct AuditEvent {
  int64_t time_ms = 0;
  std::string principal;  // "" when not signed in
  std::string role;
  std::string method;
  std::vector<std::string> targets;  // "caseId=T1", ...
  std::string outcome;               // ok, bad_request, not_found, forbidden, ...
  int64_t duration_us = 0;
  std::string peer;
};

struct AuditOptions {
  int retention_days = 365;  // older records are deleted; 0 = keep forever
  int flush_ms = 200;        // records reach the store at most this late
  bool log_lines = true;     // also one JSON line per call on stderr
};

struct AuditFilter {
  int64_t since_ms = 0;   // at or after; 0 = any time
  std::string principal;  // "" = all
  std::string method;     // "" = all
  size_t limit = 100;
};

class AuditLog {
 public:
  // `store` is not owned and must outlive this. Starts the writer thread.
  AuditLog(graph::GraphStore* store, AuditOptions options);
  // Writes what is queued.
  ~AuditLog();
  void Record(AuditEvent event);
  // Writes what is queued now (before a query of the trail).
  Status Flush();

 private:
  void WriterLoop();
  Status WriteQueued(std::unique_lock<std::mutex>& lock);

  graph::GraphStore* store_;
  const AuditOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<AuditEvent> queue_;
  uint64_t next_seq_;
  bool stop_ = false;
  std::thread writer_;
};

// One record as a JSON object (the log line and the stored value).
std::string AuditJson(const AuditEvent& e);
// Matching records, newest first, at most filter.limit.
Result<std::vector<AuditEvent>> QueryAudit(const graph::GraphStore& store,
                                           const AuditFilter& filter);
// Deletes the records before `before_ms`; returns how many.
Result<size_t> PruneAudit(graph::GraphStore& store, int64_t before_ms);

}  // namespace faultgraph::api
