// Running a configured connector: its source yields batches (each with the
// position the source will be at once it is committed) into a bounded queue;
// the ingest side applies them one atomic write at a time. Each run leaves a
// record (start, end, rows read/written/skipped/rejected, error) that
// `connectors history` shows; a run fails when more than the connector's
// error budget of its rows are rejected.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connectors/connector_config.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::connectors {

// A source that yields batches in order. NextBatch returns false at the end
// of what the source has now.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual Result<bool> NextBatch(ingest::SourceBatch* batch) = 0;
};

struct RunRecord;

struct RunOptions {
  bool full = false;                        // read everything again (from no cursor)
  const std::atomic<bool>* stop = nullptr;  // set: stop after the batch in hand
  size_t queue_batches = 2;                 // batches read ahead of ingest
  // A backfill: only rows whose cursor (postgres) or modification time
  // (http) is in [from, to), under a position of its own.
  std::string from, to;
  // Stamps the run's start and end (null: the system clock).
  const Clock* clock = nullptr;
  // Called after each committed batch (a drop folder: each file) with the
  // run so far, its position that of the batch just committed.
  std::function<void(const RunRecord&)> committed;
};

struct RunRecord {
  std::string connector;
  std::string status;  // running | ok | failed | stopped | interrupted
  std::string error;
  int64_t started_ms = 0, ended_ms = 0;
  int64_t read = 0, written = 0, skipped = 0, rejected = 0, batches = 0;
  double commit_ms = 0;      // total time in atomic commits
  double max_commit_ms = 0;  // the slowest commit
  std::string position;      // where the source is now, for people
  bool full = false;
  std::string backfill;  // a backfill's window "[from, to)"; "" for a run
};

// `message` without the "connector NAME: " its source put in front of it
// (a run's record and the log name the connector once, themselves).
std::string WithoutConnectorPrefix(std::string_view message, std::string_view name);

// Runs `c` once to the end of what its source has (or to a stop / error).
// The record is also stored. An error Status only when the store fails;
// source problems end the run as "failed" with the message. The record's
// error and position are redacted (common/redact.h), stored and returned.
Result<RunRecord> RunConnector(ingest::IngestPipeline& pipeline, graph::GraphStore& store,
                               const ConnectorConfig& c, const RunOptions& options);

// Runs of `connector`, newest first, their errors and positions redacted
// (also those stored before redaction, as far as the patterns and the
// secrets registered now reach).
Result<std::vector<RunRecord>> ConnectorHistory(const graph::GraphStore& store,
                                                const std::string& connector, size_t limit);

// Whether a committed position is `c`'s own (its stream; for a drop
// folder, any file of its source; a backfill's position is not).
bool OwnsCheckpoint(const ConnectorConfig& c, const graph::storage::Checkpoint& cp);

// Forgets where `c` is, so that its next run reads everything (records
// already applied are skipped by version, so nothing counts twice).
Status ResetConnector(graph::GraphStore& store, const ConnectorConfig& c);

// The PostgreSQL source of a connector (connectors/postgres_source.cc).
Result<std::unique_ptr<BatchSource>> NewPostgresSource(ingest::IngestPipeline& pipeline,
                                                       const ConnectorConfig& c,
                                                       const RunOptions& o);
// The stream under which a PostgreSQL connector keeps its cursor (a
// backfill's own when o.from is set).
std::string PostgresStream(const ConnectorConfig& c, const RunOptions& o = {});
// The HTTP/JSON source of a connector (connectors/http_source.cc).
Result<std::unique_ptr<BatchSource>> NewHttpSource(ingest::IngestPipeline& pipeline,
                                                   const ConnectorConfig& c, const RunOptions& o);
std::string HttpStream(const ConnectorConfig& c, const RunOptions& o = {});
// The MQTT source of a connector (connectors/mqtt_source.cc): spools each
// message in `store` before it is acknowledged.
Result<std::unique_ptr<BatchSource>> NewMqttSource(ingest::IngestPipeline& pipeline,
                                                   graph::GraphStore& store,
                                                   const ConnectorConfig& c);
std::string MqttStream(const ConnectorConfig& c);

}  // namespace faultgraph::connectors
