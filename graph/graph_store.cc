#include "graph/graph_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "common/hash.h"
#include "graph/counter_merge.h"
#include "graph/key_codec.h"
#include "graph/rocks_status.h"
#include "graph/thrift_codec.h"

namespace faultgraph::graph {
// ---- GraphBatch ----

GraphBatch::GraphBatch(GraphStore* store)
    : store_(store), wb_(std::make_unique<rocksdb::WriteBatch>()) {}
GraphBatch::~GraphBatch() = default;
GraphBatch::GraphBatch(GraphBatch&&) noexcept = default;

void GraphBatch::Put(Cf cf, std::string key, std::string value) {
  ops_.push_back({cf, /*del=*/false, std::move(key), std::move(value)});
}

void GraphBatch::PutEntity(const storage::Entity& e) {
  Put(Cf::kEntity, keys::Entity(e.kind, e.id), Encode(e));
}

void GraphBatch::PutDerived(Cf cf, std::string key, std::string value) {
  assert(StoredOwnedCf(static_cast<int>(cf)).has_value());
  Put(cf, std::move(key), std::move(value));
}

void GraphBatch::DeleteDerived(Cf cf, std::string key) {
  assert(StoredOwnedCf(static_cast<int>(cf)).has_value());
  Delete(cf, std::move(key));
}

void GraphBatch::DeleteCheckpoint(const std::string& source, const std::string& stream) {
  Delete(Cf::kCheckpoint, keys::Checkpoint(source, stream));
}

void GraphBatch::PutPrincipal(const std::string& name, std::string encoded) {
  Put(Cf::kAudit, keys::Principal(name), std::move(encoded));
}

void GraphBatch::PutConnectorRun(const std::string& connector, int64_t started_ms,
                                 std::string json) {
  Put(Cf::kAudit, keys::ConnectorRun(connector, started_ms), std::move(json));
}

void GraphBatch::PutApiCall(int64_t time_ms, uint64_t seq, std::string line) {
  Put(Cf::kAudit, keys::ApiCall(time_ms, seq), std::move(line));
}

void GraphBatch::DeleteApiCall(std::string key) {
  assert(key.starts_with(keys::ApiCallPrefix()));
  Delete(Cf::kAudit, std::move(key));
}

void GraphBatch::Add(Cf cf, const std::string& key, int64_t delta) {
  assert(CfIsCounter(cf) && cf != Cf::kRedge);
  counters_[static_cast<int>(cf)][key] += delta;
}

void GraphBatch::FlushCounters() {
  std::vector<std::pair<std::string, std::string>> redges;
  for (int i = 0; i < kNumCfs; ++i) {
    Cf cf = static_cast<Cf>(i);
    // In key order: deterministic batches, and neighbouring inserts.
    std::vector<std::pair<std::string_view, int64_t>> sorted(counters_[i].begin(),
                                                             counters_[i].end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [key, delta] : sorted) {
      if (delta == 0) continue;  // retracted and re-added within the batch
      std::string value = EncodeCounter(static_cast<uint64_t>(delta));
      wb_->Merge(store_->Handle(cf), key, value);
      if (cf == Cf::kEdge) {
        KeyReader r(key);
        uint8_t type;
        std::string scope, from, to;
        bool ok = r.Tag(&type) && r.Str(&scope) && r.Str(&from) && r.Str(&to);
        assert(ok);
        (void)ok;
        // Per-product evidence is only read forwards; reverse traversal
        // uses the global and unscoped edges.
        if (scope.starts_with("p:")) continue;
        redges.emplace_back(keys::Redge(static_cast<EdgeType>(type), scope, to, from), value);
      }
    }
    counters_[i].clear();
  }
  std::sort(redges.begin(), redges.end());
  for (const auto& [key, value] : redges) wb_->Merge(store_->Handle(Cf::kRedge), key, value);
}

void GraphBatch::Delete(Cf cf, std::string key) {
  ops_.push_back({cf, /*del=*/true, std::move(key), {}});
}

void GraphBatch::FlushOps() {
  // In (column family, key) order, so that the memtable inserts land next
  // to each other (RocksDB's skiplist reuses the last insert position);
  // a stable sort keeps a delete and a put of the same key in their order.
  if (wb_->Count() == 0) {
    // Sized once: growing a batch of tens of MB by doubling copies it
    // several times over.
    size_t bytes = 64;
    for (const PendingOp& op : ops_) bytes += op.key.size() + op.value.size() + 16;
    for (const auto& cf : counters_) {
      for (const auto& [key, delta] : cf) bytes += 2 * (key.size() + 24);  // with reverse edges
    }
    wb_ = std::make_unique<rocksdb::WriteBatch>(bytes);
  }
  std::stable_sort(ops_.begin(), ops_.end(), [](const PendingOp& a, const PendingOp& b) {
    return a.cf != b.cf ? a.cf < b.cf : a.key < b.key;
  });
  for (const PendingOp& op : ops_) {
    if (op.del) {
      wb_->Delete(store_->Handle(op.cf), op.key);
    } else {
      wb_->Put(store_->Handle(op.cf), op.key, op.value);
    }
  }
  ops_.clear();
}

void GraphBatch::PutDedup(const std::string& source, const std::string& source_id,
                          storage::DedupEntry entry) {
  std::string encoded = Encode(entry);
  PutDedup(source, source_id, std::move(entry), std::move(encoded));
}

void GraphBatch::PutDedup(const std::string& source, const std::string& source_id,
                          storage::DedupEntry entry, std::string encoded) {
  std::string key = keys::Dedup(source, source_id);
  Put(Cf::kDedup, key, std::move(encoded));
  dedup_[std::move(key)] = std::move(entry);
}

void GraphBatch::PutCheckpoint(const storage::Checkpoint& cp) {
  Put(Cf::kCheckpoint, keys::Checkpoint(cp.source, cp.stream), Encode(cp));
}

void GraphBatch::PutDeadLetter(const storage::DeadLetter& dl, uint64_t offset) {
  std::string key = keys::DeadLetter(dl.source, dl.stream, offset);
  Put(Cf::kDlq, key, Encode(dl));
  Put(Cf::kAudit, keys::DeadLetterById(DeadLetterId(dl)), std::move(key));
}

void GraphBatch::DeleteDeadLetter(const storage::DeadLetter& dl) {
  Delete(Cf::kDlq, keys::DeadLetter(dl.source, dl.stream, static_cast<uint64_t>(dl.byte_offset)));
  Delete(Cf::kAudit, keys::DeadLetterById(DeadLetterId(dl)));
}

void GraphBatch::AddOutbox(const std::string& kind, const std::string& id) {
  storage::OutboxItem item;
  item.kind = kind;
  item.id = id;
  outbox_.push_back(std::move(item));
}

size_t GraphBatch::mutations() const {
  size_t n = wb_->Count() + ops_.size();
  for (const auto& c : counters_) n += c.size();
  return n;
}

// ---- GraphStore ----

Result<std::unique_ptr<GraphStore>> GraphStore::Open(const std::string& dir,
                                                     const GraphOptions& options) {
  std::error_code ec;
  if (options.create_if_missing) std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());

  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = options.background_jobs;
  db_options.keep_log_file_num = 5;

  auto cache = rocksdb::NewLRUCache(options.block_cache_mb << 20);
  std::shared_ptr<const rocksdb::FilterPolicy> bloom(rocksdb::NewBloomFilterPolicy(10));
  auto merge = NewCounterMergeOperator();

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kNumCfs; ++i) {
    Cf cf = static_cast<Cf>(i);
    rocksdb::ColumnFamilyOptions cfo;
    cfo.write_buffer_size = options.write_buffer_mb << 20;
    cfo.compression = rocksdb::kNoCompression;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = cache;
    table.filter_policy = bloom;
    cfo.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    if (CfIsCounter(cf)) cfo.merge_operator = merge;
    std::string name = i == 0 ? rocksdb::kDefaultColumnFamilyName : std::string(CfName(cf));
    descriptors.emplace_back(name, cfo);
  }

  auto store = std::unique_ptr<GraphStore>(new GraphStore());
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &store->handles_, &db);
  if (!s.ok()) return FromRocksOpen(s, dir, "open " + dir);
  store->db_.reset(db);
  store->dir_ = dir;
  // Continue the outbox numbering after the last entry ever committed: the
  // high-water mark written with every commit (entries may all be trimmed),
  // or the last entry of a store written before the mark.
  std::unique_ptr<rocksdb::Iterator> it(
      store->db_->NewIterator(rocksdb::ReadOptions(), store->Handle(Cf::kOutbox)));
  it->SeekToLast();
  uint64_t last = 0;
  if (it->Valid()) KeyReader({it->key().data(), it->key().size()}).U64(&last);
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read outbox"));
  std::string mark;
  s = store->db_->Get(rocksdb::ReadOptions(), store->Handle(Cf::kAudit), keys::OutboxHighWater(),
                      &mark);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read outbox high-water mark");
  uint64_t high = 0;
  if (s.ok() && !KeyReader(mark).U64(&high))
    return Status::Corruption("bad outbox high-water mark in " + dir);
  store->last_outbox_seq_ = std::max(last, high);
  FG_RETURN_IF_ERROR(store->CheckSchema(dir));
  FG_RETURN_IF_ERROR(store->IndexDeadLetters());
  FG_RETURN_IF_ERROR(store->LoadKeptCounts());
  return store;
}

// A new store is stamped with the layout version; a store written before
// facts existed (cases, no stamp) or by another version is refused, since
// the analytics would silently miss what it never wrote.
Status GraphStore::CheckSchema(const std::string& dir) {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), Handle(Cf::kFact), keys::SchemaVersion(), &value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read schema version");
  uint64_t version = 1;  // graphs before the stamp
  if (s.ok()) {
    if (!KeyReader(value).U64(&version)) return Status::Corruption("bad schema version in " + dir);
  } else {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), Handle(Cf::kDedup)));
    it->SeekToFirst();
    if (!it->Valid()) {  // nothing ingested yet: stamp it
      return FromRocks(db_->Put(rocksdb::WriteOptions(), Handle(Cf::kFact), keys::SchemaVersion(),
                                KeyBuilder().U64(kSchemaVersion).Take()),
                       "write schema version");
    }
  }
  if (version != kSchemaVersion) {
    return Status::InvalidArgument("the graph in " + dir + " has layout version " +
                                   std::to_string(version) + ", this faultgraph reads version " +
                                   std::to_string(kSchemaVersion) +
                                   ": load the sources again into a new data directory");
  }
  return Status::Ok();
}

GraphStore::~GraphStore() {
  if (db_) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

GraphBatch GraphStore::NewBatch() { return GraphBatch(this); }

int GraphStore::CountedIndex(Cf cf) {
  for (int i = 0; i < 3; ++i) {
    if (kCounted[i] == cf) return i;
  }
  return -1;
}

uint64_t GraphStore::KeptCount(Cf cf) const {
  int i = CountedIndex(cf);
  assert(i >= 0);
  return i < 0 ? 0 : kept_[i].load();
}

Status GraphStore::LoadKeptCounts() {
  bool missing = false;
  for (int i = 0; i < 3; ++i) {
    std::string value;
    rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), Handle(Cf::kAudit), keys::KeyCount(kCounted[i]), &value);
    if (s.IsNotFound()) {
      missing = true;
      break;
    }
    if (!s.ok()) return FromRocks(s, "read kept counts");
    uint64_t n = 0;
    if (!KeyReader(value).U64(&n)) return Status::Corruption("bad kept count in " + dir_);
    kept_[i] = n;
  }
  if (!missing) return Status::Ok();
  rocksdb::WriteBatch wb;
  for (int i = 0; i < 3; ++i) {
    auto n = CountKeys(kCounted[i]);
    if (!n.ok()) return n.status();
    kept_[i] = *n;
    wb.Put(Handle(Cf::kAudit), keys::KeyCount(kCounted[i]), KeyBuilder().U64(*n).Take());
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &wb), "write kept counts");
}

Status GraphStore::Commit(GraphBatch& batch) {
  // The last operation of the batch on each counted key: whether the key
  // exists after the commit.
  std::vector<std::string> touched[3];
  std::vector<bool> after[3];
  {
    std::unordered_map<std::string_view, size_t> at[3];
    for (const auto& op : batch.ops_) {
      const int i = CountedIndex(op.cf);
      if (i < 0) continue;
      auto [it, fresh] = at[i].try_emplace(op.key, touched[i].size());
      if (fresh) {
        touched[i].push_back(op.key);
        after[i].push_back(!op.del);
      } else {
        after[i][it->second] = !op.del;
      }
    }
  }
  batch.FlushOps();
  batch.FlushCounters();
  // Only a batch that numbers outbox entries or changes a kept count needs
  // the one order of commits; the others (audit lines, feed items, runs)
  // are written beside it, so that RocksDB groups their writes.
  const bool ordered = !batch.outbox_.empty() || !touched[0].empty() || !touched[1].empty() ||
                       !touched[2].empty();
  std::unique_lock<std::mutex> lock(commit_mu_, std::defer_lock);
  if (ordered) lock.lock();
  // Whether each touched key exists now, read under the lock that orders
  // every commit: the kept counts change by exactly what this one changes.
  uint64_t kept[3];
  for (int i = 0; i < 3; ++i) {
    kept[i] = kept_[i].load();
    if (touched[i].empty()) continue;
    std::vector<rocksdb::Slice> slices(touched[i].begin(), touched[i].end());
    std::vector<rocksdb::PinnableSlice> values(slices.size());
    std::vector<rocksdb::Status> statuses(slices.size());
    db_->MultiGet(rocksdb::ReadOptions(), Handle(kCounted[i]), slices.size(), slices.data(),
                  values.data(), statuses.data());
    int64_t delta = 0;
    for (size_t k = 0; k < slices.size(); ++k) {
      if (!statuses[k].ok() && !statuses[k].IsNotFound()) {
        // Dropped as a failed write drops it.
        batch.wb_->Clear();
        batch.dedup_.clear();
        batch.outbox_.clear();
        return FromRocks(statuses[k], "read the keys a commit changes");
      }
      delta += static_cast<int>(after[i][k]) - static_cast<int>(statuses[k].ok());
    }
    if (delta == 0) continue;
    kept[i] = delta < 0 && static_cast<uint64_t>(-delta) > kept[i]
                  ? 0
                  : kept[i] + static_cast<uint64_t>(delta);
    batch.wb_->Put(Handle(Cf::kAudit), keys::KeyCount(kCounted[i]),
                   KeyBuilder().U64(kept[i]).Take());
  }
  uint64_t seq = last_outbox_seq_.load();
  for (const auto& item : batch.outbox_) {
    batch.wb_->Put(Handle(Cf::kOutbox), KeyBuilder().U64(++seq).Take(), Encode(item));
  }
  if (!batch.outbox_.empty())
    batch.wb_->Put(Handle(Cf::kAudit), keys::OutboxHighWater(), KeyBuilder().U64(seq).Take());
  rocksdb::WriteOptions wo;
  wo.sync = false;  // the WAL survives a process crash; fsync per batch is the caller's option
  rocksdb::Status s = db_->Write(wo, batch.wb_.get());
  if (s.ok()) {
    ++commits_;
    if (ordered) {
      last_outbox_seq_ = seq;
      for (int i = 0; i < 3; ++i) kept_[i] = kept[i];
    }
  }
  batch.wb_->Clear();
  batch.dedup_.clear();
  batch.outbox_.clear();
  return FromRocks(s, "commit batch");
}

Result<std::vector<OutboxEntry>> GraphStore::ReadOutbox(uint64_t after, size_t limit) const {
  std::vector<OutboxEntry> out;
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(Cf::kOutbox)));
  Status decode_error;
  for (it->Seek(KeyBuilder().U64(after + 1).Take()); it->Valid() && out.size() < limit;
       it->Next()) {
    OutboxEntry e;
    if (!KeyReader({it->key().data(), it->key().size()}).U64(&e.seq)) continue;
    storage::OutboxItem item;
    decode_error = Decode({it->value().data(), it->value().size()}, &item);
    if (!decode_error.ok()) return decode_error;
    e.kind = std::move(item.kind);
    e.id = std::move(item.id);
    out.push_back(std::move(e));
  }
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read outbox"));
  return out;
}

uint64_t GraphStore::LastOutboxSeq() const { return last_outbox_seq_.load(); }

Status GraphStore::RaiseOutboxSeq(uint64_t seq) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  if (seq <= last_outbox_seq_.load()) return Status::Ok();
  rocksdb::WriteOptions wo;
  wo.sync = true;
  FG_RETURN_IF_ERROR(FromRocks(
      db_->Put(wo, Handle(Cf::kAudit), keys::OutboxHighWater(), KeyBuilder().U64(seq).Take()),
      "write outbox high-water mark"));
  last_outbox_seq_ = seq;
  return Status::Ok();
}

Result<uint64_t> GraphStore::LastFeedSeq() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Handle(Cf::kFeed)));
  std::string upper = PrefixSuccessor(KeyBuilder().Tag('S').Take());
  it->SeekForPrev(upper);
  uint64_t seq = 0;
  if (it->Valid()) {
    KeyReader r({it->key().data(), it->key().size()});
    uint8_t tag;
    if (r.Tag(&tag) && tag == 'S') r.U64(&seq);
  }
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read feed"));
  return seq;
}

Result<size_t> GraphStore::AppendFeed(std::vector<storage::FeedItem> items) {
  std::lock_guard<std::mutex> lock(feed_mu_);
  auto last = LastFeedSeq();
  if (!last.ok()) return last.status();
  uint64_t seq = *last;
  rocksdb::WriteBatch wb;
  std::set<std::string> keys;
  size_t added = 0;
  for (auto& item : items) {
    std::string k = KeyBuilder().Tag('K').Str(item.key).Take();
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(Cf::kFeed), k, &v);
    if (s.ok() || !keys.insert(item.key).second) continue;  // already in the feed
    if (!s.IsNotFound()) return FromRocks(s, "read feed");
    item.seq = static_cast<int64_t>(++seq);
    wb.Put(Handle(Cf::kFeed), KeyBuilder().Tag('S').U64(seq).Take(), Encode(item));
    wb.Put(Handle(Cf::kFeed), k, KeyBuilder().U64(seq).Take());
    ++added;
  }
  if (added == 0) return added;
  rocksdb::WriteOptions wo;
  wo.sync = true;  // a feed item a client may have read must never be numbered again
  FG_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "append feed"));
  return added;
}

Result<std::vector<storage::FeedItem>> GraphStore::ReadFeed(uint64_t after, size_t limit) const {
  std::vector<storage::FeedItem> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Handle(Cf::kFeed)));
  for (it->Seek(KeyBuilder().Tag('S').U64(after + 1).Take()); it->Valid() && out.size() < limit;
       it->Next()) {
    KeyReader r({it->key().data(), it->key().size()});
    uint8_t tag;
    if (!r.Tag(&tag) || tag != 'S') break;
    storage::FeedItem item;
    FG_RETURN_IF_ERROR(Decode({it->value().data(), it->value().size()}, &item));
    out.push_back(std::move(item));
  }
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read feed"));
  return out;
}

Status GraphStore::TrimOutbox(uint64_t upto) {
  return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), Handle(Cf::kOutbox),
                                    KeyBuilder().U64(0).Take(), KeyBuilder().U64(upto + 1).Take()),
                   "trim outbox");
}

Status GraphStore::ForEachEvent(const std::string& kind,
                                const std::function<bool(const storage::EventDoc&)>& fn) const {
  Status decode_error;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kCase, KeyBuilder().Tag('E').Str(kind).Take(), SIZE_MAX,
                                [&](std::string_view, std::string_view v) {
                                  storage::EventDoc e;
                                  decode_error = Decode(v, &e);
                                  return decode_error.ok() && fn(e);
                                }));
  return decode_error;
}

Status GraphStore::ForEachCaseFact(int shard,
                                   const std::function<bool(const CaseFactRow&)>& fn) const {
  Status decode_error;
  CaseFactRow row;
  FG_RETURN_IF_ERROR(ScanPrefix(
      Cf::kFact, keys::FactShardPrefix('A', shard), SIZE_MAX,
      [&](std::string_view key, std::string_view value) {
        KeyReader r(key);
        uint8_t tag, sh;
        if (!(r.Tag(&tag) && r.Tag(&sh) && r.Str(&row.asset) && r.I64(&row.opened_ms) &&
              r.Str(&row.case_id) && DecodeCaseFact(value, &row.fact))) {
          decode_error = Status::Corruption("bad case fact in shard " + std::to_string(shard));
          return false;
        }
        return fn(row);
      }));
  return decode_error;
}

Status GraphStore::ForEachContactFact(
    int shard, const std::function<bool(const std::string&, int64_t)>& fn) const {
  Status decode_error;
  std::string case_ref;
  FG_RETURN_IF_ERROR(ScanPrefix(
      Cf::kFact, keys::FactShardPrefix('B', shard), SIZE_MAX,
      [&](std::string_view key, std::string_view) {
        KeyReader r(key);
        uint8_t tag, sh;
        int64_t time_ms;
        if (!(r.Tag(&tag) && r.Tag(&sh) && r.Str(&case_ref) && r.I64(&time_ms))) {
          decode_error = Status::Corruption("bad contact fact in shard " + std::to_string(shard));
          return false;
        }
        return fn(case_ref, time_ms);
      }));
  return decode_error;
}

Result<std::vector<std::pair<std::string, std::string>>> GraphStore::ScanRaw(
    Cf cf, const std::string& prefix, size_t limit, bool reverse) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (limit == 0) return out;
  FG_RETURN_IF_ERROR(ForEachRaw(cf, prefix, reverse, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return out.size() < limit;
  }));
  return out;
}

Status GraphStore::ForEachRaw(
    Cf cf, const std::string& prefix, bool reverse,
    const std::function<bool(std::string_view, std::string_view)>& fn) const {
  if (!reverse) return ScanPrefix(cf, prefix, SIZE_MAX, fn);
  rocksdb::ReadOptions ro;
  std::string upper = PrefixSuccessor(prefix);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(cf)));
  if (upper.empty())
    it->SeekToLast();
  else
    it->SeekForPrev(upper);
  for (; it->Valid(); it->Prev()) {
    if (!it->key().starts_with(prefix)) {
      if (it->key().compare(prefix) < 0) break;
      continue;  // the upper bound itself
    }
    if (!fn({it->key().data(), it->key().size()}, {it->value().data(), it->value().size()})) break;
  }
  return FromRocks(it->status(), "scan " + std::string(CfName(cf)));
}

Result<SpoolStore*> GraphStore::Spool() {
  std::lock_guard<std::mutex> lock(spool_mu_);
  if (spool_ == nullptr) {
    auto spool = SpoolStore::Open((std::filesystem::path(dir_) / "spool").string());
    if (!spool.ok()) return spool.status();
    FG_RETURN_IF_ERROR(MoveLegacySpool(**spool));
    spool_ = std::move(*spool);
  }
  return spool_.get();
}

// Versions before the spool store kept spooled messages in the audit column
// family: what is left there moves over once, numbers kept.
Status GraphStore::MoveLegacySpool(SpoolStore& spool) {
  const std::string prefix = keys::LegacySpoolPrefix();
  for (;;) {
    auto rows = ScanRaw(Cf::kAudit, prefix, 1000, false);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    GraphBatch moved = NewBatch();
    for (const auto& [key, value] : *rows) {
      KeyReader r(key);
      uint8_t tag;
      std::string connector;
      uint64_t seq = 0;
      if (!(r.Tag(&tag) && r.Str(&connector) && r.U64(&seq)))
        return Status::Corruption("bad spooled message key in the audit column family");
      FG_RETURN_IF_ERROR(spool.Append(connector, seq, value));
      moved.Delete(Cf::kAudit, key);
    }
    FG_RETURN_IF_ERROR(Commit(moved));
  }
}

Status GraphStore::ForEachCase(const std::function<bool(const storage::CaseDoc&)>& fn) const {
  Status decode_error;
  Status s = ScanPrefix(Cf::kCase, KeyBuilder().Tag('C').Take(), SIZE_MAX,
                        [&](std::string_view, std::string_view v) {
                          storage::CaseDoc c;
                          decode_error = Decode(v, &c);
                          if (!decode_error.ok()) return false;
                          return fn(c);
                        });
  FG_RETURN_IF_ERROR(s);
  return decode_error;
}

namespace {
template <typename T>
Result<T> GetDecoded(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* h, const std::string& key,
                     const std::string& what) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), h, key, &value);
  if (s.IsNotFound()) return Status::NotFound(what);
  if (!s.ok()) return FromRocks(s, what);
  T out;
  FG_RETURN_IF_ERROR(Decode(value, &out));
  return out;
}
// GetDecoded, with a miss as nullopt rather than NotFound.
template <typename T>
Result<std::optional<T>> GetOptional(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* h,
                                     const std::string& key, const std::string& what) {
  auto r = GetDecoded<T>(db, h, key, what);
  if (r.ok()) return std::optional<T>(std::move(r).value());
  if (r.status().IsNotFound()) return std::optional<T>();
  return r.status();
}
}  // namespace

template <typename T>
Result<std::vector<T>> GraphStore::ScanDecoded(Cf cf, const std::string& prefix,
                                               size_t limit) const {
  std::vector<T> out;
  Status decode_error;
  Status s = ScanPrefix(cf, prefix, limit, [&](std::string_view, std::string_view value) {
    T item;
    decode_error = Decode(value, &item);
    if (!decode_error.ok()) return false;
    out.push_back(std::move(item));
    return true;
  });
  if (!s.ok()) return s;
  if (!decode_error.ok()) return decode_error;
  return out;
}

Result<storage::Entity> GraphStore::GetEntity(const std::string& kind,
                                              const std::string& id) const {
  return GetDecoded<storage::Entity>(db_.get(), Handle(Cf::kEntity), keys::Entity(kind, id),
                                     kind + " '" + id + "' not found");
}

namespace {
// Values of `keys` in one MultiGet, decoded; nullopt where absent.
template <typename T>
Result<std::vector<std::optional<T>>> MultiGetDecoded(rocksdb::DB* db,
                                                      rocksdb::ColumnFamilyHandle* h,
                                                      const std::vector<std::string>& keys,
                                                      const std::string& what) {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db->MultiGet(rocksdb::ReadOptions(), h, keys.size(), slices.data(), values.data(),
               statuses.data());
  std::vector<std::optional<T>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], what);
    out[i].emplace();
    FG_RETURN_IF_ERROR(Decode(std::string_view(values[i].data(), values[i].size()), &*out[i]));
  }
  return out;
}
}  // namespace

Result<std::vector<std::optional<storage::Entity>>> GraphStore::GetEntities(
    const std::string& kind, const std::vector<std::string>& ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.push_back(keys::Entity(kind, id));
  return MultiGetDecoded<storage::Entity>(db_.get(), Handle(Cf::kEntity), keys, kind);
}

Result<std::vector<std::optional<storage::EventDoc>>> GraphStore::GetEvents(
    const std::string& kind, const std::vector<std::string>& ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.push_back(keys::Event(kind, id));
  return MultiGetDecoded<storage::EventDoc>(db_.get(), Handle(Cf::kCase), keys, kind);
}

Result<std::vector<std::optional<storage::DedupEntry>>> GraphStore::GetDedups(
    const std::string& source, const std::vector<std::string>& source_ids) const {
  std::vector<std::string> keys;
  keys.reserve(source_ids.size());
  for (const auto& id : source_ids) keys.push_back(keys::Dedup(source, id));
  return MultiGetDecoded<storage::DedupEntry>(db_.get(), Handle(Cf::kDedup), keys, "dedup");
}

Result<storage::CaseDoc> GraphStore::GetCase(const std::string& case_id) const {
  return GetDecoded<storage::CaseDoc>(db_.get(), Handle(Cf::kCase), keys::CaseDoc(case_id),
                                      "case '" + case_id + "' not found");
}

Result<std::vector<std::optional<storage::CaseDoc>>> GraphStore::GetCases(
    const std::vector<std::string>& case_ids) const {
  std::vector<std::string> keys;
  keys.reserve(case_ids.size());
  for (const auto& id : case_ids) keys.push_back(keys::CaseDoc(id));
  return MultiGetDecoded<storage::CaseDoc>(db_.get(), Handle(Cf::kCase), keys, "case");
}

Result<std::vector<storage::EventDoc>> GraphStore::CaseOutcomes(const std::string& case_id) const {
  std::vector<std::string> ids;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kFact, keys::OutcomeFactPrefix(case_id), SIZE_MAX,
                                [&](std::string_view key, std::string_view) {
                                  KeyReader r(key);
                                  uint8_t tag, shard;
                                  std::string ref, id;
                                  int64_t time_ms;
                                  if (r.Tag(&tag) && r.Tag(&shard) && r.Str(&ref) &&
                                      r.I64(&time_ms) && r.Str(&id))
                                    ids.push_back(std::move(id));
                                  return true;
                                }));
  std::vector<std::string> keys;
  for (const auto& id : ids) keys.push_back(keys::Event("outcome", id));
  auto docs = MultiGetDecoded<storage::EventDoc>(db_.get(), Handle(Cf::kCase), keys, "outcome");
  if (!docs.ok()) return docs.status();
  std::vector<storage::EventDoc> out;
  for (auto& d : *docs) {
    if (d.has_value() && !d->retracted) out.push_back(std::move(*d));
  }
  return out;
}

Result<storage::EventDoc> GraphStore::GetEvent(const std::string& kind,
                                               const std::string& id) const {
  return GetDecoded<storage::EventDoc>(db_.get(), Handle(Cf::kCase), keys::Event(kind, id),
                                       kind + " '" + id + "' not found");
}

Status GraphStore::ScanPrefix(
    Cf cf, const std::string& prefix, size_t limit,
    const std::function<bool(std::string_view, std::string_view)>& fn) const {
  rocksdb::ReadOptions ro;
  std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(cf)));
  size_t n = 0;
  for (it->Seek(prefix); it->Valid() && n < limit; it->Next(), ++n) {
    if (!fn({it->key().data(), it->key().size()}, {it->value().data(), it->value().size()})) break;
  }
  return FromRocks(it->status(), "scan " + std::string(CfName(cf)));
}

Result<std::vector<Neighbour>> GraphStore::Neighbours(EdgeType type, const std::string& scope,
                                                      const std::string& id, Direction dir,
                                                      size_t limit) const {
  // A heap of the best `limit` so far, the weakest kept on top. Better is
  // a higher count, then the lower id; edges arrive in target-id order, so
  // an edge that only ties the weakest kept is weaker and is passed over.
  auto better = [](const Neighbour& a, const Neighbour& b) {
    return a.count != b.count ? a.count > b.count : a.id < b.id;
  };
  std::vector<Neighbour> heap;
  if (limit == 0) return heap;
  Cf cf = dir == Direction::kOut ? Cf::kEdge : Cf::kRedge;
  Status s = ScanPrefix(cf, keys::EdgePrefix(type, scope, id), SIZE_MAX,
                        [&](std::string_view key, std::string_view value) {
                          uint64_t count = DecodeCounter(value);
                          if (count == 0 || count >= (1ull << 63)) return true;
                          if (heap.size() == limit && count <= heap.front().count) return true;
                          KeyReader r(key);
                          uint8_t t;
                          std::string sc, from, to;
                          if (!r.Tag(&t) || !r.Str(&sc) || !r.Str(&from) || !r.Str(&to))
                            return true;
                          if (heap.size() == limit) {
                            std::pop_heap(heap.begin(), heap.end(), better);
                            heap.pop_back();
                          }
                          heap.push_back({std::move(to), count});
                          std::push_heap(heap.begin(), heap.end(), better);
                          return true;
                        });
  if (!s.ok()) return s;
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

Result<uint64_t> GraphStore::GetCount(Cf cf, const std::string& key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(cf), key, &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "read counter");
  return DecodeCounter(value);
}

Result<std::vector<storage::Entity>> GraphStore::ListEntities(const std::string& kind,
                                                              size_t limit) const {
  return ScanDecoded<storage::Entity>(Cf::kEntity, keys::EntityPrefix(kind), limit);
}

Status GraphStore::ForEachComponentCase(const std::string& product, const std::string& component,
                                        const std::function<bool(const ComponentCase&)>& fn) const {
  Status decode_error;
  ComponentCase item;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kCase, keys::ComponentCasePrefix(product, component), SIZE_MAX,
                                [&](std::string_view key, std::string_view value) {
                                  KeyReader r(key);
                                  uint8_t tag;
                                  std::string p, c;
                                  item.outcome_id.clear();
                                  if (!(r.Tag(&tag) && r.Str(&p) && r.Str(&c) &&
                                        r.Str(&item.asset) && r.I64(&item.opened_ms) &&
                                        r.Str(&item.case_id) &&
                                        (r.done() || r.Str(&item.outcome_id)))) {
                                    decode_error = Status::Corruption("bad component-case key");
                                    return false;
                                  }
                                  decode_error = Decode(value, &item.ref);
                                  return decode_error.ok() && fn(item);
                                }));
  return decode_error;
}

Result<std::vector<std::pair<int64_t, uint64_t>>> GraphStore::BucketsOf(
    BucketSeries s, const std::string& a, const std::string& b) const {
  std::vector<std::pair<int64_t, uint64_t>> out;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kBucket, keys::BucketPrefix(s, a, b), SIZE_MAX,
                                [&](std::string_view key, std::string_view value) {
                                  KeyReader r(key);
                                  uint8_t tag;
                                  std::string x, y;
                                  int64_t period = 0;
                                  uint64_t count = DecodeCounter(value);
                                  if (r.Tag(&tag) && r.Str(&x) && r.Str(&y) && r.I64(&period) &&
                                      count != 0 && count < (1ull << 63))
                                    out.emplace_back(period, count);
                                  return true;
                                }));
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> GraphStore::DiagnosedPairs(
    const std::string& product, const std::string& component) const {
  const std::string name(kComponentCasesCounter);
  std::vector<std::string> products;
  if (!product.empty()) {
    products.push_back(product);
  } else {
    auto list = CounterSubjects(name);
    if (!list.ok()) return list.status();
    products = std::move(list).value();
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : products) {
    auto comps = CountersOf(name, p);
    if (!comps.ok()) return comps.status();
    for (const auto& [c, n] : *comps) {
      if (component.empty() || c == component) out.emplace_back(p, c);
    }
  }
  return out;
}

Result<std::vector<std::string>> GraphStore::CounterSubjects(const std::string& name) const {
  std::vector<std::string> out;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kCounter, KeyBuilder().Str(name).Take(), SIZE_MAX,
                                [&](std::string_view key, std::string_view value) {
                                  KeyReader r(key);
                                  std::string n, a;
                                  uint64_t count = DecodeCounter(value);
                                  if (r.Str(&n) && r.Str(&a) && count != 0 &&
                                      count < (1ull << 63) && (out.empty() || out.back() != a))
                                    out.push_back(std::move(a));
                                  return true;
                                }));
  return out;
}

Result<std::vector<std::pair<std::string, uint64_t>>> GraphStore::CountersOf(
    const std::string& name, const std::string& a) const {
  std::vector<std::pair<std::string, uint64_t>> out;
  FG_RETURN_IF_ERROR(ScanPrefix(Cf::kCounter, keys::CounterPrefix(name, a), SIZE_MAX,
                                [&](std::string_view key, std::string_view value) {
                                  KeyReader r(key);
                                  std::string n, x, b;
                                  uint64_t count = DecodeCounter(value);
                                  if (r.Str(&n) && r.Str(&x) && r.Str(&b) && count != 0 &&
                                      count < (1ull << 63))
                                    out.emplace_back(std::move(b), count);
                                  return true;
                                }));
  return out;
}

Result<std::vector<TimelineItem>> GraphStore::AssetTimeline(const std::string& serial,
                                                            size_t limit) const {
  std::vector<TimelineItem> out;
  Status s = ScanPrefix(Cf::kCase, keys::TimelinePrefix(serial), limit,
                        [&](std::string_view key, std::string_view) {
                          KeyReader r(key);
                          uint8_t tag;
                          std::string asset;
                          TimelineItem item;
                          if (r.Tag(&tag) && r.Str(&asset) && r.I64(&item.time_ms) &&
                              r.Str(&item.kind) && r.Str(&item.id)) {
                            out.push_back(std::move(item));
                          }
                          return true;
                        });
  if (!s.ok()) return s;
  return out;
}

Result<std::optional<storage::DedupEntry>> GraphStore::GetDedup(
    const GraphBatch* batch, const std::string& source, const std::string& source_id) const {
  if (batch != nullptr) {
    if (const auto* pending = batch->PendingDedup(source, source_id))
      return std::optional<storage::DedupEntry>(*pending);
  }
  return GetOptional<storage::DedupEntry>(db_.get(), Handle(Cf::kDedup),
                                          keys::Dedup(source, source_id), "dedup");
}

const storage::DedupEntry* GraphBatch::PendingDedup(const std::string& source,
                                                    const std::string& source_id) const {
  if (dedup_.empty()) return nullptr;
  auto it = dedup_.find(keys::Dedup(source, source_id));
  return it == dedup_.end() ? nullptr : &it->second;
}

Result<std::optional<storage::Checkpoint>> GraphStore::GetCheckpoint(
    const std::string& source, const std::string& stream) const {
  return GetOptional<storage::Checkpoint>(db_.get(), Handle(Cf::kCheckpoint),
                                          keys::Checkpoint(source, stream), "checkpoint");
}

Result<std::vector<storage::Checkpoint>> GraphStore::ListCheckpoints() const {
  return ScanDecoded<storage::Checkpoint>(Cf::kCheckpoint, "", SIZE_MAX);
}

Result<std::vector<storage::DeadLetter>> GraphStore::ListDeadLetters(const std::string& source,
                                                                     size_t limit) const {
  std::string prefix = source.empty() ? std::string() : KeyBuilder().Str(source).Take();
  return ScanDecoded<storage::DeadLetter>(Cf::kDlq, prefix, limit);
}

std::string DeadLetterId(const storage::DeadLetter& d) {
  return Hex64(Fnv1a64(d.source + '\x1f' + d.stream + '\x1f' + std::to_string(d.byte_offset)))
      .substr(0, 12);
}

Result<storage::DeadLetter> GraphStore::FindDeadLetter(const std::string& id) const {
  const Status none =
      Status::NotFound("no dead letter with id " + id + " (see `faultgraph dlq list`)");
  std::string key;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), Handle(Cf::kAudit), keys::DeadLetterById(id), &key);
  if (s.IsNotFound()) return none;
  FG_RETURN_IF_ERROR(FromRocks(s, "read dead-letter index"));
  auto d = GetOptional<storage::DeadLetter>(db_.get(), Handle(Cf::kDlq), key, "dead letter");
  if (!d.ok()) return d.status();
  if (!d->has_value() || DeadLetterId(**d) != id) return none;  // gone, or another's id
  return std::move(**d);
}

Status GraphStore::IndexDeadLetters() {
  std::string mark;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), Handle(Cf::kAudit), keys::DeadLetterIndexMark(), &mark);
  if (s.ok()) return Status::Ok();
  if (!s.IsNotFound()) return FromRocks(s, "read dead-letter index mark");
  rocksdb::WriteBatch wb;
  Status decode_error;
  FG_RETURN_IF_ERROR(
      ScanPrefix(Cf::kDlq, "", SIZE_MAX, [&](std::string_view k, std::string_view v) {
        storage::DeadLetter d;
        decode_error = Decode(v, &d);
        if (!decode_error.ok()) return false;
        wb.Put(Handle(Cf::kAudit), keys::DeadLetterById(DeadLetterId(d)),
               rocksdb::Slice(k.data(), k.size()));
        return true;
      }));
  FG_RETURN_IF_ERROR(decode_error);
  wb.Put(Handle(Cf::kAudit), keys::DeadLetterIndexMark(), "1");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Write(wo, &wb), "index dead letters");
}

Result<uint64_t> GraphStore::CountKeys(Cf cf) const {
  uint64_t n = 0;
  Status s = ScanPrefix(cf, "", SIZE_MAX, [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  if (!s.ok()) return s;
  return n;
}

Result<StoreDigest> GraphStore::Digest() const {
  StoreDigest d;
  uint64_t h = kFnvOffset;
  for (int i = 0; i < kNumCfs; ++i) {
    Cf cf = static_cast<Cf>(i);
    if (cf == Cf::kCheckpoint || cf == Cf::kOutbox || cf == Cf::kFeed || cf == Cf::kAudit)
      continue;  // positions and operational records, not content
    bool counter = CfIsCounter(cf);
    Status s = ScanPrefix(cf, "", SIZE_MAX, [&](std::string_view k, std::string_view v) {
      // A counter retracted to zero equals a counter never written.
      if (counter && DecodeCounter(v) == 0) return true;
      h = Fnv1a64(std::string(1, static_cast<char>(i)), h);
      h = Fnv1a64(std::to_string(k.size()), h);
      h = Fnv1a64(k, h);
      h = Fnv1a64(std::to_string(v.size()), h);
      h = Fnv1a64(v, h);
      ++d.keys;
      return true;
    });
    if (!s.ok()) return s;
  }
  d.hex = Hex64(h);
  return d;
}

}  // namespace faultgraph::graph
