// `faultgraph connectors ...`: check, run, status, history and reset of the
// connectors configured in a connectors file (connectors/connector_config.h).
// Embedded it works on the store directly, so it cannot run while
// faultgraphd holds the data directory (which is also what makes `reset`
// safe there: no connector runs); through --server the daemon refuses to
// reset a connector that runs or has a run queued.
#pragma once

#include <string>
#include <vector>

#include "api/gen-cpp/FaultGraph.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::cli {

struct ConnectorsCommand {
  std::string verb;  // check | run | backfill | status | history | reset
  std::string name;  // run / reset: required; history: optional
  std::string config;
  bool full = false;
  bool progress = false;  // run / backfill: a line on stderr per committed batch
  std::string from, to;  // backfill window
  bool as_json = false;
  int limit = 20;
};

// `check` needs no store (null store and pipeline). Returns the exit code:
// 0 done, 1 a run failed or the store failed, 2 a bad config or request.
int RunConnectorsCommand(const ConnectorsCommand& cmd, graph::GraphStore* store,
                         ingest::IngestPipeline* pipeline, const std::atomic<bool>* stop);

// The same against a running faultgraphd --connectors: `run` and
// `backfill` queue a run there, `reset` forgets a position (refused while
// the connector runs or is queued); `status` and `history` list its runs.
// Thrift exceptions propagate.
int RunRemoteConnectorsCommand(const ConnectorsCommand& cmd, api::FaultGraphIf& fg);

}  // namespace faultgraph::cli
