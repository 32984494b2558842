// Fuzzes the mapping TOML parser (connectors/mapping.h), which reads files
// that operators edit, and what is built from an accepted mapping before
// any row is read: the referenced columns and a row mapper.
#include <cstdint>
#include <string>
#include <vector>

#include "connectors/mapping.h"
#include "connectors/row_mapper.h"
#include "tests/fuzz/fuzz_util.h"

using namespace faultgraph;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto mapping = connectors::ParseMapping(fuzz::AsText(data, size), "fuzz.toml");
  if (!mapping.ok()) return 0;
  std::vector<std::string> columns = connectors::ReferencedColumns(*mapping);
  connectors::RowMapper mapper(*mapping, columns, connectors::Encoding::kUtf8, "fuzz", "fuzz.csv");
  (void)mapper;
  return 0;
}
