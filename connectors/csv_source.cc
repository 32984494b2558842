#include <unordered_map>

#include "connectors/row_source.h"
#include "ingest/text.h"

namespace faultgraph::connectors {
namespace {

// How often (in bytes read) the pages behind the current row are released.
constexpr uint64_t kReleaseEvery = uint64_t{64} << 20;

CsvLimits ReaderLimits(const SourceOptions& o, size_t width) {
  CsvLimits l;
  l.max_field_bytes = o.limits.max_field_bytes;
  l.max_row_bytes = o.limits.max_row_bytes;
  l.max_fields = width;
  l.release = o.release;
  return l;
}

// The bytes of a row without its line end.
std::string_view WithoutLineEnd(std::string_view raw) {
  while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
  return raw;
}

class CsvSource final : public RowSource {
 public:
  CsvSource(std::string_view data, char delim, std::vector<size_t> index, size_t width,
            uint64_t start, int64_t start_line, const SourceOptions& options)
      : data_(data),
        delim_(delim),
        limits_(ReaderLimits(options, width)),
        reader_(data, delim, start, start_line, limits_),
        index_(std::move(index)),
        width_(width),
        start_(start) {}

  bool Next(SourceRow* row) override {
    if (!reader_.Next(&csv_)) return false;
    if (limits_.release && csv_.begin >= released_ + kReleaseEvery) {
      limits_.release(csv_.begin);
      released_ = csv_.begin;
    }
    row->begin = csv_.begin;
    row->end = csv_.end;
    row->line = csv_.line;
    row->end_line = csv_.end_line;
    row->raw = WithoutLineEnd(data_.substr(csv_.begin, csv_.end - csv_.begin));
    row->error = csv_.error;
    row->values.clear();
    if (!row->error.empty() && !csv_.over_limit) return true;
    if (csv_.field_count != width_ && csv_.end_line - csv_.line > 1 && csv_.stray_quote) {
      // A quote opened in one row and closed rows later swallows the rows in
      // between; the column count and the text its "closing" quote (a later
      // row's opening one) leaves behind give it away, over a size limit
      // too (the reader counts what it skips). Reject the first line only
      // and read on from the next. A properly quoted multi-line cell is one
      // row: accepted, or one dead letter (its column count or a limit).
      // Taking every multi-line row of the wrong width for this made a
      // 10 MB cell of 250,000 lines 250,000 dead letters.
      size_t stop = LineEndAfter(data_, csv_.begin);
      row->end = stop;
      row->end_line = csv_.line + 1;
      row->raw = WithoutLineEnd(data_.substr(csv_.begin, stop - csv_.begin));
      row->error = "unbalanced quote: the '\"' on line " + std::to_string(csv_.line) +
                   " runs over several lines into a row of " + std::to_string(csv_.field_count) +
                   " columns instead of " + std::to_string(width_);
      reader_ = CsvReader(data_, delim_, stop, csv_.line + 1, limits_);
      return true;
    }
    if (!row->error.empty()) return true;
    if (csv_.field_count != width_) {
      row->error = "expected " + std::to_string(width_) + " columns (as in the header), found " +
                   std::to_string(csv_.field_count);
      return true;
    }
    for (size_t i : index_) row->values.push_back(std::move(csv_.fields[i]));
    return true;
  }
  uint64_t data_start() const override { return start_; }
  void Seek(uint64_t offset, int64_t line) override {
    reader_ = CsvReader(data_, delim_, offset, line, limits_);
  }

 private:
  std::string_view data_;
  char delim_;
  CsvLimits limits_;
  CsvReader reader_;
  std::vector<size_t> index_;
  size_t width_;
  uint64_t start_;
  uint64_t released_ = 0;
  CsvRow csv_;
};

}  // namespace

Result<std::unique_ptr<RowSource>> NewCsvSource(
    std::string_view data, char delimiter, const std::vector<std::string>& columns,
    const std::function<Result<std::string>(std::string_view)>& decode,
    const SourceOptions& options) {
  CsvReader header_reader(data, delimiter, 0, 1, ReaderLimits(options, SIZE_MAX));
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
                                     Preview(name.status().message()));
    std::string trimmed(ingest::Trim(*name));
    by_name.emplace(trimmed, i);
    names += (names.empty() ? "" : ", ") + trimmed;
  }
  std::vector<size_t> index;
  for (const auto& c : columns) {
    auto it = by_name.find(c);
    if (it == by_name.end()) {
      // The header as read, bounded: a file without line ends this reader
      // knows would otherwise put the whole file in the message.
      return Status::InvalidArgument(
          "column '" + c + "' is not in the header (columns: " + Preview(names, 500) + ")");
    }
    index.push_back(it->second);
  }
  return std::unique_ptr<RowSource>(std::make_unique<CsvSource>(data, delimiter, std::move(index),
                                                                header.fields.size(), header.end,
                                                                header_reader.line(), options));
}

}  // namespace faultgraph::connectors
