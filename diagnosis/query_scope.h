// What an agent's query refers to in the graph: the product it names, matched
// as a person types it (ac-350 is AC-350), and, for a fault code given with
// no known product, the families (or products) whose cases know the code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace faultgraph::graph {
class GraphStore;
}

namespace faultgraph::diagnosis {

struct ProductMatch {
  std::string id;      // as the graph knows it; the given text when unknown
  std::string family;  // from the product master
  bool in_master = false;
  bool has_cases = false;  // cases were recorded under `id`
  bool known() const { return in_master || has_cases; }
};

// An id as people type it compared as the graph's: NFKC (full-width forms
// from a Chinese input method), trimmed, upper-case.
std::string IdKey(std::string_view id);

// The product `given` names: exactly, else ignoring case, surrounding
// spaces and full-width forms, first in the product master, then among the
// products cases were recorded under. Empty `given`: an empty match.
Result<ProductMatch> MatchProduct(const graph::GraphStore& store, const std::string& given);

// One reading of a fault code: its canonical symptom ("AC:E4") and the
// diagnosed cases behind it.
struct CodeReading {
  std::string symptom;
  uint64_t cases = 0;
};

// For each code, the scopes (families, or products without a family) whose
// diagnosed cases show it, most cases first; a code no case shows maps to
// an empty list.
Result<std::map<std::string, std::vector<CodeReading>>> ReadCodesWithoutProduct(
    const graph::GraphStore& store, const std::vector<std::string>& codes);

}  // namespace faultgraph::diagnosis
