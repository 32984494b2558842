#include "connectors/dlq_retry.h"

#include "common/redact.h"
#include "connectors/encoding.h"
#include "connectors/file_connector.h"
#include "connectors/row_mapper.h"
#include "connectors/row_source.h"
#include "ingest/record_builder.h"

namespace faultgraph::connectors {

Result<RetryResult> RetryDeadLetter(ingest::IngestPipeline& pipeline, graph::GraphStore& store,
                                    const Mapping& mapping, const std::string& id) {
  auto dl = store.FindDeadLetter(id);
  if (!dl.ok()) return dl.status();
  RetryResult out;
  out.id = id;
  if (dl->source != mapping.source) {
    out.message = "it came from source '" + dl->source + "', the mapping " + mapping.path +
                  " is for '" + mapping.source + "'";
    return out;
  }
  if (dl->stream.starts_with("pg:")) {
    out.message =
        "rows of a database source are read again from the source: fix the row there "
        "(its new version is picked up by the next run)";
    return out;
  }
  // Files: the original bytes of the row (the stored copy has its PII
  // masked); the stored row only when the file is gone (JSON rows).
  ingest::RawRecord rec;
  auto still_rejected = [&](const std::string& reason) -> Result<RetryResult> {
    graph::GraphBatch b = store.NewBatch();
    dl->reason = pipeline.rules().MaskPii(Redact(reason));
    b.PutDeadLetter(*dl, static_cast<uint64_t>(dl->byte_offset));
    FG_RETURN_IF_ERROR(store.Commit(b));
    out.message = "still rejected: " + dl->reason;
    return out;
  };
  Status mapped;
  if (StreamHasByteOffsets(dl->stream)) {
    std::string path = dl->position.substr(0, dl->position.rfind(':'));
    mapped = MapFileRowAt(mapping, path, dl->stream, static_cast<uint64_t>(dl->byte_offset),
                          dl->line, &rec);
    if (mapped.IsNotFound()) {
      out.message = "cannot read the row again: " + mapped.message();
      return out;
    }
  } else {
    std::vector<std::string> columns = ReferencedColumns(mapping);
    RowMapper mapper(mapping, columns, Encoding::kUtf8, dl->stream, dl->position);
    std::string text = dl->raw + "\n";
    auto source = NewJsonlSource(text, columns, {mapping.limits, nullptr});
    SourceRow row;
    if (!source->Next(&row)) {
      out.message = "the stored row is empty";
      return out;
    }
    row.line = dl->line;
    row.begin = row.end = static_cast<uint64_t>(dl->byte_offset);
    mapped =
        row.error.empty() ? mapper.Map(row, columns, &rec) : Status::InvalidArgument(row.error);
  }
  if (!mapped.ok()) return still_rejected(mapped.message());
  auto record = ingest::BuildRecord(rec);
  if (!record.ok()) return still_rejected(record.status().message());
  ingest::SourceBatch batch;
  batch.source = mapping.source;
  batch.stream = dl->stream;
  batch.rows.push_back(std::move(rec));
  // The row is behind the stream's position: the checkpoint is not written
  // (the connector may be moving it meanwhile), and the record and the
  // removal of its dead letter are one commit.
  batch.keep_checkpoint = true;
  batch.resolved.push_back(*dl);
  auto stats = pipeline.Apply(batch);
  if (!stats.ok()) return stats.status();
  if (stats->rejected > 0) {
    // Refused after mapping (an outcome whose case is still not in the
    // graph): the same commit wrote the dead letter again, with today's
    // reason.
    auto again = store.FindDeadLetter(id);
    out.message = "still rejected: " + (again.ok() ? again->reason : dl->reason);
    return out;
  }
  out.applied = true;
  out.message = stats->applied > 0 ? "applied as " + batch.rows[0].source_id
                                   : "already in the graph (" + batch.rows[0].source_id + ")";
  return out;
}

}  // namespace faultgraph::connectors
