// The ingest pipeline: validate -> normalise -> derive -> one atomic graph
// write holding the mutations, the dedup entries, the dead letters and the
// source checkpoint. Exactly once: a (source, source_id) whose version is
// not newer than the applied one is skipped; a newer version retracts the
// counter contributions of the old one before adding its own.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "graph/graph_store.h"
#include "ingest/derive.h"
#include "ingest/raw_record.h"
#include "ingest/records.h"
#include "ingest/text_rules.h"

namespace faultgraph::ingest {

// A row the connector could not even map (broken CSV, bad JSON, bad bytes).
struct RejectedRow {
  SourcePosition position;
  std::string reason;
  std::string raw;
};

// One source batch: rows, the rows already rejected, and where the source
// will be once this batch is committed.
struct SourceBatch {
  std::string source;
  std::string stream;
  std::vector<RawRecord> rows;
  std::vector<RejectedRow> rejected;
  std::string checkpoint_position;     // opaque to ingest; stored verbatim
  std::string checkpoint_description;  // for people: "byte 1234 of 5678"
  // True: the stream's checkpoint is left as it is (rows read again from
  // behind it, such as a retried dead letter); the two fields above unused.
  bool keep_checkpoint = false;
  // Dead letters this batch resolves (their rows are among `rows`):
  // deleted in the same commit.
  std::vector<graph::storage::DeadLetter> resolved;
};

// A batch mapped to typed records, enriched, normalised and derived: all
// the work that does not depend on what earlier batches wrote, so that it
// can run while the batch before commits.
struct PreparedBatch {
  std::string source;
  std::string stream;
  std::string checkpoint_position;
  std::string checkpoint_description;
  bool keep_checkpoint = false;
  std::vector<graph::storage::DeadLetter> resolved;
  std::vector<std::pair<graph::storage::DeadLetter, uint64_t>> dead_letters;  // with offsets
  std::vector<Record> records;
  std::vector<Derived> derived;  // one per record
};

struct BatchStats {
  int64_t applied = 0;   // records that changed the graph
  int64_t skipped = 0;   // already applied at this or a newer version
  int64_t rejected = 0;  // sent to the dead-letter store
};

// True when `candidate` should replace `applied`: decimal versions compare
// as numbers, content hashes ("#...") replace when different, anything
// else compares as text.
bool IsNewerVersion(const std::string& candidate, const std::string& applied);

class IngestPipeline {
 public:
  // `store`, `rules` and `clock` must outlive the pipeline; null `rules`
  // means TextRules::Defaults().
  explicit IngestPipeline(graph::GraphStore* store, const TextRules* rules = nullptr,
                          const Clock* clock = SystemClock());

  const TextRules& rules() const { return *rules_; }

  // Applies the batch atomically. Bad rows become dead letters, never
  // errors; an error Status means the store failed and nothing was written.
  // The same as Commit(Prepare(batch)).
  Result<BatchStats> Apply(const SourceBatch& batch);

  // The two halves of Apply. Prepare only reads the store (assets and
  // products for enrichment) and may run on another thread while an
  // earlier batch commits; Commit decides each record against the applied
  // versions and writes the batch with its checkpoint. Batches of one
  // stream must be committed in the order they were read.
  Result<PreparedBatch> Prepare(const SourceBatch& batch) const;
  Result<BatchStats> Commit(PreparedBatch& batch);

  // The committed position of (source, stream): empty when the stream was
  // never committed. Connectors resume from here.
  Result<std::string> CheckpointPosition(const std::string& source, const std::string& stream);

  // The same for records that are already typed (simulators, benchmarks);
  // the records are normalised in place.
  Result<BatchStats> ApplyRecords(const std::string& source, const std::string& stream,
                                  std::vector<Record> records,
                                  const std::string& checkpoint_position);

 private:
  // A record enrichment refused: its index in the records given, its key
  // and version (for a dead letter without a row), and why.
  struct Refused {
    size_t index;
    std::string source_id, source_version;
    std::string reason;
  };
  // Enriches (assets and cases read together) and drops the records it
  // refuses (into `refused`), then normalises and derives the others (in
  // parallel).
  Status PrepareRecords(std::vector<Record>& records, std::vector<Derived>* derived,
                        std::vector<Refused>* refused) const;
  // Skips a record that is not newer than the applied one; otherwise writes
  // its derived mutations, retracting the old version's.
  // `stored` is the record's applied version as the store held it before
  // this batch.
  Status ApplyRecord(graph::GraphBatch& gb, const Record& record, Derived& d,
                     std::optional<graph::storage::DedupEntry> stored, BatchStats* stats);
  // Cases get product, region, ship date and customer of their asset, and
  // the family of their product (assets read together in one MultiGet).
  // Outcomes get their case's product, family, asset, times, symptoms,
  // components and fixes (cases read together); an outcome whose case is
  // not in the graph is refused.
  Status Enrich(std::vector<Record>& records, std::vector<Refused>* refused) const;
  Status EnrichOutcomes(std::vector<Record>& records, std::vector<Refused>* refused) const;
  // The applied versions of `records` before this batch, read together.
  Result<std::vector<std::optional<graph::storage::DedupEntry>>> StoredVersions(
      const std::vector<Record>& records);
  Status CommitWithCheckpoint(graph::GraphBatch& gb, const PreparedBatch& batch,
                              const BatchStats& stats);

  graph::GraphStore* store_;
  std::unique_ptr<TextRules> default_rules_;
  const TextRules* rules_;
  const Clock* clock_;
  std::mutex mu_;  // one commit at a time
};

}  // namespace faultgraph::ingest
