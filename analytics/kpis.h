// Service KPIs per product, region or period: first-time-fix rate,
// repeat-failure rate, MTTR, response time and satisfaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::analytics {

struct KpiOptions {
  std::string product;  // filters; empty: all
  std::string region;
  int64_t from_ms = 0, to_ms = 0;  // cases opened in [from, to); 0: open-ended
  std::string by = "product";      // "product" | "region" | "month" | "quarter" | "year" | "all"
  int64_t window_ms = graph::kRepeatWindowMs;
};

struct KpiRow {
  std::string group;
  uint64_t cases = 0;  // opened in the group
  uint64_t closed = 0;
  double first_time_fix = 0;     // closed cases not followed by the asset back with the same
                                 // component (or, without one, the same symptom) in the window
  double repeat_rate = 0;        // closed cases that were such a return themselves
  double mttr_hours = 0;         // median open -> close of closed cases
  double response_minutes = -1;  // median first call about the case -> ticket opened; -1: no calls
  double satisfaction = -1;      // mean score given; -1: none given
  uint64_t rated = 0;
  uint64_t contacted = 0;          // cases some call names
  uint64_t repeat_contacts = 0;    // ... with two or more calls before the case closed
  double repeat_contact_rate = 0;  // repeat_contacts / contacted
};

// InvalidArgument naming the choices unless `by` is one of KpiOptions::by's.
Status CheckKpiGrouping(const std::string& by);

// Groups in name order, then a row "all" over everything the filters keep.
// Read from the analytics facts, shards in parallel; a case is a repeat
// (or returned) by the asset's whole history, also outside the filters.
Result<std::vector<KpiRow>> ComputeKpis(const graph::GraphStore& store, const KpiOptions& o);

}  // namespace faultgraph::analytics
