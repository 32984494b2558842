// Fuzzes JSON Lines through a mapping the way the file connector (and the
// HTTP and MQTT sources, whose items take the same path) reads them:
// NewJsonlSource -> RowMapper::Map -> ingest::BuildRecord, and the raw text
// kept for the dead-letter store. The first byte picks one of the
// simulator's mappings: IoT alarms (nested keys, epoch times; even) or CRM
// tickets (lists, time formats, a version time; odd).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connectors/mapping.h"
#include "connectors/row_mapper.h"
#include "connectors/row_source.h"
#include "ingest/record_builder.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace faultgraph;

// The simulator's mappings, as shipped.
connectors::Mapping Load(const std::string& name) {
  return *connectors::LoadMapping(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/simulator/mappings/" +
                                  name);
}

const connectors::Mapping& MappingFor(uint8_t selector) {
  static const connectors::Mapping alarms = Load("alarms.toml");
  static const connectors::Mapping tickets = Load("tickets.toml");
  return selector % 2 == 0 ? alarms : tickets;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const connectors::Mapping& mapping = MappingFor(data[0]);
  std::string_view text = fuzz::AsText(data + 1, size - 1);

  std::vector<std::string> columns = connectors::ReferencedColumns(mapping);
  connectors::RowMapper mapper(mapping, columns, connectors::Encoding::kUtf8, "fuzz", "fuzz.jsonl");
  std::unique_ptr<connectors::RowSource> source = connectors::NewJsonlSource(text, columns);
  connectors::SourceRow row;
  while (source->Next(&row)) {
    std::string raw = mapper.RawText(row.raw);
    if (!row.error.empty()) continue;
    ingest::RawRecord rec;
    if (!mapper.Map(row, columns, &rec).ok()) continue;
    auto record = ingest::BuildRecord(rec);
    (void)record;
  }
  return 0;
}
