// Row sources of the file connector: CSV and JSON Lines, each yielding the
// values of the columns a mapping refers to, with byte positions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/csv_reader.h"
#include "connectors/limits.h"

namespace faultgraph::connectors {

struct SourceRow {
  std::vector<std::string> values;  // one per referenced column, source bytes
  uint64_t begin = 0;
  uint64_t end = 0;
  int64_t line = 0;
  int64_t end_line = 0;  // the line after the row
  std::string_view raw;  // the row's bytes in the file (may be longer than max_row_bytes)
  std::string error;     // non-empty: the row could not be read
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  // False at the end of the data.
  virtual bool Next(SourceRow* row) = 0;
  // Where data rows start (after a CSV header).
  virtual uint64_t data_start() const = 0;
  // Seeks to a committed position (an offset at a row boundary and its line).
  virtual void Seek(uint64_t offset, int64_t line) = 0;
};

struct SourceOptions {
  SourceLimits limits;
  // Called with offsets the source has read past and will not need again
  // (but for re-reading a rejected row's first line): a memory-mapped file
  // drops those pages, so that its resident size stays bounded.
  std::function<void(uint64_t)> release;
};

// CSV with a header row. InvalidArgument when a referenced column is not in
// the header (the message lists the header). `decode` turns header bytes
// into UTF-8 for matching column names.
Result<std::unique_ptr<RowSource>> NewCsvSource(
    std::string_view data, char delimiter, const std::vector<std::string>& columns,
    const std::function<Result<std::string>(std::string_view)>& decode,
    const SourceOptions& options = {});

// One JSON object per line (LF, CRLF or CR line ends); a column is a key or
// a dotted path ("unit.serial"). Lines over max_row_bytes and JSON nested
// deeper than max_depth are rows with `error` set, never parsed.
std::unique_ptr<RowSource> NewJsonlSource(std::string_view data,
                                          const std::vector<std::string>& columns,
                                          const SourceOptions& options = {});

}  // namespace faultgraph::connectors
