// A file mapping (TOML): which record type a source file holds and how its
// columns (CSV) or keys (JSON Lines) become canonical record fields.
//
//   [source]
//   name = "crm_tickets"       # the connector/source name (required)
//   record = "case"            # product|bom_line|component|asset|case|contact|sensor_event|fix|
//                              # outcome (a technician's finding on a case: case_ref, component,
//                              # fix, worked = yes/no, note, time, by; outcome_id = the row's key
//                              # unless mapped; the case must be in the graph already)
//   format = "csv"             # csv | jsonl            (default csv)
//   encoding = "auto"          # utf-8 | gb18030 | big5 | utf-16 | utf-32 | auto (default auto;
//                              # every name in encoding.h)
//   delimiter = ","            # csv only               (default ",")
//   batch_size = 5000          # rows per atomic commit (default 5000)
//
//   [key]                      # omitted: the row's content hash is its key
//   columns = ["ticket_id"]
//
//   [version]                  # omitted: the row's content hash is its version
//   column = "updated_at"
//   format = "%Y-%m-%d %H:%M:%S"   # optional: parse as a time, compare as time
//
//   [fields]
//   case_id = "ticket_id"                                  # a column
//   opened = { column = "opened_at", format = "%Y/%m/%d %H:%M" }
//   channel = { const = "phone" }                          # a constant
//   fault_codes = { column = "codes", split = ";" }        # a list
//   notes = { columns = ["note1", "note2"], join = "\n" }  # several columns
//   case_id = "$key"                                       # the row's key (or content hash)
//
//   [limits]                   # optional; rows over a limit become dead letters
//   max_key_bytes = 200        # the key and id fields (at most 230: Xapian terms)
//   max_field_bytes = 1048576  # one column's value
//   max_row_bytes = 4194304    # one row (CSV row, JSON line, HTTP item, MQTT message)
//   max_depth = 64             # JSON nesting
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/limits.h"
#include "ingest/records.h"

namespace faultgraph::connectors {

struct FieldMapping {
  std::string field;                 // canonical field name
  std::vector<std::string> columns;  // source columns (one or more); empty for a constant
  std::string constant;
  std::string join = " ";  // between several columns' values
  std::string time_format;
  std::string split;  // list separators
};

struct Mapping {
  std::string path;  // where it was loaded from, for messages
  std::string source;
  ingest::RecordType record = ingest::RecordType::kCase;
  std::string format = "csv";
  std::string encoding = "auto";
  char delimiter = ',';
  size_t batch_size = 5000;
  std::vector<std::string> key_columns;
  std::string version_column;
  std::string version_format;
  bool version_is_time = false;  // parse the version as a time even without a format (ISO)
  std::vector<FieldMapping> fields;
  SourceLimits limits;
};

// InvalidArgument naming the file, the line and the key that is wrong:
// TOML syntax, unknown sections or keys, unknown record types or fields,
// required fields left unmapped, bad values.
Result<Mapping> LoadMapping(const std::string& path);
Result<Mapping> ParseMapping(std::string_view toml_text, const std::string& path_for_messages);

}  // namespace faultgraph::connectors
