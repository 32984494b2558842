// The daemon's figures in the Prometheus text exposition format.
#pragma once

#include <string>

#include "api/search_service.h"
#include "connectors/scheduler.h"
#include "graph/graph_store.h"

namespace faultgraph::api {

// Per connector: rows read/written/rejected and runs since the daemon
// started, the last success, the cursor lag (seconds since its committed
// position last moved), checkpoint commit durations, whether it is running;
// plus the outbox sequence. `scheduler` may be null (no connectors).
std::string MetricsText(const graph::GraphStore& store, const connectors::Scheduler* scheduler);

// The search index against the graph at its last check (the check at open
// after an unclean shutdown, or a verifyIndex call): documents missing,
// stale and orphaned, repaired so far, and when it was checked.
std::string IndexHealthText(const SearchService::Health& health);

}  // namespace faultgraph::api
