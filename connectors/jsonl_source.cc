#include <simdjson.h>

#include <charconv>

#include "connectors/row_source.h"

namespace faultgraph::connectors {
namespace {

// The text of a JSON value as a mapping sees it: strings as they are,
// numbers and booleans as written, null as empty, arrays of scalars joined
// with ';', objects as compact JSON.
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
      std::string out;
      for (simdjson::dom::element item : e.get_array().value()) {
        if (!out.empty()) out += ";";
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
  JsonlSource(std::string_view data, std::vector<std::string> columns)
      : data_(data), columns_(std::move(columns)) {
    if (data_.starts_with("\xEF\xBB\xBF")) start_ = 3;
    pos_ = start_;
  }

  bool Next(SourceRow* row) override {
    std::string_view line;
    for (;;) {
      if (pos_ >= data_.size()) return false;
      size_t eol = data_.find('\n', pos_);
      size_t stop = eol == std::string_view::npos ? data_.size() : eol + 1;
      row->begin = pos_;
      row->end = stop;
      row->line = line_;
      line = data_.substr(pos_, stop - pos_);
      pos_ = stop;
      ++line_;
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
      if (line.find_first_not_of(" \t") != std::string_view::npos) break;
    }
    row->raw = line;
    row->error.clear();
    row->values.assign(columns_.size(), std::string());
    simdjson::dom::element doc;
    auto err = parser_.parse(line.data(), line.size()).get(doc);
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
  }

 private:
  std::string_view data_;
  std::vector<std::string> columns_;
  simdjson::dom::parser parser_;
  uint64_t start_ = 0;
  uint64_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace

std::unique_ptr<RowSource> NewJsonlSource(std::string_view data,
                                          const std::vector<std::string>& columns) {
  return std::make_unique<JsonlSource>(data, columns);
}

}  // namespace faultgraph::connectors
