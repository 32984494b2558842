#include "connectors/limits.h"

#include "ingest/text.h"

namespace faultgraph::connectors {

std::string OverLimit(std::string_view what, uint64_t bytes, std::string_view name,
                      uint64_t limit) {
  return std::string(what) + " of " + std::to_string(bytes) + " bytes exceeds " +
         std::string(name) + " = " + std::to_string(limit);
}

std::string Preview(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(ingest::Utf8Prefix(s, max)) + "… (" + std::to_string(s.size()) + " bytes)";
}

}  // namespace faultgraph::connectors
