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

// Everything one record writes, encoded: prepared off the commit path
// (in parallel), so that committing is only deciding and copying.
struct Derived {
  struct Put {
    graph::Cf cf;
    std::string key, value;
  };
  std::vector<Put> puts;  // owned keys: documents, timeline, indexes, analytics facts
  // The search indexer's work item ("case" or "fix" and the id), if any.
  std::optional<std::pair<std::string, std::string>> outbox;
  // Version, owned keys and counter deltas (edge / counter / bucket): what
  // a later version retracts. The counters are also what this one adds.
  graph::storage::DedupEntry dedup;
  std::string dedup_value;  // `dedup`, encoded
};

// Canonical symptom id of a fault code: "<family or product>:<CODE>".
std::string FaultCodeSymptom(const std::string& family_or_product, const std::string& code);

Derived Derive(const Record& record);

}  // namespace faultgraph::ingest
