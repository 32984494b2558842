// Keeps the Xapian index in step with the graph. The index is fed only
// from the graph's outbox; each shard stores, in the same Xapian commit as
// the documents, the last outbox sequence it holds, so a crash between a
// RocksDB commit and a Xapian commit loses nothing: on start the indexer
// resumes after the lowest sequence any shard holds (re-adding a document
// replaces it). Shards are written in parallel and searched as one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"
#include "search/index_verify.h"

namespace faultgraph::text {
class TextFolder;
}

namespace faultgraph::search {

using text::TextFolder;

struct IndexOptions {
  int shards = 2;               // databases written in parallel (one per core)
  size_t commit_every = 20000;  // outbox items per Xapian commit
  // Fault injection for tests: called before each shard's commit; a non-OK
  // Status fails that shard's chunk as a Xapian error would. Empty: none.
  std::function<Status(int shard)> before_commit;
};

// How Indexer::IndexChunk writes.
struct IndexChunkOptions {
  // Each shard records the chunk's sequence as the one it holds (and
  // entries a shard already holds by sequence are skipped).
  bool mark = true;
  // The shards hold none of the chunk's documents (a rebuild emptied
  // them and gives each document once): added without looking for an
  // older version.
  bool fresh = false;
};

class Indexer {
 public:
  // Opens or creates the index in `dir` (shard0, shard1, ...). `store` must
  // outlive the indexer. IOError when Xapian cannot open it (for example,
  // locked by another writer).
  static Result<std::unique_ptr<Indexer>> Open(graph::GraphStore* store, const std::string& dir,
                                               const IndexOptions& options = {});
  ~Indexer();

  // Indexes every outbox entry after indexed_seq(), commits, then trims the
  // outbox up to what every shard holds. Returns the number of entries
  // indexed. When a rebuild did not finish (it failed, or the process ended
  // during it), the outbox cannot complete the index: CatchUp rebuilds it
  // instead. Not thread-safe (one indexer thread).
  Result<uint64_t> CatchUp();
  // Empties the index and indexes every case and fix in the graph again;
  // returns the number of documents written. On error the index stays
  // marked incomplete (in each shard's metadata, so across restarts) and
  // the next CatchUp or Rebuild starts the rebuild again.
  Result<uint64_t> Rebuild();
  // True while a rebuild has emptied a shard and not finished.
  bool rebuild_pending() const;
  // Compares the index with the graph (search/index_verify.h). Call after
  // CatchUp, on the indexer's thread.
  Result<IndexReport> Verify() const;
  // Indexes again exactly what `report` found missing or stale and deletes
  // what it found orphaned; returns the number of documents written or
  // deleted. Outbox positions are left as they are.
  Result<uint64_t> Repair(const IndexReport& report);
  // The lowest outbox sequence that every shard holds.
  uint64_t indexed_seq() const;

 private:
  Indexer() = default;
  // Writes the documents of `items` (each entry to its shard) and commits
  // each shard. `cases`, when not empty, holds one slot per entry: the
  // case of an entry of kind "case" as read from the graph (a rebuild
  // scanning them; nullopt: gone); otherwise the cases are read here, one
  // batched read per shard.
  Status IndexChunk(const std::vector<graph::OutboxEntry>& items, uint64_t seq,
                    IndexChunkOptions how = {},
                    std::vector<std::optional<graph::storage::CaseDoc>> cases = {});

  graph::GraphStore* store_ = nullptr;
  std::string dir_;
  IndexOptions options_;
  const TextFolder* folder_ = nullptr;  // TextFolder::Shared()
  struct Shard;
  std::vector<std::unique_ptr<Shard>> shards_;
};

// The shard directories of an index in `dir`, for readers.
std::vector<std::string> ShardPaths(const std::string& dir, int shards);

}  // namespace faultgraph::search
