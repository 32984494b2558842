#include "connectors/row_mapper.h"

#include <algorithm>

#include "common/hash.h"
#include "connectors/limits.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::connectors {

namespace {
constexpr std::string_view kKeyColumn = "$key";

// Canonical fields that are ids: graph keys and index terms, bounded like
// the record's key (Xapian refuses terms over 245 bytes).
bool IsIdField(std::string_view f) {
  static constexpr std::string_view kIds[] = {
      "case_id", "contact_id",  "action_code", "serial",    "asset_serial", "model",
      "product", "part_number", "parent",      "component", "case_ref",     "family"};
  return std::find(std::begin(kIds), std::end(kIds), f) != std::end(kIds);
}

// "key 'KKKK…' of 10485760 bytes exceeds max_key_bytes = 200": the value
// quoted by its first 40 bytes only.
std::string OverKey(const std::string& what, const std::string& value, size_t limit) {
  std::string_view head = ingest::Utf8Prefix(value, 40);
  return OverLimit(what + " '" + std::string(head) + (head.size() < value.size() ? "…'" : "'"),
                   value.size(), "max_key_bytes", limit);
}

size_t IndexOf(const std::vector<std::string>& cols, const std::string& c) {
  return static_cast<size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin());
}
}  // namespace

std::vector<std::string> ReferencedColumns(const Mapping& m) {
  std::vector<std::string> cols;
  auto add = [&](const std::string& c) {
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
  };
  for (const auto& c : m.key_columns) add(c);
  if (!m.version_column.empty()) add(m.version_column);
  for (const auto& f : m.fields) {
    for (const auto& c : f.columns) {
      if (c != kKeyColumn) add(c);
    }
  }
  return cols;
}

RowMapper::RowMapper(const Mapping& m, const std::vector<std::string>& cols, Encoding enc,
                     const std::string& stream, const std::string& path)
    : m_(m), enc_(enc), stream_(stream), path_(path), decoder_(enc) {
  for (const auto& c : m.key_columns) key_idx_.push_back(IndexOf(cols, c));
  if (!m.version_column.empty()) version_idx_ = IndexOf(cols, m.version_column);
  for (const auto& f : m.fields) {
    std::vector<size_t> idx;
    for (const auto& c : f.columns) idx.push_back(c == kKeyColumn ? kKeyIndex : IndexOf(cols, c));
    field_idx_.push_back(std::move(idx));
    field_is_id_.push_back(IsIdField(f.field));
  }
}

std::string RowMapper::RawText(std::string_view raw) const {
  // Bounded before it is copied or decoded: a dead letter keeps the first
  // kDeadLetterRawBytes of a row and says how long it was.
  std::string cut;
  if (raw.size() > kDeadLetterRawBytes) {
    cut = "… (" + std::to_string(raw.size()) + " bytes)";
    raw = raw.substr(0, kDeadLetterRawBytes);
  }
  if (enc_ != Encoding::kUtf8) {
    // A multi-byte character cut at the end is dropped (up to 3 bytes).
    for (size_t drop = 0; drop < 4 && drop < raw.size(); ++drop) {
      auto r = Decode(raw.substr(0, raw.size() - drop));
      if (r.ok()) return *r + cut;
      if (cut.empty()) break;
    }
  }
  return EscapeInvalidUtf8(raw) + cut;
}

Status RowMapper::Map(SourceRow& row, const std::vector<std::string>& columns,
                      ingest::RawRecord* out) const {
  const SourceLimits& lim = m_.limits;
  for (size_t i = 0; i < row.values.size(); ++i) {
    if (row.values[i].size() > lim.max_field_bytes) {
      return Status::InvalidArgument(
          "column '" + columns[i] +
          "': " + OverLimit("field", row.values[i].size(), "max_field_bytes", lim.max_field_bytes));
    }
    auto text = Decode(row.values[i]);
    if (!text.ok()) {
      return Status::InvalidArgument("column '" + columns[i] +
                                     "': " + Preview(text.status().message()));
    }
    row.values[i] = std::move(text).value();
  }
  out->type = m_.record;
  out->source = m_.source;
  out->fields.clear();
  if (key_idx_.empty()) {
    out->source_id = "#" + Hex64(Fnv1a64(row.raw));
  } else {
    out->source_id.clear();
    for (size_t k = 0; k < key_idx_.size(); ++k) {
      if (k > 0) out->source_id += "|";
      out->source_id += ingest::Trim(row.values[key_idx_[k]]);
    }
    if (out->source_id.size() > lim.max_key_bytes) {
      return Status::InvalidArgument(OverKey("key", out->source_id, lim.max_key_bytes));
    }
  }
  if (version_idx_ != SIZE_MAX) {
    std::string v(ingest::Trim(row.values[version_idx_]));
    if (v.empty())
      return Status::InvalidArgument("version column '" + m_.version_column + "' is empty");
    if (!m_.version_format.empty() || m_.version_is_time) {
      auto t = ingest::ParseTime(v, m_.version_format);
      if (!t.ok())
        return Status::InvalidArgument("version column '" + m_.version_column +
                                       "': " + Preview(t.status().message()));
      v = std::to_string(*t);
    }
    out->source_version = std::move(v);
  } else {
    uint64_t h = kFnvOffset;
    for (const auto& v : row.values) {
      h = Fnv1a64(v, h);
      h = Fnv1a64(std::string_view("\x1f", 1), h);
    }
    out->source_version = "#" + Hex64(h);
  }
  for (size_t f = 0; f < m_.fields.size(); ++f) {
    const FieldMapping& fm = m_.fields[f];
    ingest::RawField& rf = out->fields[fm.field];
    rf.time_format = fm.time_format;
    rf.list_separators = fm.split;
    if (fm.columns.empty()) {
      rf.text = fm.constant;
      continue;
    }
    for (size_t i : field_idx_[f]) {
      std::string_view v =
          i == kKeyIndex ? std::string_view(out->source_id) : ingest::Trim(row.values[i]);
      if (v.empty()) continue;
      if (!rf.text.empty()) rf.text += fm.join;
      rf.text += v;
    }
    if (field_is_id_[f] && rf.text.size() > lim.max_key_bytes) {
      return Status::InvalidArgument(
          OverKey("field '" + fm.field + "': id", rf.text, lim.max_key_bytes));
    }
  }
  out->position = Position(row);
  out->raw = RawText(row.raw);
  return Status::Ok();
}

}  // namespace faultgraph::connectors
