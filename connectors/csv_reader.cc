#include "connectors/csv_reader.h"

namespace faultgraph::connectors {

CsvReader::CsvReader(std::string_view data, char delimiter, uint64_t offset, int64_t line)
    : data_(data), delim_(delimiter), pos_(offset), line_(line) {
  if (pos_ == 0 && data_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::Next(CsvRow* row) {
  const size_t n = data_.size();
  for (;;) {
    if (pos_ >= n) return false;
    // Skip blank lines.
    if (data_[pos_] == '\n') {
      ++pos_;
      ++line_;
      continue;
    }
    if (data_[pos_] == '\r' && pos_ + 1 < n && data_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
      continue;
    }
    break;
  }
  row->fields.clear();
  row->error.clear();
  row->begin = pos_;
  row->line = line_;

  size_t i = pos_;
  int64_t lines = 0;
  std::string field;
  bool quoted = false;      // inside a quoted section
  bool was_quoted = false;  // this field started with a quote
  for (;;) {
    if (i >= n) {
      if (quoted) {
        // Unterminated quote: report the first line and resume after it.
        size_t eol = data_.find('\n', pos_);
        size_t stop = eol == std::string_view::npos ? n : eol + 1;
        row->fields.clear();
        row->error = "unterminated quoted field (a '\"' opened on line " + std::to_string(line_) +
                     " is never closed)";
        row->end = stop;
        pos_ = stop;
        line_ += 1;
        return true;
      }
      row->fields.push_back(std::move(field));
      row->end = n;
      pos_ = n;
      line_ += lines + 1;
      return true;
    }
    char c = data_[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < n && data_[i + 1] == '"') {
          field.push_back('"');
          i += 2;
        } else {
          quoted = false;
          ++i;
        }
      } else {
        if (c == '\n') ++lines;
        field.push_back(c);
        ++i;
      }
      continue;
    }
    if (c == delim_) {
      row->fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++i;
    } else if (c == '\n' || (c == '\r' && i + 1 < n && data_[i + 1] == '\n')) {
      row->fields.push_back(std::move(field));
      size_t stop = c == '\n' ? i + 1 : i + 2;
      row->end = stop;
      pos_ = stop;
      line_ += lines + 1;
      return true;
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
      ++i;
    } else {
      // A quote inside an unquoted field, or text after a closing quote, is
      // kept literally (lenient, as spreadsheet exports need).
      field.push_back(c);
      ++i;
    }
  }
}

}  // namespace faultgraph::connectors
