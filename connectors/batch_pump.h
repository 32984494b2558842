// The two-stage ingest of a connector: batches are read and prepared
// (mapped, enriched, normalised, derived) on a thread of their own while
// the calling thread commits the batch before, in order, through a bounded
// queue. Each commit holds its batch's checkpoint, so a batch prepared but
// not committed when the pump ends is simply read again by the next run.
#pragma once

#include <cstddef>
#include <functional>

#include "common/status.h"
#include "ingest/pipeline.h"

namespace faultgraph::connectors {

// Fills the next batch; false at the end of the source. Runs on the pump's
// thread.
using NextBatchFn = std::function<Result<bool>(ingest::SourceBatch*)>;
// After each commit, on the calling thread, in order: the batch, what it
// did and how long the commit took. False ends the pump.
using CommittedFn = std::function<bool(const ingest::PreparedBatch& batch,
                                       const ingest::BatchStats& stats, double commit_ms)>;

struct PumpResult {
  Status source_error;  // the source failed (the batches before it are committed)
  Status store_error;   // reading or writing the graph failed
};

// `queue_batches` prepared batches at most wait for their commit.
PumpResult PumpBatches(ingest::IngestPipeline& pipeline, const NextBatchFn& next,
                       const CommittedFn& committed, size_t queue_batches);

}  // namespace faultgraph::connectors
