// The uint64-add merge operator behind every evidence counter and time
// bucket. Values are 8-byte little-endian; addition wraps, so a retraction
// is the merge of the two's complement of the delta.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rocksdb {
class MergeOperator;
}

namespace faultgraph::graph {

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

std::string EncodeCounter(uint64_t v);
// A missing or malformed value reads as 0.
uint64_t DecodeCounter(std::string_view v);

}  // namespace faultgraph::graph
