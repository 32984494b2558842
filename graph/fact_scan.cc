#include "graph/fact_scan.h"

#include <tbb/parallel_for.h>

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
    auto& map = index.shards_[shard];
    std::vector<int64_t>* calls = nullptr;
    const std::string* current = nullptr;
    return store.ForEachContactFact(shard, [&](const std::string& case_ref, int64_t time_ms) {
      if (current == nullptr || *current != case_ref) {
        auto it = map.try_emplace(case_ref).first;
        current = &it->first;
        calls = &it->second;
      }
      calls->push_back(time_ms);
      return true;
    });
  });
  if (!s.ok()) return s;
  return index;
}

std::span<const int64_t> CallIndex::CallsOf(const std::string& case_id) const {
  const auto& map = shards_[FactShard(case_id)];
  auto it = map.find(case_id);
  if (it == map.end()) return {};
  return it->second;
}

}  // namespace faultgraph::graph
