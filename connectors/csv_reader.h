// RFC 4180 CSV over a byte range: quoted fields with doubled quotes and
// embedded newlines, CRLF or LF line ends, a UTF-8 byte-order mark. Reports
// every row with its byte range and first line so that ingest can resume
// exactly after the last committed row.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::connectors {

struct CsvRow {
  std::vector<std::string> fields;  // raw bytes, quotes removed
  uint64_t begin = 0;               // offset of the row's first byte
  uint64_t end = 0;                 // offset just past its line end
  int64_t line = 0;                 // 1-based line number of its first line
  std::string error;                // non-empty: the row is malformed (fields unusable)
};

class CsvReader {
 public:
  // Reads `data` (not owned; must outlive the reader) from `offset`, whose
  // line number is `line`. A BOM at offset 0 is skipped.
  CsvReader(std::string_view data, char delimiter, uint64_t offset = 0, int64_t line = 1);

  // The next row; false at the end of the data. Blank lines are skipped.
  // A quote that is never closed makes a row with `error` set covering its
  // first line only, and reading goes on at the next line, so one broken
  // quote loses one row, not the rest of the file.
  bool Next(CsvRow* row);

  uint64_t offset() const { return pos_; }
  int64_t line() const { return line_; }

 private:
  std::string_view data_;
  char delim_;
  uint64_t pos_;
  int64_t line_;
};

}  // namespace faultgraph::connectors
