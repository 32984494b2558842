// RFC 4180 CSV over a byte range: quoted fields with doubled quotes and
// embedded newlines, CRLF, LF or CR-only (old Mac) line ends, a UTF-8
// byte-order mark. Reports every row with its byte range and first line so
// that ingest can resume exactly after the last committed row. Bounded: a
// field or row over its limit is not accumulated but skipped to the row's
// end and reported as one malformed row naming the limit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::connectors {

struct CsvRow {
  std::vector<std::string> fields;  // raw bytes, quotes removed (at most max_fields)
  size_t field_count = 0;           // fields in the row (more than `fields` past max_fields)
  uint64_t begin = 0;               // offset of the row's first byte
  uint64_t end = 0;                 // offset just past its line end
  int64_t line = 0;                 // 1-based line number of its first line
  int64_t end_line = 0;             // line number of the line after the row
  std::string error;                // non-empty: the row is malformed (fields unusable)
  bool over_limit = false;          // `error` is a field or row over its limit
  // Text right after a closing quote (`"a"b`): what a quote opened in one
  // row and "closed" by the opening quote of a later row leaves behind.
  bool stray_quote = false;
};

struct CsvLimits {
  size_t max_field_bytes = SIZE_MAX;
  size_t max_row_bytes = SIZE_MAX;
  // Fields kept per row; the rest are counted only (a row of a million
  // empty fields is not a million strings).
  size_t max_fields = SIZE_MAX;
  // Called now and then with an offset the reader has passed while skipping
  // an over-size row, so that a memory-mapped file can drop those pages.
  std::function<void(uint64_t)> release;
};

// Offset just past the first line end (LF, CRLF or a lone CR) at or after
// `from`; the size of `data` when there is none.
size_t LineEndAfter(std::string_view data, size_t from);

class CsvReader {
 public:
  // Reads `data` (not owned; must outlive the reader) from `offset`, whose
  // line number is `line`. A BOM at offset 0 is skipped.
  CsvReader(std::string_view data, char delimiter, uint64_t offset = 0, int64_t line = 1,
            CsvLimits limits = {});

  // The next row; false at the end of the data. Blank lines are skipped.
  // A quote that is never closed makes a row with `error` set covering its
  // first line only, and reading goes on at the next line, so one broken
  // quote loses one row, not the rest of the file. A row over a limit is one
  // row with `error` set ("row of N bytes exceeds max_row_bytes = M").
  bool Next(CsvRow* row);

  uint64_t offset() const { return pos_; }
  int64_t line() const { return line_; }

 private:
  std::string_view data_;
  char delim_;
  uint64_t pos_;
  int64_t line_;
  CsvLimits limits_;
};

}  // namespace faultgraph::connectors
