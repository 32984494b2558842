// The daemon's connector scheduler: runs each connector on its cron
// schedule, and on request, one run at a time; keeps the figures /metrics
// shows (rows read/written/rejected per connector, last success, cursor
// lag, checkpoint commit duration).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "connectors/connector_config.h"
#include "connectors/runner.h"

namespace faultgraph::connectors {

struct ConnectorMetrics {
  int64_t read = 0, written = 0, rejected = 0;  // totals since the daemon started
  int64_t runs_ok = 0, runs_failed = 0;
  int64_t last_success_ms = 0;  // 0: none since start
  double last_commit_ms = 0;    // mean commit of the last run
  double max_commit_ms = 0;     // slowest commit of the last run
  bool running = false;
  std::string last_status;
  int64_t failed_in_a_row = 0;  // runs failed since the last that did not (readiness)
};

class Scheduler {
 public:
  // `clock` tells when a scheduled run is due and stamps the runs (tests
  // inject one and move it, then Wake()).
  Scheduler(ingest::IngestPipeline& pipeline, graph::GraphStore& store, ConnectorsFile file,
            const Clock* clock = SystemClock());
  ~Scheduler();
  void Start();
  // Stops after the batch in hand of a running connector.
  void Stop();
  // Queues a run of `name` (NotFound when not configured); runs queue behind
  // the one in progress.
  Status RunNow(const std::string& name, bool full);
  // Queues a backfill of [from, to) (connectors/runner.h): InvalidArgument
  // for an empty window and for MQTT and drop-folder connectors, which have
  // none.
  Status Backfill(const std::string& name, const std::string& from, const std::string& to);
  // Forgets the connector's positions (ResetConnector), only while it is
  // neither running nor queued: Busy then, so that a run never
  // loses its position under it.
  Status Reset(const std::string& name);
  // Reads the clock again now instead of at the next due time (the clock
  // moved: a test's, or the system's after a jump).
  void Wake();
  // A copy of every connector's figures.
  std::map<std::string, ConnectorMetrics> Metrics() const;
  const ConnectorsFile& file() const { return file_; }

 private:
  void Loop();

  ingest::IngestPipeline& pipeline_;
  graph::GraphStore& store_;
  ConnectorsFile file_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Request {
    std::string name;
    RunOptions options;  // full, backfill window
  };
  std::vector<Request> requests_;
  std::map<std::string, ConnectorMetrics> metrics_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace faultgraph::connectors
