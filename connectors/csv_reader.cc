#include "connectors/csv_reader.h"

#include "connectors/limits.h"

namespace faultgraph::connectors {
namespace {
// While skipping an over-size row, the pages behind are offered back this often.
constexpr size_t kReleaseStep = size_t{64} << 20;
}  // namespace

CsvReader::CsvReader(std::string_view data, char delimiter, uint64_t offset, int64_t line,
                     CsvLimits limits)
    : data_(data), delim_(delimiter), pos_(offset), line_(line), limits_(std::move(limits)) {
  if (pos_ == 0 && data_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

size_t LineEndAfter(std::string_view data, size_t from) {
  for (size_t i = from; i < data.size(); ++i) {
    if (data[i] == '\n') return i + 1;
    if (data[i] == '\r') return i + 1 < data.size() && data[i + 1] == '\n' ? i + 2 : i + 1;
  }
  return data.size();
}

bool CsvReader::Next(CsvRow* row) {
  const size_t n = data_.size();
  for (;;) {
    if (pos_ >= n) return false;
    // Skip blank lines (LF, CRLF or a lone CR).
    if (data_[pos_] == '\n' || data_[pos_] == '\r') {
      pos_ = LineEndAfter(data_, pos_);
      ++line_;
      continue;
    }
    break;
  }
  row->fields.clear();
  row->error.clear();
  row->field_count = 0;
  row->over_limit = false;
  row->stray_quote = false;
  row->begin = pos_;
  row->line = line_;

  const size_t begin = pos_;
  const size_t max_field = limits_.max_field_bytes;
  const size_t max_row = limits_.max_row_bytes;
  size_t i = pos_;
  int64_t lines = 0;
  std::string field;
  size_t field_len = 0;     // the current field's bytes, counted even when skipped
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // this field started with a quote
  // Over a limit: nothing more is accumulated; the row is read to its end
  // (quotes still count) and reported as one error.
  bool skipping = false, row_over = false;
  size_t big_field = 0;  // 1-based index of the first field over max_field_bytes
  uint64_t big_field_len = 0;
  size_t next_release = i + kReleaseStep;
  size_t fields = 0;  // fields ended so far (not kept once skipping)

  auto end_field = [&] {
    ++fields;
    if (big_field == fields && big_field_len == 0) big_field_len = field_len;
    if (!skipping && fields <= limits_.max_fields) row->fields.push_back(std::move(field));
    field.clear();
    field_len = 0;
    was_quoted = false;
  };
  auto finish = [&](size_t stop, size_t content_end) {
    row->field_count = fields;
    row->end = stop;
    row->end_line = line_ + lines + 1;
    pos_ = stop;
    line_ += lines + 1;
    if (!skipping) return true;
    row->fields.clear();
    row->over_limit = true;
    if (row_over) {
      row->error = OverLimit("row", content_end - begin, "max_row_bytes", max_row) + " at line " +
                   std::to_string(row->line);
    } else {
      row->error = OverLimit("field " + std::to_string(big_field), big_field_len, "max_field_bytes",
                             max_field) +
                   " at line " + std::to_string(row->line);
    }
    return true;
  };
  auto add = [&](char c) {
    ++field_len;
    if (skipping) return;
    if (field_len > max_field) {
      skipping = true;
      big_field = fields + 1;
      std::string().swap(field);
      return;
    }
    field.push_back(c);
  };

  for (;;) {
    if (i - begin > max_row && !row_over) {
      row_over = skipping = true;
      std::string().swap(field);
      row->fields.clear();
      row->fields.shrink_to_fit();
    }
    if (skipping && i >= next_release) {
      if (limits_.release) limits_.release(i);
      next_release = i + kReleaseStep;
    }
    if (i >= n) {
      if (quoted) {
        // Unterminated quote: report the first line and resume after it.
        size_t stop = LineEndAfter(data_, begin);
        row->fields.clear();
        row->error = "unterminated quoted field (a '\"' opened on line " + std::to_string(line_) +
                     " is never closed)";
        row->end = stop;
        row->end_line = line_ + 1;
        pos_ = stop;
        line_ += 1;
        return true;
      }
      end_field();
      return finish(n, n);
    }
    char c = data_[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < n && data_[i + 1] == '"') {
          add('"');
          i += 2;
        } else {
          quoted = false;
          ++i;
        }
      } else {
        // A line inside the quotes: LF, CRLF (counted at its LF) or a lone CR.
        if (c == '\n' || (c == '\r' && (i + 1 >= n || data_[i + 1] != '\n'))) ++lines;
        add(c);
        ++i;
      }
      continue;
    }
    if (c == delim_) {
      end_field();
      ++i;
    } else if (c == '\n' || c == '\r') {
      end_field();
      size_t stop = c == '\r' && i + 1 < n && data_[i + 1] == '\n' ? i + 2 : i + 1;
      return finish(stop, i);
    } else if (c == '"' && field_len == 0 && !was_quoted) {
      quoted = true;
      was_quoted = true;
      ++i;
    } else {
      // A quote inside an unquoted field, or text after a closing quote, is
      // kept literally (lenient, as spreadsheet exports need).
      if (was_quoted) row->stray_quote = true;
      add(c);
      ++i;
    }
  }
}

}  // namespace faultgraph::connectors
