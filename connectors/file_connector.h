// The file connector: reads a CSV or JSON Lines file through a mapping and
// feeds the ingest pipeline in batches. Its checkpoint is the file's
// identity and the byte offset after the last committed row, committed in
// the same write as the rows, so a re-run or a restart after a crash
// resumes exactly where the last commit left off. The identity is a hash of
// the first 4 KiB (a renamed or grown file is the same file); the
// checkpoint also holds a hash of the 4 KiB before its offset, so a
// different file that starts the same way (a cumulative export, a file
// rewritten in place) is not resumed at the other's offset but read whole
// under an identity of its own ("<head>+<whole content>").
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "connectors/mapping.h"
#include "ingest/pipeline.h"

namespace faultgraph::connectors {

struct FileIngestOptions {
  // Called after each commit with bytes done and the file size.
  std::function<void(uint64_t done, uint64_t total)> progress;
  // When set and true, stops after the batch being built is committed.
  const std::atomic<bool>* stop = nullptr;
  // Batches read and prepared ahead of the one committing.
  size_t queue_batches = 2;
};

struct FileIngestResult {
  std::string stream;  // the file's identity: "file:<hash of its first 4 KiB>"[+<content>]
  uint64_t size = 0;
  bool resumed = false;       // a committed checkpoint of this file existed
  uint64_t resumed_from = 0;  // byte offset the run started at
  uint64_t end_offset = 0;    // byte offset committed when the run ended
  ingest::BatchStats stats;
  size_t batches = 0;
  bool stopped = false;      // ended early because `stop` was set
  double commit_ms = 0;      // time in the atomic commits (not reading or preparing)
  double max_commit_ms = 0;  // the slowest commit
};

// Ingests `path`. Bad rows go to the dead-letter store; an error Status
// means the file or mapping cannot be used at all (missing file, a mapped
// column not in the header) or the store failed; everything committed
// before stays committed.
Result<FileIngestResult> IngestFile(ingest::IngestPipeline& pipeline, const Mapping& mapping,
                                    const std::string& path, const FileIngestOptions& options = {});

// The stream id of a file's content (exposed for tests and status output).
std::string FileStreamId(std::string_view head);
// A file checkpoint's position, decoded: the byte offset just past the
// last committed row and the (1-based) line the next row starts on
// (Corruption when `position` is not a file checkpoint's).
struct FilePosition {
  uint64_t offset = 0;
  int64_t line = 0;
};
Result<FilePosition> DecodeFilePosition(const std::string& position);

// Whether the positions of `stream` (dead letters' byte_offset) are byte
// offsets: true for files (and drop folders); PostgreSQL, HTTP and MQTT
// streams key their rows by a hash there instead.
bool StreamHasByteOffsets(std::string_view stream);

// The row of `path` that starts at byte `offset` (line `line`), mapped with
// `mapping` into `out` — how a dead letter of a file is retried from the
// original bytes. NotFound when the file is gone or is not the file of
// `stream` any more; InvalidArgument with the reason when the row is still
// rejected by the mapping.
Status MapFileRowAt(const Mapping& mapping, const std::string& path, const std::string& stream,
                    uint64_t offset, int64_t line, ingest::RawRecord* out);

}  // namespace faultgraph::connectors
