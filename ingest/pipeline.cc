#include "ingest/pipeline.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <optional>

#include "common/hash.h"
#include "common/redact.h"
#include "graph/vocabulary.h"
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
constexpr size_t kMaxDeadLetterReason = 4096;  // reasons quote values; never a whole one

storage::DeadLetter MakeDeadLetter(const TextRules& rules, const std::string& source,
                                   const std::string& stream, const SourcePosition& pos,
                                   const std::string& reason, const std::string& raw) {
  storage::DeadLetter dl;
  dl.source = source;
  dl.stream = stream;
  // Redacted (a position can be a URL with a key in it, a reason can quote
  // a server's answer; common/redact.h) and masked: a dead letter is shown
  // to people and must leak neither secrets nor PII. The raw row loses only
  // registered secrets: its field names must survive for a retry.
  dl.position = Redact((pos.file.empty() ? stream : pos.file) +
                       (pos.line > 0 ? ":" + std::to_string(pos.line) : std::string()));
  dl.reason = rules.MaskPii(Redact(Utf8Prefix(reason, kMaxDeadLetterReason)));
  dl.raw = rules.MaskPii(ProcessRedactor().RedactLiterals(Utf8Prefix(raw, kMaxDeadLetterRaw)));
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

Status IngestPipeline::PrepareRecords(std::vector<Record>& records, std::vector<Derived>* derived,
                                      std::vector<Refused>* refused) const {
  FG_RETURN_IF_ERROR(Enrich(records, refused));
  if (!refused->empty()) {
    size_t kept = 0;
    for (size_t i = 0, r = 0; i < records.size(); ++i) {
      if (r < refused->size() && (*refused)[r].index == i) {
        ++r;
        continue;
      }
      if (kept != i) records[kept] = std::move(records[i]);
      ++kept;
    }
    records.erase(records.begin() + static_cast<std::ptrdiff_t>(kept), records.end());
  }
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

namespace {
// The stored entry of an earlier version names a column family no record
// writes: the store is damaged (or of another layout); the batch stops
// rather than retract into the wrong place.
Status CorruptDedup(const Record& record, std::string_view what, int cf) {
  return Status::Corruption("the stored version of " + record.source + " record '" +
                            record.source_id.substr(0, 200) + "' names column family " +
                            std::to_string(cf) + " for a " + std::string(what) +
                            ", which no record writes: the graph is damaged; load the sources "
                            "into a new data directory");
}
}  // namespace

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
    for (const auto& c : prev->counters) {
      auto cf = graph::StoredCounterCf(c.cf);
      if (!cf) return CorruptDedup(record, "counter", c.cf);
      gb.Add(*cf, c.key, -c.delta);
    }
    for (const auto& k : prev->owned) {
      auto cf = graph::StoredOwnedCf(k.cf);
      if (!cf) return CorruptDedup(record, "owned key", k.cf);
      gb.DeleteDerived(*cf, k.key);
    }
  }

  for (auto& p : d.puts) gb.PutDerived(p.cf, std::move(p.key), std::move(p.value));
  if (d.outbox) gb.AddOutbox(d.outbox->first, d.outbox->second);
  for (const auto& c : d.dedup.counters) gb.Add(static_cast<Cf>(c.cf), c.key, c.delta);
  gb.PutDedup(record.source, record.source_id, std::move(d.dedup), std::move(d.dedup_value));
  ++stats->applied;
  return Status::Ok();
}

Status IngestPipeline::EnrichOutcomes(std::vector<Record>& records,
                                      std::vector<Refused>* refused) const {
  std::vector<size_t> at;
  std::vector<std::string> ids;
  for (size_t i = 0; i < records.size(); ++i) {
    if (const auto* o = std::get_if<Outcome>(&records[i].body)) {
      at.push_back(i);
      ids.push_back(o->case_ref);
    }
  }
  if (at.empty()) return Status::Ok();
  auto cases = store_->GetCases(ids);
  if (!cases.ok()) return cases.status();
  std::vector<Outcome*> found;
  std::vector<std::string> serials;
  for (size_t k = 0; k < at.size(); ++k) {
    const auto& c = (*cases)[k];
    if (!c.has_value()) {
      const Record& r = records[at[k]];
      refused->push_back({at[k], r.source_id, r.source_version,
                          "the case " + QuoteValue(ids[k]) +
                              " of the outcome is not in the graph (load the case first, then "
                              "retry the outcome)"});
      continue;
    }
    auto& o = std::get<Outcome>(records[at[k]].body);
    o.product = c->product;
    o.family = c->family;
    o.asset_serial = c->asset_serial;
    o.opened_ms = c->opened_ms;
    o.closed_ms = c->closed_ms;
    o.symptoms = c->symptoms;
    o.case_components = c->components;
    o.case_fixes = c->fixes;
    if (!o.asset_serial.empty()) {
      found.push_back(&o);
      serials.push_back(o.asset_serial);
    }
  }
  // The shipment, for the cohort failures the outcome's component adds (as
  // the case's enrichment reads it).
  auto assets = store_->GetEntities(graph::kinds::kAsset, serials);
  if (!assets.ok()) return assets.status();
  for (size_t k = 0; k < found.size(); ++k) {
    const auto& asset = (*assets)[k];
    if (asset.has_value() && asset->product == found[k]->product)
      found[k]->ship_ms = asset->time_ms;
  }
  return Status::Ok();
}

Status IngestPipeline::Enrich(std::vector<Record>& records, std::vector<Refused>* refused) const {
  FG_RETURN_IF_ERROR(EnrichOutcomes(records, refused));
  std::vector<Case*> cases;
  std::vector<std::string> serials;
  for (Record& r : records) {
    auto* c = std::get_if<Case>(&r.body);
    if (c == nullptr || c->asset_serial.empty()) continue;
    cases.push_back(c);
    serials.push_back(c->asset_serial);
  }
  auto assets = store_->GetEntities(graph::kinds::kAsset, serials);
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
  std::unordered_map<std::string, std::string> families;  // product -> family
  for (Record& r : records) {
    auto* c = std::get_if<Case>(&r.body);
    if (c == nullptr || !c->family.empty() || c->product.empty()) continue;
    auto it = families.find(c->product);
    if (it == families.end()) {
      auto product = store_->GetEntity(graph::kinds::kProduct, c->product);
      if (!product.ok() && !product.status().IsNotFound()) return product.status();
      it = families.emplace(c->product, product.ok() ? product->family : "").first;
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

Status IngestPipeline::CommitWithCheckpoint(graph::GraphBatch& gb, const PreparedBatch& batch,
                                            const BatchStats& stats) {
  if (batch.keep_checkpoint) return store_->Commit(gb);
  auto prev = store_->GetCheckpoint(batch.source, batch.stream);
  if (!prev.ok()) return prev.status();
  storage::Checkpoint cp;
  if (prev->has_value()) cp = **prev;
  cp.source = batch.source;
  cp.stream = batch.stream;
  cp.position = batch.checkpoint_position;
  cp.description = batch.checkpoint_description;
  cp.records_applied += stats.applied;
  cp.records_skipped += stats.skipped;
  cp.records_rejected += stats.rejected;
  cp.updated_ms = clock_->NowMillis();
  gb.PutCheckpoint(cp);
  return store_->Commit(gb);
}

Result<BatchStats> IngestPipeline::Apply(const SourceBatch& batch) {
  auto prepared = Prepare(batch);
  if (!prepared.ok()) return prepared.status();
  return Commit(*prepared);
}

Result<PreparedBatch> IngestPipeline::Prepare(const SourceBatch& batch) const {
  PreparedBatch out;
  out.source = batch.source;
  out.stream = batch.stream;
  out.checkpoint_position = batch.checkpoint_position;
  out.checkpoint_description = batch.checkpoint_description;
  out.keep_checkpoint = batch.keep_checkpoint;
  out.resolved = batch.resolved;
  for (const RejectedRow& r : batch.rejected) {
    out.dead_letters.emplace_back(
        MakeDeadLetter(*rules_, out.source, out.stream, r.position, r.reason, r.raw),
        r.position.byte_offset);
  }
  std::vector<std::optional<Result<Record>>> built(batch.rows.size());
  tbb::parallel_for(tbb::blocked_range<size_t>(0, batch.rows.size(), 64),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t i = range.begin(); i != range.end(); ++i) {
                        built[i].emplace(BuildRecord(batch.rows[i]));
                      }
                    });
  out.records.reserve(built.size());
  std::vector<size_t> row_of;  // the row of each record
  for (size_t i = 0; i < built.size(); ++i) {
    const RawRecord& raw = batch.rows[i];
    if (!built[i]->ok()) {
      out.dead_letters.emplace_back(MakeDeadLetter(*rules_, out.source, out.stream, raw.position,
                                                   built[i]->status().message(), raw.raw),
                                    raw.position.byte_offset);
      continue;
    }
    out.records.push_back(std::move(*built[i]).value());
    row_of.push_back(i);
  }
  std::vector<Refused> refused;
  FG_RETURN_IF_ERROR(PrepareRecords(out.records, &out.derived, &refused));
  for (const Refused& r : refused) {
    const RawRecord& raw = batch.rows[row_of[r.index]];
    out.dead_letters.emplace_back(
        MakeDeadLetter(*rules_, out.source, out.stream, raw.position, r.reason, raw.raw),
        raw.position.byte_offset);
  }
  return out;
}

Result<BatchStats> IngestPipeline::Commit(PreparedBatch& batch) {
  std::lock_guard<std::mutex> lock(mu_);
  graph::GraphBatch gb = store_->NewBatch();
  BatchStats stats;
  // Before the batch's own dead letters: a row rejected again at the same
  // place keeps its (new) dead letter.
  for (const auto& dl : batch.resolved) gb.DeleteDeadLetter(dl);
  for (const auto& [dl, offset] : batch.dead_letters) {
    gb.PutDeadLetter(dl, offset);
    ++stats.rejected;
  }
  auto stored = StoredVersions(batch.records);
  if (!stored.ok()) return stored.status();
  for (size_t i = 0; i < batch.records.size(); ++i) {
    FG_RETURN_IF_ERROR(
        ApplyRecord(gb, batch.records[i], batch.derived[i], std::move((*stored)[i]), &stats));
  }
  FG_RETURN_IF_ERROR(CommitWithCheckpoint(gb, batch, stats));
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
  PreparedBatch batch;
  batch.source = source;
  batch.stream = stream;
  batch.checkpoint_position = checkpoint_position;
  batch.checkpoint_description = checkpoint_position;
  batch.records = std::move(records);
  std::vector<Refused> refused;
  FG_RETURN_IF_ERROR(PrepareRecords(batch.records, &batch.derived, &refused));
  for (const Refused& r : refused) {
    SourcePosition pos;  // no row: the record's key stands for its place
    pos.stream = stream;
    pos.byte_offset = Fnv1a64(r.source_id);
    batch.dead_letters.emplace_back(
        MakeDeadLetter(*rules_, source, stream, pos, r.reason,
                       "source_id=" + r.source_id + " version=" + r.source_version),
        pos.byte_offset);
  }
  return Commit(batch);
}

}  // namespace faultgraph::ingest
