#include <unordered_map>

#include "connectors/row_source.h"
#include "ingest/text.h"

namespace faultgraph::connectors {
namespace {

class CsvSource final : public RowSource {
 public:
  CsvSource(std::string_view data, char delim, std::vector<size_t> index, size_t width,
            uint64_t start, int64_t start_line)
      : data_(data),
        delim_(delim),
        reader_(data, delim, start, start_line),
        index_(std::move(index)),
        width_(width),
        start_(start) {}

  bool Next(SourceRow* row) override {
    if (!reader_.Next(&csv_)) return false;
    row->begin = csv_.begin;
    row->end = csv_.end;
    row->line = csv_.line;
    std::string_view raw = data_.substr(csv_.begin, csv_.end - csv_.begin);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
    row->raw = raw;
    row->error = csv_.error;
    row->values.clear();
    if (!row->error.empty()) return true;
    if (csv_.fields.size() != width_ && raw.find('\n') != std::string_view::npos) {
      // A quote opened in one row and closed rows later swallows the rows in
      // between; the column count gives it away. Reject the first line only
      // and read on from the next.
      size_t eol = data_.find('\n', csv_.begin);
      row->end = eol + 1;
      row->raw = data_.substr(csv_.begin, eol - csv_.begin);
      if (row->raw.ends_with('\r')) row->raw.remove_suffix(1);
      row->error = "unbalanced quote: the '\"' on line " + std::to_string(csv_.line) +
                   " runs over several lines into a row of " + std::to_string(csv_.fields.size()) +
                   " columns instead of " + std::to_string(width_);
      reader_ = CsvReader(data_, delim_, eol + 1, csv_.line + 1);
      return true;
    }
    if (csv_.fields.size() != width_) {
      row->error = "expected " + std::to_string(width_) + " columns (as in the header), found " +
                   std::to_string(csv_.fields.size());
      return true;
    }
    for (size_t i : index_) row->values.push_back(std::move(csv_.fields[i]));
    return true;
  }
  uint64_t data_start() const override { return start_; }
  void Seek(uint64_t offset, int64_t line) override {
    reader_ = CsvReader(data_, delim_, offset, line);
  }

 private:
  std::string_view data_;
  char delim_;
  CsvReader reader_;
  std::vector<size_t> index_;
  size_t width_;
  uint64_t start_;
  CsvRow csv_;
};

}  // namespace

Result<std::unique_ptr<RowSource>> NewCsvSource(
    std::string_view data, char delimiter, const std::vector<std::string>& columns,
    const std::function<Result<std::string>(std::string_view)>& decode) {
  CsvReader header_reader(data, delimiter);
  CsvRow header;
  if (!header_reader.Next(&header))
    return Status::InvalidArgument("the file is empty: no header row");
  if (!header.error.empty())
    return Status::InvalidArgument("the header row is malformed: " + header.error);
  std::unordered_map<std::string, size_t> by_name;
  std::string names;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    auto name = decode(header.fields[i]);
    if (!name.ok())
      return Status::InvalidArgument("header column " + std::to_string(i + 1) + ": " +
                                     name.status().message());
    std::string trimmed(ingest::Trim(*name));
    by_name.emplace(trimmed, i);
    names += (names.empty() ? "" : ", ") + trimmed;
  }
  std::vector<size_t> index;
  for (const auto& c : columns) {
    auto it = by_name.find(c);
    if (it == by_name.end()) {
      return Status::InvalidArgument("column '" + c + "' is not in the header (columns: " + names +
                                     ")");
    }
    index.push_back(it->second);
  }
  return std::unique_ptr<RowSource>(std::make_unique<CsvSource>(
      data, delimiter, std::move(index), header.fields.size(), header.end, header_reader.line()));
}

}  // namespace faultgraph::connectors
