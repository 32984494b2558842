// Parallel scans over the analytics facts (graph/case_fact.h): every
// asset's case history, and the calls made about each case. Shards are
// scanned on oneTBB; callers keep per-shard state and merge it after.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::graph {

// fn(shard, cases of one asset in time order) for every asset; cases
// without an asset come one by one. Calls for one shard are sequential,
// shards run in parallel.
Status ForEachAssetHistory(const GraphStore& store,
                           const std::function<void(int, std::span<const CaseFactRow>)>& fn);

// The times of the calls that name each case, in order. One flat
// open-addressing table per shard: a lookup is about one cache miss, which
// matters when a KPI run asks for a million cases.
class CallIndex {
 public:
  static Result<CallIndex> Load(const GraphStore& store);
  // Empty when no call names the case.
  std::span<const int64_t> CallsOf(const std::string& case_id) const;

 private:
  struct Case {
    std::string case_id;
    uint32_t begin = 0, count = 0;  // in times
  };
  struct Slot {
    uint64_t hash = 0;
    uint32_t case_plus_1 = 0;  // 0: empty
  };
  struct Shard {
    std::vector<Case> cases;
    std::vector<Slot> slots;  // a power of two, at most half full
    std::vector<int64_t> times;
  };
  std::array<Shard, kFactShards> shards_;
};

// Runs fn(shard) for every shard on oneTBB; the first error wins.
Status ForEachShard(const std::function<Status(int)>& fn);

}  // namespace faultgraph::graph
