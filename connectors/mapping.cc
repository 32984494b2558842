#include "connectors/mapping.h"

#include <toml++/toml.h>

#include <algorithm>

#include "common/file_util.h"
#include "connectors/encoding.h"
#include "ingest/record_builder.h"
#include "ingest/toml_parse.h"

namespace faultgraph::connectors {
namespace {

// Required canonical fields per record type (the record builder rejects
// rows without them; a mapping that never supplies them is a config error).
std::vector<std::string> RequiredFields(ingest::RecordType t) {
  using ingest::RecordType;
  switch (t) {
    case RecordType::kProduct:
      return {"model"};
    case RecordType::kBomLine:
      return {"parent", "component"};
    case RecordType::kComponent:
      return {"part_number"};
    case RecordType::kAsset:
      return {"serial", "product", "ship_date"};
    case RecordType::kCase:
      return {"case_id", "opened"};
    case RecordType::kContact:
      return {"contact_id", "time"};
    case RecordType::kSensorEvent:
      return {"asset_serial", "time"};
    case RecordType::kFix:
      return {"action_code"};
    case RecordType::kOutcome:
      return {"case_ref", "worked", "time"};
  }
  return {};
}

class Loader {
 public:
  explicit Loader(std::string path) : path_(std::move(path)) {}

  Status Error(const toml::node* node, const std::string& what) const {
    std::string where = path_;
    if (node != nullptr && node->source().begin.line > 0) {
      where += ":" + std::to_string(node->source().begin.line);
    }
    return Status::InvalidArgument(where + ": " + what);
  }

  Status CheckKeys(const toml::table& t, const std::string& section,
                   std::initializer_list<std::string_view> allowed) const {
    for (const auto& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        return Error(&v, "unknown key '" + std::string(k.str()) + "' in [" + section + "]");
      }
    }
    return Status::Ok();
  }

  Status String(const toml::table& t, std::string_view key, const std::string& section,
                std::string* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_string()) {
      return Error(n, "'" + section + "." + std::string(key) + "' must be a string");
    }
    *out = n->value<std::string>().value();
    return Status::Ok();
  }

  Status StringList(const toml::table& t, std::string_view key, const std::string& section,
                    std::vector<std::string>* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return Error(n, "'" + section + "." + std::string(key) + "' must be an array of strings");
    for (const auto& item : *a) {
      if (!item.is_string()) {
        return Error(&item, "'" + section + "." + std::string(key) + "' must hold only strings");
      }
      out->push_back(item.value<std::string>().value());
    }
    return Status::Ok();
  }

  // An integer limit in [lo, hi] (left as it is when absent).
  Status Size(const toml::table& t, std::string_view key, size_t lo, size_t hi, size_t* out) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return Status::Ok();
    // Integers only: toml++ converts a float such as 5e75 to int64_t
    // without a range check (undefined behaviour, found by the fuzzer).
    auto v = n->is_integer() ? n->value<int64_t>() : std::nullopt;
    if (!v || *v < static_cast<int64_t>(lo) || static_cast<uint64_t>(*v) > hi) {
      return Error(n, "'limits." + std::string(key) + "' must be an integer from " +
                          std::to_string(lo) + " to " + std::to_string(hi));
    }
    *out = static_cast<size_t>(*v);
    return Status::Ok();
  }

  Result<Mapping> Load(const toml::table& root) {
    Mapping m;
    m.path = path_;
    FG_RETURN_IF_ERROR(
        CheckKeys(root, "top level", {"source", "key", "version", "fields", "limits"}));
    const toml::table* src = root["source"].as_table();
    if (src == nullptr) return Error(nullptr, "missing [source] section");
    FG_RETURN_IF_ERROR(CheckKeys(
        *src, "source", {"name", "record", "format", "encoding", "delimiter", "batch_size"}));
    FG_RETURN_IF_ERROR(String(*src, "name", "source", &m.source));
    if (m.source.empty()) return Error(src, "[source] needs a non-empty 'name'");
    std::string record;
    FG_RETURN_IF_ERROR(String(*src, "record", "source", &record));
    if (!ingest::ParseRecordType(record, &m.record)) {
      return Error(src->get("record") ? src->get("record") : src,
                   "'source.record' is '" + record +
                       "'; expected product, bom_line, component, asset, case, contact, "
                       "sensor_event, fix or outcome");
    }
    FG_RETURN_IF_ERROR(String(*src, "format", "source", &m.format));
    if (m.format != "csv" && m.format != "jsonl") {
      return Error(src->get("format"),
                   "'source.format' is '" + m.format + "'; expected csv or jsonl");
    }
    FG_RETURN_IF_ERROR(String(*src, "encoding", "source", &m.encoding));
    auto enc = CanonicalEncodingName(m.encoding);
    if (!enc.ok()) return Error(src->get("encoding"), enc.status().message());
    m.encoding = *enc;
    std::string delim = ",";
    FG_RETURN_IF_ERROR(String(*src, "delimiter", "source", &delim));
    if (delim == "\\t" || delim == "tab") delim = "\t";
    if (delim.size() != 1 || delim[0] == '"' || delim[0] == '\n' || delim[0] == '\r') {
      return Error(src->get("delimiter"),
                   "'source.delimiter' must be one character other than a quote or newline");
    }
    m.delimiter = delim[0];
    if (const toml::node* bs = src->get("batch_size")) {
      auto v = bs->is_integer() ? bs->value<int64_t>() : std::nullopt;
      if (!v || *v < 1 || *v > kMaxBatchSize) {
        return Error(bs, "'source.batch_size' must be an integer from 1 to " +
                             std::to_string(kMaxBatchSize));
      }
      m.batch_size = static_cast<size_t>(*v);
    }

    if (const toml::node* kn = root.get("key")) {
      const toml::table* key = kn->as_table();
      if (key == nullptr) return Error(kn, "[key] must be a table");
      FG_RETURN_IF_ERROR(CheckKeys(*key, "key", {"columns"}));
      FG_RETURN_IF_ERROR(StringList(*key, "columns", "key", &m.key_columns));
    }
    if (const toml::node* vn = root.get("version")) {
      const toml::table* ver = vn->as_table();
      if (ver == nullptr) return Error(vn, "[version] must be a table");
      FG_RETURN_IF_ERROR(CheckKeys(*ver, "version", {"column", "format"}));
      FG_RETURN_IF_ERROR(String(*ver, "column", "version", &m.version_column));
      FG_RETURN_IF_ERROR(String(*ver, "format", "version", &m.version_format));
      if (m.version_column.empty()) return Error(vn, "[version] needs a 'column'");
    }

    if (const toml::node* ln = root.get("limits")) {
      const toml::table* lim = ln->as_table();
      if (lim == nullptr) return Error(ln, "[limits] must be a table");
      FG_RETURN_IF_ERROR(CheckKeys(
          *lim, "limits", {"max_key_bytes", "max_field_bytes", "max_row_bytes", "max_depth"}));
      SourceLimits& l = m.limits;
      FG_RETURN_IF_ERROR(Size(*lim, "max_key_bytes", 1, kMaxKeyBytesCeiling, &l.max_key_bytes));
      FG_RETURN_IF_ERROR(Size(*lim, "max_row_bytes", 1, kMaxRowBytesCeiling, &l.max_row_bytes));
      FG_RETURN_IF_ERROR(Size(*lim, "max_field_bytes", 1, l.max_row_bytes, &l.max_field_bytes));
      FG_RETURN_IF_ERROR(Size(*lim, "max_depth", 1, kMaxDepthCeiling, &l.max_depth));
    }

    const toml::table* fields = root["fields"].as_table();
    if (fields == nullptr) return Error(nullptr, "missing [fields] section");
    std::vector<std::string> known = ingest::FieldNames(m.record);
    for (const auto& [k, v] : *fields) {
      std::string name(k.str());
      bool ok = std::find(known.begin(), known.end(), name) != known.end() ||
                (m.record == ingest::RecordType::kProduct && name.starts_with("attrs."));
      if (!ok) {
        std::string list;
        for (const auto& f : known) list += (list.empty() ? "" : ", ") + f;
        return Error(&v, "unknown field '" + name + "' for record '" +
                             std::string(ingest::RecordTypeName(m.record)) + "' (known: " + list +
                             ")");
      }
      FieldMapping fm;
      fm.field = name;
      if (v.is_string()) {
        fm.columns.push_back(v.value<std::string>().value());
      } else if (const toml::table* spec = v.as_table()) {
        std::string section = "fields." + name;
        FG_RETURN_IF_ERROR(
            CheckKeys(*spec, section, {"column", "columns", "const", "format", "split", "join"}));
        std::string col;
        FG_RETURN_IF_ERROR(String(*spec, "column", section, &col));
        if (!col.empty()) fm.columns.push_back(col);
        FG_RETURN_IF_ERROR(StringList(*spec, "columns", section, &fm.columns));
        FG_RETURN_IF_ERROR(String(*spec, "const", section, &fm.constant));
        FG_RETURN_IF_ERROR(String(*spec, "format", section, &fm.time_format));
        FG_RETURN_IF_ERROR(String(*spec, "split", section, &fm.split));
        FG_RETURN_IF_ERROR(String(*spec, "join", section, &fm.join));
        if (fm.columns.empty() == fm.constant.empty()) {
          return Error(&v,
                       "field '" + name + "' needs exactly one of 'column', 'columns' or 'const'");
        }
      } else {
        return Error(&v, "field '" + name + "' must be a column name or a table");
      }
      m.fields.push_back(std::move(fm));
    }
    for (const std::string& req : RequiredFields(m.record)) {
      bool mapped = std::any_of(m.fields.begin(), m.fields.end(),
                                [&](const FieldMapping& f) { return f.field == req; });
      if (!mapped) {
        return Error(fields, "required field '" + req + "' of record '" +
                                 std::string(ingest::RecordTypeName(m.record)) + "' is not mapped");
      }
    }
    return m;
  }

 private:
  std::string path_;
};

}  // namespace

Result<Mapping> ParseMapping(std::string_view toml_text, const std::string& path) {
  auto root = ingest::ParseToml(toml_text, path);
  if (!root.ok()) return root.status();
  return Loader(path).Load(*root);
}

Result<Mapping> LoadMapping(const std::string& path) {
  auto text = ReadFileToString(path, "mapping file");
  if (!text.ok()) return text.status();
  return ParseMapping(*text, path);
}

}  // namespace faultgraph::connectors
