// Retrying a dead letter of a file connector once its mapping (or the data
// behind it) is fixed: the row is mapped again with the mapping given and,
// when it is now a valid record, applied and its dead letter removed.
#pragma once

#include <string>

#include "common/status.h"
#include "connectors/mapping.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::connectors {

struct RetryResult {
  std::string id;
  bool applied = false;
  std::string message;  // why it still fails, or what was applied
};

// CSV rows are read again with the header of their file (which must still
// be there); JSON rows (JSON Lines files, HTTP items) from the stored row.
// Rows of database sources come again from the source: fix them there.
// An error Status only for a missing id or a store failure.
Result<RetryResult> RetryDeadLetter(ingest::IngestPipeline& pipeline, graph::GraphStore& store,
                                    const Mapping& mapping, const std::string& id);

}  // namespace faultgraph::connectors
