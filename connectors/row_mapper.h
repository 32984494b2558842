// Mapping one source row to a raw record: the columns a mapping reads, the
// row's key (source id) and version, and each canonical field's text. Shared
// by every connector that yields rows of named columns (files, PostgreSQL,
// HTTP/JSON, MQTT payloads).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connectors/encoding.h"
#include "connectors/mapping.h"
#include "connectors/row_source.h"
#include "ingest/raw_record.h"

namespace faultgraph::connectors {

// The columns a mapping reads, each once, in a fixed order (keys, version,
// then fields); "$key" (the row's source id) is not a column.
std::vector<std::string> ReferencedColumns(const Mapping& m);

// Maps rows whose values come in the order of `cols` (ReferencedColumns of
// the mapping, or a connector's own order that names the same columns).
class RowMapper {
 public:
  static constexpr size_t kKeyIndex = SIZE_MAX - 1;  // "$key": the row's source id

  RowMapper(const Mapping& m, const std::vector<std::string>& cols, Encoding enc,
            const std::string& stream, const std::string& path);

  Result<std::string> Decode(std::string_view bytes) const {
    if (enc_ == Encoding::kUtf8) return std::string(bytes);
    return decoder_.Decode(bytes);
  }
  // The row's bytes as UTF-8 for the dead-letter store, at most
  // kDeadLetterRawBytes of them (and the row's size when cut).
  std::string RawText(std::string_view raw) const;
  ingest::SourcePosition Position(const SourceRow& row) const {
    return {stream_, path_, row.line, row.begin, row.end};
  }
  // Fills `out` from `row`, or returns the reason the row is rejected: a
  // value over max_field_bytes, a key or id field over max_key_bytes
  // (messages quote at most a short prefix), bad text or versions.
  Status Map(SourceRow& row, const std::vector<std::string>& columns, ingest::RawRecord* out) const;

 private:
  const Mapping& m_;
  Encoding enc_;
  std::string stream_, path_;
  TextDecoder decoder_;
  std::vector<size_t> key_idx_;
  size_t version_idx_ = SIZE_MAX;
  std::vector<std::vector<size_t>> field_idx_;
  std::vector<bool> field_is_id_;  // bounded by max_key_bytes
};

}  // namespace faultgraph::connectors
