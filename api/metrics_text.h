// The daemon's figures in the Prometheus text exposition format.
#pragma once

#include <string>

#include "connectors/scheduler.h"
#include "graph/graph_store.h"

namespace faultgraph::api {

// Per connector: rows read/written/rejected and runs since the daemon
// started, the last success, the cursor lag (seconds since its committed
// position last moved), checkpoint commit durations, whether it is running;
// plus the outbox sequence. `scheduler` may be null (no connectors).
std::string MetricsText(const graph::GraphStore& store, const connectors::Scheduler* scheduler);

}  // namespace faultgraph::api
