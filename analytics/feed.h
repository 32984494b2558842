// The R&D feed: findings (trend alerts, repeat-failure findings, monthly rate
// snapshots) appended once each to an append-only sequence in the store, so
// a client pulling after its cursor never misses or repeats an item, across
// restarts too.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::analytics {

struct FeedOptions {
  int64_t repeat_window_ms = graph::kRepeatWindowMs;
  uint64_t min_repeats = 3;       // a fix is reported when it failed this often ...
  double min_repeat_rate = 0.25;  // ... and at least this share of its attempts
};

// Runs the trend and repeat analyses and appends what is new: an alert per
// (product, component, month), a repeat finding per (product, component,
// fix) each time its repeat count reaches the next power of two, and the
// latest complete month's rate per (product, component) before `now_ms`.
// Returns the number of items appended.
Result<size_t> RefreshFeed(graph::GraphStore& store, const FeedOptions& options, int64_t now_ms);

// Opaque cursors: "" is the start; a cursor names the last item read.
std::string FeedCursor(uint64_t seq);
Result<uint64_t> ParseFeedCursor(const std::string& cursor);

}  // namespace faultgraph::analytics
