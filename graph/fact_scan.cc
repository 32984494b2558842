#include "graph/fact_scan.h"

#include <tbb/parallel_for.h>

#include "common/hash.h"

namespace faultgraph::graph {

Status ForEachShard(const std::function<Status(int)>& fn) {
  std::array<Status, kFactShards> errors;
  tbb::parallel_for(0, kFactShards, [&](int shard) { errors[shard] = fn(shard); });
  for (const auto& e : errors) FG_RETURN_IF_ERROR(e);
  return Status::Ok();
}

Status ForEachAssetHistory(const GraphStore& store,
                           const std::function<void(int, std::span<const CaseFactRow>)>& fn) {
  return ForEachShard([&](int shard) {
    // Rows are reused from asset to asset so that their strings keep their
    // buffers: a scan allocates per asset only when an asset has more cases
    // than any before it.
    std::vector<CaseFactRow> rows;
    size_t n = 0;
    auto flush = [&] {
      if (n > 0) fn(shard, std::span<const CaseFactRow>(rows.data(), n));
      n = 0;
    };
    Status s = store.ForEachCaseFact(shard, [&](const CaseFactRow& row) {
      if (n > 0 && (row.asset != rows[n - 1].asset || row.asset.empty())) flush();
      if (n < rows.size())
        rows[n] = row;
      else
        rows.push_back(row);
      ++n;
      return true;
    });
    flush();
    return s;
  });
}

Result<CallIndex> CallIndex::Load(const GraphStore& store) {
  CallIndex index;
  Status s = ForEachShard([&](int shard) {
    Shard& sh = index.shards_[shard];
    // Contacts come in key order: the calls about one case are together.
    Status scan = store.ForEachContactFact(shard, [&](const std::string& case_ref, int64_t t) {
      if (sh.cases.empty() || sh.cases.back().case_id != case_ref)
        sh.cases.push_back({case_ref, static_cast<uint32_t>(sh.times.size()), 0});
      sh.times.push_back(t);
      ++sh.cases.back().count;
      return true;
    });
    size_t size = 16;
    while (size < 2 * sh.cases.size()) size *= 2;
    sh.slots.assign(size, Slot{});
    for (size_t c = 0; c < sh.cases.size(); ++c) {
      uint64_t hash = Fnv1a64(sh.cases[c].case_id);
      size_t i = (hash >> 8) & (size - 1);  // the low bits chose the shard
      while (sh.slots[i].case_plus_1 != 0) i = (i + 1) & (size - 1);
      sh.slots[i] = {hash, static_cast<uint32_t>(c + 1)};
    }
    return scan;
  });
  if (!s.ok()) return s;
  return index;
}

std::span<const int64_t> CallIndex::CallsOf(const std::string& case_id) const {
  uint64_t hash = Fnv1a64(case_id);
  const Shard& sh = shards_[hash % kFactShards];
  const size_t mask = sh.slots.size() - 1;
  for (size_t i = (hash >> 8) & mask; sh.slots[i].case_plus_1 != 0; i = (i + 1) & mask) {
    if (sh.slots[i].hash != hash) continue;
    const Case& c = sh.cases[sh.slots[i].case_plus_1 - 1];
    if (c.case_id == case_id) return {sh.times.data() + c.begin, c.count};
  }
  return {};
}

}  // namespace faultgraph::graph
