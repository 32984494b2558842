#include "connectors/file_connector.h"

#include <algorithm>
#include <charconv>

#include "common/hash.h"
#include "connectors/batch_pump.h"
#include "connectors/encoding.h"
#include "connectors/file_text.h"
#include "connectors/row_mapper.h"
#include "connectors/row_source.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::connectors {
namespace {

constexpr size_t kIdentityBytes = 4096;

// A hash of the kIdentityBytes before `offset`: with the head's hash in the
// stream id, what tells the file a checkpoint was taken in from another
// file that starts the same way.
std::string TailHash(std::string_view data, uint64_t offset) {
  uint64_t from = offset > kIdentityBytes ? offset - kIdentityBytes : 0;
  return Hex64(Fnv1a64(data.substr(from, offset - from)));
}

// "offset:line:tailhash" <-> numbers (positions written before the tail
// hash are "offset:line": tail left empty).
std::string EncodePosition(std::string_view data, uint64_t offset, int64_t line) {
  return std::to_string(offset) + ":" + std::to_string(line) + ":" + TailHash(data, offset);
}
bool DecodePosition(const std::string& s, uint64_t* offset, int64_t* line,
                    std::string* tail = nullptr) {
  size_t colon = s.find(':');
  if (colon == std::string::npos) return false;
  size_t second = s.find(':', colon + 1);
  size_t line_end = second == std::string::npos ? s.size() : second;
  auto r1 = std::from_chars(s.data(), s.data() + colon, *offset);
  auto r2 = std::from_chars(s.data() + colon + 1, s.data() + line_end, *line);
  if (tail != nullptr) *tail = second == std::string::npos ? "" : s.substr(second + 1);
  return r1.ec == std::errc() && r1.ptr == s.data() + colon && r2.ec == std::errc() &&
         r2.ptr == s.data() + line_end;
}

// The identity of a file whose head is that of another file already read
// (the checkpoint under the head's id does not fit it): head and whole
// content. A file in this case that still grows gets a new id each time and
// is read from the start (its records are skipped by version): slower,
// never a lost row.
std::string SecondStreamId(std::string_view data) {
  return FileStreamId(data) + "+" + Hex64(Fnv1a64(data));
}

}  // namespace

std::string FileStreamId(std::string_view head) {
  return "file:" + Hex64(Fnv1a64(head.substr(0, kIdentityBytes)));
}

Result<FilePosition> DecodeFilePosition(const std::string& position) {
  FilePosition p;
  if (!DecodePosition(position, &p.offset, &p.line))
    return Status::Corruption("'" + position + "' is not a file checkpoint (offset:line:hash)");
  return p;
}

bool StreamHasByteOffsets(std::string_view stream) { return stream.starts_with("file:"); }

Status MapFileRowAt(const Mapping& mapping, const std::string& path, const std::string& stream,
                    uint64_t offset, int64_t line, ingest::RawRecord* out) {
  auto text = OpenFileText(path, mapping);
  if (!text.ok()) {
    if (text.status().IsInvalidArgument()) return text.status();
    return Status::NotFound(text.status().message());
  }
  std::string_view data = text->view();
  if (FileStreamId(data) != stream && SecondStreamId(data) != stream)
    return Status::NotFound(path + " is not the file the row came from any more");
  if (offset >= data.size()) return Status::NotFound(path + " is shorter than it was");
  std::vector<std::string> columns = ReferencedColumns(mapping);
  RowMapper mapper(mapping, columns, text->enc, stream, path);
  SourceOptions options{mapping.limits, nullptr};
  std::unique_ptr<RowSource> source;
  if (mapping.format == "csv") {
    auto src = NewCsvSource(
        data, mapping.delimiter, columns, [&](std::string_view b) { return mapper.Decode(b); },
        options);
    if (!src.ok()) return Status::InvalidArgument(src.status().message());
    source = std::move(src).value();
  } else {
    source = NewJsonlSource(data, columns, options);
  }
  source->Seek(offset, line);
  SourceRow row;
  if (!source->Next(&row))
    return Status::NotFound(path + " has no row at byte " + std::to_string(offset));
  if (!row.error.empty()) return Status::InvalidArgument(row.error);
  return mapper.Map(row, columns, out);
}

Result<FileIngestResult> IngestFile(ingest::IngestPipeline& pipeline, const Mapping& mapping,
                                    const std::string& path, const FileIngestOptions& options) {
  auto text = OpenFileText(path, mapping);
  if (!text.ok()) return text.status();
  std::string_view data = text->view();

  FileIngestResult result;
  result.size = data.size();
  result.stream = FileStreamId(data);

  std::vector<std::string> columns = ReferencedColumns(mapping);
  RowMapper mapper(mapping, columns, text->enc, result.stream, path);
  // Pages behind the row being read are dropped as reading goes on: the
  // resident size is the batches in flight, not the file (nor its longest line).
  SourceOptions source_options{mapping.limits,
                               [&](uint64_t offset) { text->file.Release(offset); }};
  std::unique_ptr<RowSource> source;
  if (mapping.format == "csv") {
    auto src = NewCsvSource(
        data, mapping.delimiter, columns, [&](std::string_view b) { return mapper.Decode(b); },
        source_options);
    if (!src.ok()) {
      return Status::InvalidArgument(path + " with mapping " + mapping.path + ": " +
                                     src.status().message());
    }
    source = std::move(src).value();
  } else {
    source = NewJsonlSource(data, columns, source_options);
  }

  auto committed = pipeline.CheckpointPosition(mapping.source, result.stream);
  if (!committed.ok()) return committed.status();
  uint64_t offset = source->data_start();
  int64_t line = 0;
  std::string tail;
  if (!committed->empty() && !DecodePosition(*committed, &offset, &line, &tail))
    return Status::Corruption(path + ": bad checkpoint '" + *committed + "'");
  if (!committed->empty() &&
      (offset > data.size() || (!tail.empty() && tail != TailHash(data, offset)))) {
    // Another file with the same head was read to `offset`: not this one.
    result.stream = SecondStreamId(data);
    committed = pipeline.CheckpointPosition(mapping.source, result.stream);
    if (!committed.ok()) return committed.status();
    offset = source->data_start();
    line = 0;
    if (!committed->empty() && !DecodePosition(*committed, &offset, &line))
      return Status::Corruption(path + ": bad checkpoint '" + *committed + "'");
  }
  if (!committed->empty()) {
    if (offset > data.size()) {
      return Status::InvalidArgument(path + ": the checkpoint (byte " + std::to_string(offset) +
                                     ") is past the end of the file (" +
                                     std::to_string(data.size()) + " bytes)");
    }
    result.resumed = true;
    source->Seek(offset, line);
  }
  result.resumed_from = offset;
  result.end_offset = offset;
  if (!committed->empty() && offset == data.size()) return result;  // nothing new

  // Read and prepared on the pump's thread while the batch before commits.
  SourceRow row;
  uint64_t next_offset = offset;
  int64_t next_line = line;
  uint64_t emitted_offset = offset;  // where the last batch handed on ends
  bool any = false, ended = false;
  auto next = [&](ingest::SourceBatch* batch) -> Result<bool> {
    if (ended) return false;
    batch->source = mapping.source;
    batch->stream = result.stream;
    bool full = false;
    while (!full && source->Next(&row)) {
      any = true;
      ingest::RawRecord rec;
      Status mapped =
          row.error.empty() ? mapper.Map(row, columns, &rec) : Status::InvalidArgument(row.error);
      if (!mapped.ok()) {
        batch->rejected.push_back(
            {mapper.Position(row), mapped.message(), mapper.RawText(row.raw)});
      } else {
        batch->rows.push_back(std::move(rec));
      }
      next_offset = row.end;
      next_line = row.end_line;
      full = batch->rows.size() + batch->rejected.size() >= mapping.batch_size;
    }
    if (!full) {
      ended = true;
      next_offset = data.size();  // trailing blank lines are consumed too
      // The last batch: its rows, or the checkpoint of an empty file, or
      // trailing bytes past the last full batch.
      if (batch->rows.empty() && batch->rejected.empty() && any && next_offset == emitted_offset)
        return false;
    }
    batch->checkpoint_position = EncodePosition(data, next_offset, next_line);
    batch->checkpoint_description = path + " byte " + std::to_string(next_offset) + " of " +
                                    std::to_string(data.size()) + " (line " +
                                    std::to_string(next_line) + ")";
    emitted_offset = next_offset;
    return true;
  };
  auto on_commit = [&](const ingest::PreparedBatch& batch, const ingest::BatchStats& stats,
                       double ms) {
    result.commit_ms += ms;
    result.max_commit_ms = std::max(result.max_commit_ms, ms);
    result.stats.applied += stats.applied;
    result.stats.skipped += stats.skipped;
    result.stats.rejected += stats.rejected;
    uint64_t end = 0;
    int64_t end_line = 0;
    if (DecodePosition(batch.checkpoint_position, &end, &end_line)) result.end_offset = end;
    ++result.batches;
    if (options.progress) options.progress(result.end_offset, data.size());
    if (result.end_offset < data.size() && options.stop != nullptr && options.stop->load()) {
      result.stopped = true;
      return false;
    }
    return true;
  };
  auto pumped = PumpBatches(pipeline, next, on_commit, options.queue_batches);
  FG_RETURN_IF_ERROR(pumped.store_error);
  FG_RETURN_IF_ERROR(pumped.source_error);
  return result;
}

}  // namespace faultgraph::connectors
