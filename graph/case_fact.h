// The compact fact one case leaves for the analytics (repeats, KPIs, cohort
// rates): what they need and nothing else, in a small binary encoding that
// decodes an order of magnitude faster than the full case document. Written
// with the case at ingest (Cf::kFact, keyed by asset and time), retracted
// with it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::graph {

struct CaseFact {
  std::string product, region;
  int64_t closed_ms = 0;     // 0 = still open
  double satisfaction = -1;  // < 0 = not given
  int64_t ship_month = 0;    // yyyymm the asset shipped; 0 = unknown
  std::string customer;      // the asset's customer key (never a name)
  std::vector<std::string> components, symptoms, fixes;
};

// A fact with the parts of its key.
struct CaseFactRow {
  std::string asset, case_id;
  int64_t opened_ms = 0;
  CaseFact fact;
};

std::string EncodeCaseFact(const CaseFact& f);
// False when `data` is not an encoded fact (truncated, unknown version).
bool DecodeCaseFact(std::string_view data, CaseFact* f);

}  // namespace faultgraph::graph
