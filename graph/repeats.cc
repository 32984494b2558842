#include "graph/repeats.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "graph/fact_scan.h"

namespace faultgraph::graph {
namespace {

using RowKey = std::tuple<std::string, std::string, std::string>;  // product, component, fix

struct PerFix {
  uint64_t attempts = 0, repeats = 0;
  std::vector<std::vector<std::string>> chains;
  std::set<std::string> assets;
};

// One asset's cases of one product x component, in time order: consecutive
// cases within the window of the previous one's close form a chain, and each
// is a repeat against the fixes of the closed case before it.
struct PairState {
  int64_t prev_end = 0;
  std::vector<std::string> prev_fixes;
  std::vector<std::string> chain;
  std::string chain_fix;
};

void ScanAsset(std::span<const CaseFactRow> cases, const RepeatOptions& o,
               std::map<RowKey, PerFix>* out) {
  std::map<std::pair<std::string, std::string>, PairState> pairs;
  const std::string& asset = cases.front().asset;
  auto close_chain = [&](const std::string& product, const std::string& component, PairState& st) {
    if (st.chain.size() > 1) {
      auto& pf = (*out)[{product, component, st.chain_fix}];
      pf.chains.push_back(st.chain);
      pf.assets.insert(asset);
    }
    st.chain.clear();
  };
  for (const auto& c : cases) {
    const CaseFact& f = c.fact;
    if (!o.product.empty() && f.product != o.product) continue;
    for (const auto& comp : f.components) {
      auto [it, fresh] = pairs.try_emplace({f.product, comp});
      PairState& st = it->second;
      bool repeat = !fresh && !asset.empty() && c.opened_ms - st.prev_end <= o.window_ms;
      if (repeat) {
        for (const auto& fix : st.prev_fixes) ++(*out)[{f.product, comp, fix}].repeats;
        st.chain.push_back(c.case_id);
      } else {
        close_chain(f.product, comp, st);
        st.chain = {c.case_id};
        st.chain_fix = f.fixes.empty() ? "" : f.fixes.front();
      }
      if (f.closed_ms != 0) {
        for (const auto& fix : f.fixes) ++(*out)[{f.product, comp, fix}].attempts;
      }
      st.prev_end = f.closed_ms != 0 ? f.closed_ms : c.opened_ms;
      st.prev_fixes = f.closed_ms != 0 ? f.fixes : std::vector<std::string>{};
    }
  }
  for (auto& [pc, st] : pairs) close_chain(pc.first, pc.second, st);
}

}  // namespace

Result<std::vector<RepeatRow>> RepeatFailures(const GraphStore& store, const RepeatOptions& o) {
  std::array<std::map<RowKey, PerFix>, kFactShards> per_shard;
  FG_RETURN_IF_ERROR(ForEachAssetHistory(store, [&](int shard, std::span<const CaseFactRow> cases) {
    ScanAsset(cases, o, &per_shard[shard]);
  }));
  std::map<RowKey, PerFix> merged;
  for (auto& shard : per_shard) {
    for (auto& [key, pf] : shard) {
      auto& m = merged[key];
      m.attempts += pf.attempts;
      m.repeats += pf.repeats;
      for (auto& ch : pf.chains) m.chains.push_back(std::move(ch));
      m.assets.merge(pf.assets);
    }
  }

  std::vector<RepeatRow> rows;
  std::vector<std::set<std::string>*> assets;
  for (auto& [key, pf] : merged) {
    const auto& [product, component, fix] = key;
    if (pf.attempts == 0 || fix.empty()) continue;
    RepeatRow r;
    r.product = product;
    r.component = component;
    r.fix = fix;
    r.attempts = pf.attempts;
    r.repeats = std::min(pf.repeats, pf.attempts);
    r.rate = static_cast<double>(r.repeats) / static_cast<double>(r.attempts);
    // Longest first; among equals, the earliest (case ids sort by time
    // within an asset only, so by the ids for a stable order).
    std::sort(pf.chains.begin(), pf.chains.end(), [](const auto& a, const auto& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    if (pf.chains.size() > o.max_chains) pf.chains.resize(o.max_chains);
    r.chains = std::move(pf.chains);
    rows.push_back(std::move(r));
    assets.push_back(&pf.assets);
  }
  // The customers behind each row's chains: point reads, on both cores.
  tbb::parallel_for(size_t{0}, rows.size(), [&](size_t i) {
    std::set<std::string> customers;
    for (const auto& a : *assets[i]) {
      auto e = store.GetEntity("asset", a);
      if (e.ok() && !e->customer_key.empty()) customers.insert(e->customer_key);
    }
    rows[i].customers.assign(customers.begin(), customers.end());
  });
  std::sort(rows.begin(), rows.end(), [](const RepeatRow& a, const RepeatRow& b) {
    if (a.repeats != b.repeats) return a.repeats > b.repeats;
    if (a.rate != b.rate) return a.rate > b.rate;
    return std::tie(a.product, a.component, a.fix) < std::tie(b.product, b.component, b.fix);
  });
  return rows;
}

Result<std::vector<RepeatContactRow>> RepeatContacts(const GraphStore& store,
                                                     const RepeatContactOptions& o) {
  auto calls = CallIndex::Load(store);
  if (!calls.ok()) return calls.status();
  std::array<std::vector<RepeatContactRow>, kFactShards> per_shard;
  FG_RETURN_IF_ERROR(ForEachAssetHistory(store, [&](int shard, std::span<const CaseFactRow> cases) {
    for (const auto& c : cases) {
      const CaseFact& f = c.fact;
      if (!o.product.empty() && f.product != o.product) continue;
      if (o.open_only && f.closed_ms != 0) continue;
      auto times = calls->CallsOf(c.case_id);
      if (times.size() < o.min_calls) continue;
      RepeatContactRow r;
      for (int64_t t : times) {
        if (f.closed_ms != 0 && t > f.closed_ms) break;
        if (r.calls++ == 0) r.first_call_ms = t;
        r.last_call_ms = t;
      }
      if (r.calls < o.min_calls) continue;
      r.case_id = c.case_id;
      r.product = f.product;
      r.asset = c.asset;
      r.opened_ms = c.opened_ms;
      r.closed_ms = f.closed_ms;
      per_shard[shard].push_back(std::move(r));
    }
  }));
  std::vector<RepeatContactRow> rows;
  for (auto& shard : per_shard) {
    for (auto& r : shard) rows.push_back(std::move(r));
  }
  auto order = [](const RepeatContactRow& a, const RepeatContactRow& b) {
    if (a.calls != b.calls) return a.calls > b.calls;
    if (a.last_call_ms != b.last_call_ms) return a.last_call_ms > b.last_call_ms;
    return a.case_id < b.case_id;
  };
  if (rows.size() > o.limit) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<ptrdiff_t>(o.limit), rows.end(),
                      order);
    rows.resize(o.limit);
  } else {
    std::sort(rows.begin(), rows.end(), order);
  }
  return rows;
}

}  // namespace faultgraph::graph
