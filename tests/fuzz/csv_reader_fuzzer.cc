// Fuzzes the RFC 4180 reader (connectors/csv_reader.h) the file connector
// reads every CSV export with. The first byte picks the delimiter; the rest
// is the file. Checks the reader's contract: rows advance, their byte
// ranges lie inside the data and in order, and a reader resumed at a row's
// end (as after a checkpoint) reads the same rows as the one that went on.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "connectors/csv_reader.h"
#include "tests/fuzz/fuzz_util.h"

using faultgraph::connectors::CsvReader;
using faultgraph::connectors::CsvRow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  char delim = kDelimiters[data[0] % sizeof(kDelimiters)];
  std::string_view text = faultgraph::fuzz::AsText(data + 1, size - 1);

  CsvReader reader(text, delim);
  std::vector<CsvRow> rows;
  CsvRow row;
  uint64_t last_end = 0;
  while (reader.Next(&row)) {
    if (row.begin < last_end || row.end <= row.begin || row.end > text.size()) std::abort();
    last_end = row.end;
    rows.push_back(row);
  }
  // Resume after the first row, as the connector does from a checkpoint.
  if (rows.size() >= 2) {
    CsvReader resumed(text, delim, rows[0].end, rows[1].line);
    for (size_t i = 1; i < rows.size(); ++i) {
      if (!resumed.Next(&row) || row.fields != rows[i].fields || row.end != rows[i].end)
        std::abort();
    }
  }
  return 0;
}
