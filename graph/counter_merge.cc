#include "graph/counter_merge.h"

#include <rocksdb/merge_operator.h>

#include <cstring>

namespace faultgraph::graph {

std::string EncodeCounter(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}

uint64_t DecodeCounter(std::string_view v) {
  if (v.size() != 8) return 0;
  uint64_t out = 0;
  for (int i = 7; i >= 0; --i) out = (out << 8) | static_cast<uint8_t>(v[i]);
  return out;
}

namespace {
class CounterAdd final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger* logger) const override {
    uint64_t base = existing ? DecodeCounter({existing->data(), existing->size()}) : 0;
    uint64_t add = DecodeCounter({value.data(), value.size()});
    *new_value = EncodeCounter(base + add);
    return true;
  }
  const char* Name() const override { return "faultgraph.CounterAdd"; }
};
}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterAdd>();
}

}  // namespace faultgraph::graph
