// The RocksDB-backed fault graph: one DB with the column families of
// schema.h. Writes go through GraphBatch, one atomic WriteBatch per source
// batch; reads are point lookups and prefix scans. Thread-safe: many readers
// and one writer at a time (the ingest pipeline serialises its commits).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "graph/case_fact.h"
#include "graph/gen-cpp/storage_types.h"
#include "graph/schema.h"
#include "graph/spool_store.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace faultgraph::graph {

struct GraphOptions {
  bool create_if_missing = true;  // create the directory and DB when absent
  size_t write_buffer_mb = 16;    // memtable size per column family
  size_t block_cache_mb = 256;    // shared LRU block cache
  int background_jobs = 2;        // flush + compaction threads
};

struct Neighbour {
  std::string id;
  uint64_t count = 0;
};

enum class Direction { kOut, kIn };

struct TimelineItem {
  int64_t time_ms = 0;
  std::string kind;  // "case", "contact", "sensor"
  std::string id;
};

class GraphStore;

struct StoreDigest {
  std::string hex;    // hash over every key and value outside `checkpoint`
  uint64_t keys = 0;  // keys hashed
};

// Mutations for one source batch, made by GraphStore::NewBatch and applied
// atomically by GraphStore::Commit. Not thread-safe. Dedup entries put here
// are seen by PendingDedup and GraphStore::GetDedup(&batch, ...) before the
// commit.
class GraphBatch {
 public:
  ~GraphBatch();
  GraphBatch(GraphBatch&&) noexcept;

  void PutEntity(const storage::Entity& e);
  // A key a record derives (ingest/derive.cc), or the retraction of one
  // an earlier version derived: only in the families a record owns keys
  // in (entity, case, fact; graph::StoredOwnedCf).
  void PutDerived(Cf cf, std::string key, std::string value);
  void DeleteDerived(Cf cf, std::string key);
  // Adds delta (wrapping) to a counter-family key; an edge key also updates
  // its reverse twin in `redge` unless it is per-product evidence ("p:"
  // scope), which is only read forwards. Deltas to one key are summed within the
  // batch and written as one merge at commit (hot keys such as global
  // evidence edges are hit by most records of a batch).
  void Add(Cf cf, const std::string& key, int64_t delta);
  void PutDedup(const std::string& source, const std::string& source_id, storage::DedupEntry entry);
  // The same with `entry` already encoded.
  void PutDedup(const std::string& source, const std::string& source_id, storage::DedupEntry entry,
                std::string encoded);
  // The entry this batch already holds for (source, source_id), or null.
  const storage::DedupEntry* PendingDedup(const std::string& source,
                                          const std::string& source_id) const;
  void PutCheckpoint(const storage::Checkpoint& cp);
  // Forgets where (source, stream) was read to: the next run reads it from
  // the start (`connectors reset`).
  void DeleteCheckpoint(const std::string& source, const std::string& stream);
  // Operational records in the audit family (outside the digest): a
  // principal (its encoded record), a connector run (its JSON), an API
  // call's audit line, and the removal of audit lines or spooled messages
  // by the key a scan of their prefix returned.
  void PutPrincipal(const std::string& name, std::string encoded);
  void PutConnectorRun(const std::string& connector, int64_t started_ms, std::string json);
  void PutApiCall(int64_t time_ms, uint64_t seq, std::string line);
  void DeleteApiCall(std::string key);
  void PutDeadLetter(const storage::DeadLetter& dl, uint64_t offset);
  // Removes the dead letter `dl` (its source, stream and byte_offset).
  void DeleteDeadLetter(const storage::DeadLetter& dl);
  // Queues kind/id for the search index; numbered in commit order.
  void AddOutbox(const std::string& kind, const std::string& id);
  size_t mutations() const;

 private:
  friend class GraphStore;
  friend struct RawBatchWrites;  // tests: damaged and older stores (raw_batch_writes.h)
  explicit GraphBatch(GraphStore* store);
  // Any key of any family: the typed calls above are the way in.
  void Put(Cf cf, std::string key, std::string value);
  void Delete(Cf cf, std::string key);
  // Writes the summed counter deltas into wb_ (once, at commit).
  void FlushOps();
  void FlushCounters();
  struct PendingOp {
    Cf cf;
    bool del;
    std::string key;
    std::string value;
  };

  GraphStore* store_;
  std::unique_ptr<rocksdb::WriteBatch> wb_;
  std::vector<PendingOp> ops_;  // puts and deletes, written in key order at commit
  std::unordered_map<std::string, storage::DedupEntry> dedup_;
  std::unordered_map<std::string, int64_t> counters_[kNumCfs];
  std::vector<storage::OutboxItem> outbox_;
};

// A case under one of its diagnosed components (keys::ComponentCase), or
// an outcome recorded on the case (keys::ComponentCaseOutcome: right after
// the case's own entry, when the case has one).
struct ComponentCase {
  std::string asset;
  int64_t opened_ms = 0;
  std::string case_id;
  std::string outcome_id;  // empty: the case's own entry
  storage::ComponentCaseRef ref;
};

struct OutboxEntry {
  uint64_t seq = 0;
  std::string kind;
  std::string id;
};

// A dead letter's short, stable id for people and commands (12 hex digits
// of a hash of source, stream and offset).
std::string DeadLetterId(const storage::DeadLetter& d);

class GraphStore {
 public:
  // Opens (creating when allowed) the store in `dir`. Busy when another
  // process holds it; Corruption / IOError as RocksDB reports them.
  static Result<std::unique_ptr<GraphStore>> Open(const std::string& dir,
                                                  const GraphOptions& options = {});
  ~GraphStore();

  GraphBatch NewBatch();
  // Applies every mutation of `batch` atomically, or none. The batch is
  // spent either way.
  Status Commit(GraphBatch& batch);
  // Batches Commit has written since the store was opened (tests use it to
  // see that one change is one commit).
  uint64_t commits() const { return commits_.load(); }

  // NotFound when absent.
  Result<storage::Entity> GetEntity(const std::string& kind, const std::string& id) const;
  Result<storage::CaseDoc> GetCase(const std::string& case_id) const;
  // Many cases in one batched read: one slot per id, nullopt where absent.
  Result<std::vector<std::optional<storage::CaseDoc>>> GetCases(
      const std::vector<std::string>& case_ids) const;
  // The outcomes recorded on a case (not the retracted ones), oldest first.
  Result<std::vector<storage::EventDoc>> CaseOutcomes(const std::string& case_id) const;
  // Many entities of one kind in one batched read (RocksDB MultiGet): one
  // slot per id, nullopt where absent. Far cheaper than a Get per id.
  Result<std::vector<std::optional<storage::Entity>>> GetEntities(
      const std::string& kind, const std::vector<std::string>& ids) const;
  Result<storage::EventDoc> GetEvent(const std::string& kind, const std::string& id) const;
  // Many events of one kind in one batched read: one slot per id, nullopt
  // where absent.
  Result<std::vector<std::optional<storage::EventDoc>>> GetEvents(
      const std::string& kind, const std::vector<std::string>& ids) const;
  // Edges of `type` in `scope` leaving (kOut) or entering (kIn; not for
  // "p:" scopes, which have no reverse index) `id`, with
  // their counts, highest count first (ties in id order); edges whose
  // count fell to 0 are left out. At most `limit`: the edges are read once
  // and only the best `limit` are kept, so memory and sorting stay bounded
  // by `limit` however many targets the node has.
  Result<std::vector<Neighbour>> Neighbours(EdgeType type, const std::string& scope,
                                            const std::string& id, Direction dir,
                                            size_t limit) const;
  // The counter at (cf, key); 0 when absent.
  Result<uint64_t> GetCount(Cf cf, const std::string& key) const;
  // Entities of one kind in id order, at most `limit`.
  Result<std::vector<storage::Entity>> ListEntities(const std::string& kind, size_t limit) const;
  // The cases, contacts and sensor events of an asset, oldest first.
  Result<std::vector<TimelineItem>> AssetTimeline(const std::string& serial, size_t limit) const;

  // The applied version of a source record: from `batch` when it has one,
  // else from the store; nullopt when never applied.
  Result<std::optional<storage::DedupEntry>> GetDedup(const GraphBatch* batch,
                                                      const std::string& source,
                                                      const std::string& source_id) const;
  // The applied versions of many records of one source from the store (not
  // from a batch), read together; one slot per id.
  Result<std::vector<std::optional<storage::DedupEntry>>> GetDedups(
      const std::string& source, const std::vector<std::string>& source_ids) const;
  Result<std::optional<storage::Checkpoint>> GetCheckpoint(const std::string& source,
                                                           const std::string& stream) const;
  Result<std::vector<storage::Checkpoint>> ListCheckpoints() const;
  // Dead letters in (source, stream, offset) order; all sources when
  // `source` is empty.
  Result<std::vector<storage::DeadLetter>> ListDeadLetters(const std::string& source,
                                                           size_t limit) const;
  Result<uint64_t> CountKeys(Cf cf) const;
  // How many keys kDedup (records), kEntity or kDlq (dead letters) holds,
  // without counting: every commit keeps these exact (a key it writes
  // that was absent adds one, a key it deletes that was there takes one
  // away), and a store written before them is counted once when opened.
  uint64_t KeptCount(Cf cf) const;
  // A dead letter by its id (DeadLetterId); NotFound when none has it.
  Result<storage::DeadLetter> FindDeadLetter(const std::string& id) const;
  // Indexes the dead letters of a store written before the index by id
  // (keys::DeadLetterById), once; then marks it done.
  Status IndexDeadLetters();

  // Outbox entries with seq > `after`, oldest first, at most `limit`.
  Result<std::vector<OutboxEntry>> ReadOutbox(uint64_t after, size_t limit) const;
  // The highest sequence committed so far (0 when none), trimmed or not.
  uint64_t LastOutboxSeq() const;
  // Continues numbering after `seq` at least (persisted): for an index that
  // holds sequences a store written by an older version has forgotten.
  Status RaiseOutboxSeq(uint64_t seq);
  // Deletes entries with seq <= `upto` (they are in the index).
  Status TrimOutbox(uint64_t upto);
  // The cases of `product` diagnosed with `component`, grouped by asset and
  // in time order within an asset, until fn returns false; the outcomes
  // recorded on a case under the component follow its own entry.
  Status ForEachComponentCase(const std::string& product, const std::string& component,
                              const std::function<bool(const ComponentCase&)>& fn) const;
  // The buckets of series (s, a, b): (period, count) in period order, counts > 0.
  Result<std::vector<std::pair<int64_t, uint64_t>>> BucketsOf(BucketSeries s, const std::string& a,
                                                              const std::string& b) const;
  // The (product, component) pairs with diagnosed cases, in order: of one
  // product and/or one component when given, else of every product — in
  // the product master or not.
  Result<std::vector<std::pair<std::string, std::string>>> DiagnosedPairs(
      const std::string& product, const std::string& component) const;
  // The distinct `a` of the counters (name, a, *) with a non-zero count, in order.
  Result<std::vector<std::string>> CounterSubjects(const std::string& name) const;
  // The counters (name, a, b) for every b, with non-zero counts, in b order.
  Result<std::vector<std::pair<std::string, uint64_t>>> CountersOf(const std::string& name,
                                                                   const std::string& a) const;
  // The R&D feed: appends the items whose key is new, numbering them after
  // the last (one WriteBatch; items with a key already in the feed are
  // skipped); returns how many were appended.
  Result<size_t> AppendFeed(std::vector<storage::FeedItem> items);
  // Items with seq > after, oldest first, at most `limit`.
  Result<std::vector<storage::FeedItem>> ReadFeed(uint64_t after, size_t limit) const;
  Result<uint64_t> LastFeedSeq() const;
  // The case facts of one of the kFactShards shards (graph/case_fact.h):
  // grouped by asset, in time order within an asset, until fn returns false.
  // Shards are disjoint, so callers scan them in parallel.
  Status ForEachCaseFact(int shard, const std::function<bool(const CaseFactRow&)>& fn) const;
  // The calls that name a case, of one shard: grouped by case, in time order.
  Status ForEachContactFact(
      int shard, const std::function<bool(const std::string& case_ref, int64_t time_ms)>& fn) const;
  // Raw keys and values under `prefix` in `cf`, last first when `reverse`;
  // for small administrative key spaces (connector runs).
  Result<std::vector<std::pair<std::string, std::string>>> ScanRaw(Cf cf, const std::string& prefix,
                                                                   size_t limit,
                                                                   bool reverse) const;
  // The same, one key at a time until fn returns false (audit trails).
  Status ForEachRaw(Cf cf, const std::string& prefix, bool reverse,
                    const std::function<bool(std::string_view, std::string_view)>& fn) const;
  // The spool beside the graph (graph/spool_store.h), opened on first use.
  Result<SpoolStore*> Spool();
  // Calls fn for every stored event of `kind` ("contact", "sensor").
  Status ForEachEvent(const std::string& kind,
                      const std::function<bool(const storage::EventDoc&)>& fn) const;
  // Calls fn for every stored case until it returns false.
  Status ForEachCase(const std::function<bool(const storage::CaseDoc&)>& fn) const;

  // A content hash of the whole graph (all column families but checkpoint,
  // outbox and feed, which are positions, and audit, which holds connector
  // runs: operational records rather than content),
  // equal for two stores that hold the same data however it got there.
  Result<StoreDigest> Digest() const;

 private:
  friend class GraphBatch;
  GraphStore() = default;
  std::mutex feed_mu_;
  rocksdb::ColumnFamilyHandle* Handle(Cf cf) const { return handles_[static_cast<int>(cf)]; }
  Status CheckSchema(const std::string& dir);
  // Reads the kept counts; counts a store written before them, once.
  Status LoadKeptCounts();
  static constexpr Cf kCounted[3] = {Cf::kDedup, Cf::kEntity, Cf::kDlq};
  static int CountedIndex(Cf cf);
  Status MoveLegacySpool(SpoolStore& spool);
  Status ScanPrefix(Cf cf, const std::string& prefix, size_t limit,
                    const std::function<bool(std::string_view, std::string_view)>& fn) const;
  // The values under `prefix`, decoded as T; Corruption on the first that is not.
  template <typename T>
  Result<std::vector<T>> ScanDecoded(Cf cf, const std::string& prefix, size_t limit) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // Orders the commits that number outbox entries or change a kept count.
  std::mutex commit_mu_;
  std::string dir_;
  std::mutex spool_mu_;
  std::unique_ptr<SpoolStore> spool_;
  std::atomic<uint64_t> last_outbox_seq_{0};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> kept_[3] = {0, 0, 0};  // by kCounted, under commit_mu_ to change
};

}  // namespace faultgraph::graph
