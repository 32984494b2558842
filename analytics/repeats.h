// Repeat failures: the same asset back with the same component within a
// window after a case closed. The earlier case's fix did not hold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::analytics {

struct RepeatOptions {
  std::string product;  // empty: every product
  int64_t window_ms = graph::kRepeatWindowMs;
  size_t max_chains = 10;  // per row
};

// One product x component x fix.
struct RepeatRow {
  std::string product;
  std::string component;
  std::string fix;
  uint64_t attempts = 0;  // cases closed with this fix
  uint64_t repeats = 0;   // ... followed by the asset back within the window
  double rate = 0;        // repeats / attempts
  // Chains of case ids on one asset (first case, then its repeats), longest
  // first; the customers affected by any chain, as keys.
  std::vector<std::vector<std::string>> chains;
  std::vector<std::string> customers;
};

// Rows with at least one attempt, most repeats first (then rate). Read
// from the analytics facts (graph/fact_scan.h), shards in parallel.
Result<std::vector<RepeatRow>> RepeatFailures(const graph::GraphStore& store,
                                              const RepeatOptions& o);

// Repeat contacts: several calls about one case before it closed (or while
// it is still open): the customer had to chase it.
struct RepeatContactOptions {
  std::string product;     // empty: every product
  size_t min_calls = 2;    // calls before the close that make it a repeat contact
  bool open_only = false;  // only cases still open
  size_t limit = 50;
};
struct RepeatContactRow {
  std::string case_id, product, asset;
  uint64_t calls = 0;  // before the close (all, when open)
  int64_t first_call_ms = 0, last_call_ms = 0;
  int64_t opened_ms = 0, closed_ms = 0;  // closed 0: still open
};
// Most calls first, then the latest last call.
Result<std::vector<RepeatContactRow>> RepeatContacts(const graph::GraphStore& store,
                                                     const RepeatContactOptions& o);

}  // namespace faultgraph::analytics
