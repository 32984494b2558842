// Derivation: what one normalised record puts into the graph. A pure
// function of the record, so that an update's effect is the difference
// between the contributions of its old and new versions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/gen-cpp/storage_types.h"
#include "graph/schema.h"
#include "ingest/records.h"

namespace faultgraph::ingest {

struct Derived {
  std::optional<graph::storage::Entity> entity;
  std::optional<graph::storage::CaseDoc> case_doc;
  std::optional<graph::storage::EventDoc> event;
  std::vector<std::string> timeline_keys;  // in Cf::kCase
  struct OwnedPut {
    graph::Cf cf;
    std::string key, value;
  };
  std::vector<OwnedPut> owned_puts;                    // component-case index, analytics facts
  std::vector<graph::storage::Contribution> counters;  // edge / counter / bucket deltas
};

// Canonical symptom id of a fault code: "<family or product>:<CODE>".
std::string FaultCodeSymptom(const std::string& family_or_product, const std::string& code);

Derived Derive(const Record& record);

}  // namespace faultgraph::ingest
