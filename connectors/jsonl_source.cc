#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "connectors/row_source.h"

namespace faultgraph::connectors {
namespace {

// While a line is searched for its end, the pages behind are offered back
// this often (a 1 GB line must not stay resident).
constexpr size_t kReleaseStep = size_t{64} << 20;

// The text of a JSON value as a mapping sees it: strings as they are,
// numbers and booleans as written, null as empty, arrays of scalars joined
// with ';', objects as compact JSON. Recursion is bounded by the parser's
// max_depth.
std::string ValueText(simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::STRING:
      return std::string(std::string_view(e.get_string().value()));
    case element_type::INT64:
      return std::to_string(int64_t(e.get_int64().value()));
    case element_type::UINT64:
      return std::to_string(uint64_t(e.get_uint64().value()));
    case element_type::DOUBLE: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, double(e.get_double().value()));
      return std::string(buf, p);
    }
    case element_type::BOOL:
      return e.get_bool().value() ? "true" : "false";
    case element_type::NULL_VALUE:
      return "";
    case element_type::ARRAY: {
      // The array is held here: `for (x : e.get_array().value())` would
      // iterate a reference into a temporary simdjson_result that is gone
      // when the loop starts (value() && returns T&&), which crashed on
      // every array.
      simdjson::dom::array items;
      if (e.get_array().get(items) != simdjson::SUCCESS) return "";
      std::string out;
      bool first = true;
      for (simdjson::dom::element item : items) {
        if (!first) out += ";";
        first = false;
        out += ValueText(item);
      }
      return out;
    }
    case element_type::OBJECT:
      return simdjson::minify(e);
  }
  return "";
}

class JsonlSource final : public RowSource {
 public:
  JsonlSource(std::string_view data, std::vector<std::string> columns, const SourceOptions& o)
      : data_(data), columns_(std::move(columns)), limits_(o.limits), release_(o.release) {
    if (data_.starts_with("\xEF\xBB\xBF")) start_ = 3;
    pos_ = start_;
    // The depth is fixed here and kept when the parser grows its capacity
    // for longer lines; a deeper document fails with DEPTH_ERROR.
    depth_ok_ = parser_.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, limits_.max_depth) ==
                simdjson::SUCCESS;
  }

  bool Next(SourceRow* row) override {
    std::string_view line;
    for (;;) {
      if (pos_ >= data_.size()) return false;
      size_t content_end = 0, stop = 0;
      FindLine(&content_end, &stop);
      row->begin = pos_;
      row->end = stop;
      row->line = line_;
      row->end_line = line_ + 1;
      line = data_.substr(pos_, content_end - pos_);
      pos_ = stop;
      ++line_;
      if (line.find_first_not_of(" \t") != std::string_view::npos) break;
    }
    row->raw = line;
    row->error.clear();
    row->values.assign(columns_.size(), std::string());
    if (line.size() > limits_.max_row_bytes) {
      row->error = OverLimit("row", line.size(), "max_row_bytes", limits_.max_row_bytes) +
                   " at line " + std::to_string(row->line);
      return true;
    }
    if (!depth_ok_) {
      row->error = "cannot allocate a JSON parser of depth " + std::to_string(limits_.max_depth);
      return true;
    }
    simdjson::dom::element doc;
    auto err = parser_.parse(line.data(), line.size()).get(doc);
    if (err == simdjson::DEPTH_ERROR) {
      row->error = "JSON nested deeper than max_depth = " + std::to_string(limits_.max_depth);
      return true;
    }
    if (err) {
      row->error = std::string("invalid JSON: ") + simdjson::error_message(err);
      return true;
    }
    if (!doc.is_object()) {
      row->error = "the line is not a JSON object";
      return true;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      simdjson::dom::element cur = doc;
      std::string_view path = columns_[i];
      bool found = true;
      while (found && !path.empty()) {
        size_t dot = path.find('.');
        std::string_view key = path.substr(0, dot);
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
        simdjson::dom::element next;
        found = cur.is_object() && !cur[key].get(next);
        if (found) cur = next;
      }
      if (found) row->values[i] = ValueText(cur);
    }
    return true;
  }
  uint64_t data_start() const override { return start_; }
  void Seek(uint64_t offset, int64_t line) override {
    pos_ = offset;
    line_ = line;
    next_lf_ = kUnknown;
  }

 private:
  // The line at pos_: its text ends at `content_end`, its line end (LF,
  // CRLF or a lone CR; JSON text has no raw CR) at `stop`. The next LF is
  // kept between calls, so a file of CR line ends is not searched to its
  // end once per line.
  void FindLine(size_t* content_end, size_t* stop) {
    const size_t n = data_.size();
    if (release_ && pos_ >= released_ + kReleaseStep) {
      release_(pos_);
      released_ = pos_;
    }
    if (next_lf_ == kUnknown || next_lf_ < pos_) next_lf_ = Find('\n', pos_, n);
    size_t cr = Find('\r', pos_, next_lf_);
    if (cr == next_lf_) {
      *content_end = next_lf_;
      *stop = next_lf_ < n ? next_lf_ + 1 : n;
      return;
    }
    *content_end = cr;
    *stop = cr + 1 == next_lf_ ? cr + 2 : cr + 1;
  }

  // The first `c` in [from, to), or `to`. Searched in steps; past
  // max_row_bytes of a line the pages behind are released as it goes.
  size_t Find(char c, size_t from, size_t to) {
    while (from < to) {
      size_t len = std::min(kReleaseStep, to - from);
      const void* p = std::memchr(data_.data() + from, c, len);
      if (p != nullptr) return static_cast<size_t>(static_cast<const char*>(p) - data_.data());
      from += len;
      if (release_ && from - pos_ > limits_.max_row_bytes) release_(from);
    }
    return to;
  }

  static constexpr size_t kUnknown = SIZE_MAX;
  std::string_view data_;
  std::vector<std::string> columns_;
  SourceLimits limits_;
  std::function<void(uint64_t)> release_;
  simdjson::dom::parser parser_;
  bool depth_ok_ = false;
  uint64_t start_ = 0;
  uint64_t pos_ = 0;
  size_t next_lf_ = kUnknown;
  uint64_t released_ = 0;
  int64_t line_ = 1;
};

}  // namespace

std::unique_ptr<RowSource> NewJsonlSource(std::string_view data,
                                          const std::vector<std::string>& columns,
                                          const SourceOptions& options) {
  return std::make_unique<JsonlSource>(data, columns, options);
}

}  // namespace faultgraph::connectors
