// Index completeness: the graph's cases and fixes compared with the
// documents the index holds, by id and by the version of the graph record
// each document was built from. What `faultgraph verify` reports and
// `--repair` indexes again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace Xapian {
class Database;
}

namespace faultgraph::search {

struct DocRef {
  std::string kind;  // "case" or "fix"
  std::string id;
};

struct IndexReport {
  uint64_t graph_docs = 0;       // cases and fixes in the graph
  uint64_t index_docs = 0;       // documents in the index
  uint64_t pending = 0;          // outbox entries not indexed yet: neither missing nor stale
  std::vector<DocRef> missing;   // in the graph, not in the index
  std::vector<DocRef> stale;     // in the index, built from another version of the record
  std::vector<DocRef> orphaned;  // in the index, no longer in the graph
  bool clean() const { return missing.empty() && stale.empty() && orphaned.empty(); }
};

// The version of the record a document is built from: a hash of its
// stored encoding, so any change to what the graph holds changes it.
uint64_t DocVersion(const graph::storage::CaseDoc& c);
uint64_t DocVersion(const graph::storage::Entity& fix);

// Compares `store` with the documents of `shards` (searched as one). The
// outbox entries after `indexed_seq` are pending: the caller must hold off
// the indexer while this runs, so that nothing is trimmed meanwhile.
Result<IndexReport> VerifyIndex(const graph::GraphStore& store,
                                const std::vector<const Xapian::Database*>& shards,
                                uint64_t indexed_seq);

}  // namespace faultgraph::search
