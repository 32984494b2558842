// A source row after column mapping, before validation: canonical field
// names with their raw text. Connectors make these; RecordBuilder turns them
// into typed Records or says precisely what is wrong.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ingest/records.h"

namespace faultgraph::ingest {

struct RawField {
  std::string text;
  std::string time_format;      // strptime format, "epoch_s", "epoch_ms"; empty = ISO 8601 forms
  std::string list_separators;  // characters that split a list field; empty = ",;|"
};

// Where a row came from, for dead letters and checkpoints.
struct SourcePosition {
  std::string stream;        // e.g. the file's identity
  std::string file;          // path as given, for people
  int64_t line = 0;          // 1-based first line of the row
  uint64_t byte_offset = 0;  // where the row starts
  uint64_t end_offset = 0;   // just past the row
};

struct RawRecord {
  RecordType type = RecordType::kCase;
  std::string source;
  std::string source_id;
  std::string source_version;
  std::map<std::string, RawField> fields;
  SourcePosition position;
  std::string raw;  // the row as read, for the dead-letter store
};

}  // namespace faultgraph::ingest
