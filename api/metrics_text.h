// The daemon's figures in the Prometheus text exposition format.
#pragma once

#include <memory>
#include <string>

#include "api/search_service.h"
#include "connectors/scheduler.h"
#include "diagnosis/models.h"
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

// What an operator watches grow or fall behind: bytes on disk of the graph,
// the index and the models (the folders of `paths`); outbox entries the
// index has yet to take in; and per loaded model (`models` may be null),
// its age and how many records the graph took in since it was trained.
std::string StorageText(const graph::GraphStore& store, const SearchService& search,
                        const DataPaths& paths,
                        const std::shared_ptr<const diagnosis::Models>& models);

}  // namespace faultgraph::api
