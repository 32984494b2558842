#include "ingest/pipeline.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <optional>

#include "ingest/derive.h"
#include "ingest/normalize.h"
#include "ingest/record_builder.h"
#include "ingest/text.h"

namespace faultgraph::ingest {
namespace {

using graph::Cf;
namespace storage = graph::storage;

bool IsDecimal(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

constexpr size_t kMaxDeadLetterRaw = 64 * 1024;

storage::DeadLetter MakeDeadLetter(const TextRules& rules, const std::string& source,
                                   const std::string& stream, const SourcePosition& pos,
                                   const std::string& reason, const std::string& raw) {
  storage::DeadLetter dl;
  dl.source = source;
  dl.stream = stream;
  dl.position = (pos.file.empty() ? stream : pos.file) +
                (pos.line > 0 ? ":" + std::to_string(pos.line) : std::string());
  // Masked: a dead letter is shown to people and must not leak PII.
  dl.reason = rules.MaskPii(reason);
  dl.raw = rules.MaskPii(Utf8Prefix(raw, kMaxDeadLetterRaw));
  dl.line = pos.line;
  dl.byte_offset = static_cast<int64_t>(pos.byte_offset);
  return dl;
}

}  // namespace

bool IsNewerVersion(const std::string& candidate, const std::string& applied) {
  if (candidate == applied) return false;
  if (applied.empty()) return true;
  if (!candidate.empty() && candidate[0] == '#') return true;
  if (IsDecimal(candidate) && IsDecimal(applied)) {
    size_t a = candidate.find_first_not_of('0'), b = applied.find_first_not_of('0');
    std::string_view x = a == std::string::npos ? "" : std::string_view(candidate).substr(a);
    std::string_view y = b == std::string::npos ? "" : std::string_view(applied).substr(b);
    if (x.size() != y.size()) return x.size() > y.size();
    return x > y;
  }
  return candidate > applied;
}

IngestPipeline::IngestPipeline(graph::GraphStore* store, const TextRules* rules, const Clock* clock)
    : store_(store),
      default_rules_(rules == nullptr ? TextRules::Defaults() : nullptr),
      rules_(rules != nullptr ? rules : default_rules_.get()),
      clock_(clock) {}

Status IngestPipeline::Prepare(std::vector<Record>& records, std::vector<Derived>* derived) {
  FG_RETURN_IF_ERROR(Enrich(records));
  // Normalising (folding, masking, rules) and deriving are pure and take
  // most of the CPU of a batch: spread them over the cores.
  derived->resize(records.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, records.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        NormalizeRecord(records[i], *rules_);
                        (*derived)[i] = Derive(records[i]);
                      }
                    });
  return Status::Ok();
}

Status IngestPipeline::ApplyRecord(graph::GraphBatch& gb, const Record& record, Derived& d,
                                   std::optional<storage::DedupEntry> stored, BatchStats* stats) {
  // An earlier record of this batch with the same id comes after the store.
  const storage::DedupEntry* prev = gb.PendingDedup(record.source, record.source_id);
  if (prev == nullptr && stored.has_value()) prev = &*stored;
  if (prev != nullptr && !IsNewerVersion(record.source_version, prev->version)) {
    ++stats->skipped;
    return Status::Ok();
  }

  if (prev != nullptr) {  // retract the old version
    for (const auto& c : prev->counters) gb.Add(static_cast<Cf>(c.cf), c.key, -c.delta);
    for (const auto& k : prev->owned) gb.Delete(static_cast<Cf>(k.cf), k.key);
  }

  storage::DedupEntry entry;
  entry.version = record.source_version;
  auto own = [&entry](Cf cf, std::string key) {
    storage::OwnedKey k;
    k.cf = static_cast<int8_t>(cf);
    k.key = std::move(key);
    entry.owned.push_back(std::move(k));
  };
  if (d.entity) {
    gb.PutEntity(*d.entity);
    own(Cf::kEntity, graph::keys::Entity(d.entity->kind, d.entity->id));
    if (d.entity->kind == "fix") gb.AddOutbox("fix", d.entity->id);
  }
  if (d.case_doc) {
    gb.PutCase(*d.case_doc);
    own(Cf::kCase, graph::keys::CaseDoc(d.case_doc->case_id));
    gb.AddOutbox("case", d.case_doc->case_id);
  }
  if (d.event) {
    gb.PutEvent(*d.event);
    own(Cf::kCase, graph::keys::Event(d.event->kind, d.event->id));
  }
  for (auto& k : d.timeline_keys) {
    gb.Put(Cf::kCase, k, "");
    own(Cf::kCase, std::move(k));
  }
  for (auto& p : d.owned_puts) {
    gb.Put(p.cf, p.key, p.value);
    own(p.cf, std::move(p.key));
  }
  for (const auto& c : d.counters) gb.Add(static_cast<Cf>(c.cf), c.key, c.delta);
  entry.counters = std::move(d.counters);
  gb.PutDedup(record.source, record.source_id, std::move(entry));
  ++stats->applied;
  return Status::Ok();
}

Status IngestPipeline::Enrich(std::vector<Record>& records) {
  family_cache_.clear();  // valid for one batch
  std::vector<Case*> cases;
  std::vector<std::string> serials;
  for (Record& r : records) {
    auto* c = std::get_if<Case>(&r.body);
    if (c == nullptr || c->asset_serial.empty()) continue;
    cases.push_back(c);
    serials.push_back(c->asset_serial);
  }
  auto assets = store_->GetEntities("asset", serials);
  if (!assets.ok()) return assets.status();
  for (size_t i = 0; i < cases.size(); ++i) {  // the asset's product, region and ship date
    const auto& asset = (*assets)[i];
    if (!asset.has_value()) continue;
    Case* c = cases[i];
    if (c->product.empty()) c->product = asset->product;
    if (c->region.empty()) c->region = asset->region;
    if (asset->product == c->product) c->ship_ms = asset->time_ms;
    c->customer_key = asset->customer_key;
  }
  for (Record& r : records) {
    auto* c = std::get_if<Case>(&r.body);
    if (c == nullptr || !c->family.empty() || c->product.empty()) continue;
    auto it = family_cache_.find(c->product);
    if (it == family_cache_.end()) {
      auto product = store_->GetEntity("product", c->product);
      if (!product.ok() && !product.status().IsNotFound()) return product.status();
      it = family_cache_.emplace(c->product, product.ok() ? product->family : "").first;
    }
    c->family = it->second;
  }
  return Status::Ok();
}

Result<std::vector<std::optional<storage::DedupEntry>>> IngestPipeline::StoredVersions(
    const std::vector<Record>& records) {
  std::vector<std::optional<storage::DedupEntry>> out(records.size());
  // Grouped by source: a batch normally holds one.
  std::unordered_map<std::string, std::vector<size_t>> by_source;
  for (size_t i = 0; i < records.size(); ++i) by_source[records[i].source].push_back(i);
  for (const auto& [source, indices] : by_source) {
    std::vector<std::string> ids;
    ids.reserve(indices.size());
    for (size_t i : indices) ids.push_back(records[i].source_id);
    auto stored = store_->GetDedups(source, ids);
    if (!stored.ok()) return stored.status();
    for (size_t j = 0; j < indices.size(); ++j) out[indices[j]] = std::move((*stored)[j]);
  }
  return out;
}

Status IngestPipeline::Commit(graph::GraphBatch& gb, const std::string& source,
                              const std::string& stream, const std::string& position,
                              const std::string& description, const BatchStats& stats) {
  auto prev = store_->GetCheckpoint(source, stream);
  if (!prev.ok()) return prev.status();
  storage::Checkpoint cp;
  if (prev->has_value()) cp = **prev;
  cp.source = source;
  cp.stream = stream;
  cp.position = position;
  cp.description = description;
  cp.records_applied += stats.applied;
  cp.records_skipped += stats.skipped;
  cp.records_rejected += stats.rejected;
  cp.updated_ms = clock_->NowMillis();
  gb.PutCheckpoint(cp);
  return store_->Commit(gb);
}

Result<BatchStats> IngestPipeline::Apply(const SourceBatch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  graph::GraphBatch gb = store_->NewBatch();
  BatchStats stats;
  for (const RejectedRow& r : batch.rejected) {
    gb.PutDeadLetter(
        MakeDeadLetter(*rules_, batch.source, batch.stream, r.position, r.reason, r.raw),
        r.position.byte_offset);
    ++stats.rejected;
  }
  std::vector<std::optional<Result<Record>>> built(batch.rows.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, batch.rows.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        built[i].emplace(BuildRecord(batch.rows[i]));
                      }
                    });
  std::vector<Record> records;
  for (size_t i = 0; i < built.size(); ++i) {
    const RawRecord& raw = batch.rows[i];
    if (!built[i]->ok()) {
      gb.PutDeadLetter(MakeDeadLetter(*rules_, batch.source, batch.stream, raw.position,
                                      built[i]->status().message(), raw.raw),
                       raw.position.byte_offset);
      ++stats.rejected;
      continue;
    }
    records.push_back(std::move(*built[i]).value());
  }
  FG_RETURN_IF_ERROR(ApplyAndCommit(gb, records, &stats, batch.source, batch.stream,
                                    batch.checkpoint_position, batch.checkpoint_description));
  return stats;
}

Result<std::string> IngestPipeline::CheckpointPosition(const std::string& source,
                                                       const std::string& stream) {
  auto cp = store_->GetCheckpoint(source, stream);
  if (!cp.ok()) return cp.status();
  return cp->has_value() ? (*cp)->position : std::string();
}

Result<BatchStats> IngestPipeline::ApplyRecords(const std::string& source,
                                                const std::string& stream,
                                                std::vector<Record> records,
                                                const std::string& checkpoint_position) {
  std::lock_guard<std::mutex> lock(mu_);
  graph::GraphBatch gb = store_->NewBatch();
  BatchStats stats;
  FG_RETURN_IF_ERROR(ApplyAndCommit(gb, records, &stats, source, stream, checkpoint_position,
                                    checkpoint_position));
  return stats;
}

Status IngestPipeline::ApplyAndCommit(graph::GraphBatch& gb, std::vector<Record>& records,
                                      BatchStats* stats, const std::string& source,
                                      const std::string& stream, const std::string& position,
                                      const std::string& description) {
  std::vector<Derived> derived;
  FG_RETURN_IF_ERROR(Prepare(records, &derived));
  auto stored = StoredVersions(records);
  if (!stored.ok()) return stored.status();
  for (size_t i = 0; i < records.size(); ++i) {
    FG_RETURN_IF_ERROR(ApplyRecord(gb, records[i], derived[i], std::move((*stored)[i]), stats));
  }
  return Commit(gb, source, stream, position, description, *stats);
}

}  // namespace faultgraph::ingest
