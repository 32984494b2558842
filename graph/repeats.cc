#include "graph/repeats.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <map>
#include <set>

namespace faultgraph::graph {
namespace {

struct Pair {
  std::string product, component;
};

struct PerFix {
  uint64_t attempts = 0, repeats = 0;
  std::vector<std::vector<std::string>> chains;
  std::set<std::string> assets;
};

// One sequential scan of the product x component's cases (grouped by asset,
// in time order).
Status ScanPair(const GraphStore& store, const Pair& p, int64_t window_ms,
                std::map<std::string, PerFix>* out) {
  std::string asset;
  int64_t prev_end = 0;
  std::vector<std::string> prev_fixes;
  std::vector<std::string> chain;
  std::string chain_fix;
  auto close_chain = [&] {
    if (chain.size() > 1) {
      auto& pf = (*out)[chain_fix];
      pf.chains.push_back(chain);
      pf.assets.insert(asset);
    }
    chain.clear();
  };
  Status s = store.ForEachComponentCase(p.product, p.component, [&](const ComponentCase& c) {
    bool repeat = !c.asset.empty() && c.asset == asset && c.opened_ms - prev_end <= window_ms;
    if (repeat) {
      for (const auto& f : prev_fixes) ++(*out)[f].repeats;
      chain.push_back(c.case_id);
    } else {
      close_chain();
      asset = c.asset;
      chain = {c.case_id};
      chain_fix = c.ref.fixes.empty() ? "" : c.ref.fixes.front();
    }
    if (c.ref.closed_ms != 0) {
      for (const auto& f : c.ref.fixes) ++(*out)[f].attempts;
    }
    prev_end = c.ref.closed_ms != 0 ? c.ref.closed_ms : c.opened_ms;
    prev_fixes = c.ref.closed_ms != 0 ? c.ref.fixes : std::vector<std::string>{};
    return true;
  });
  close_chain();
  return s;
}

}  // namespace

Result<std::vector<RepeatRow>> RepeatFailures(const GraphStore& store, const RepeatOptions& o) {
  auto listed = store.DiagnosedPairs(o.product, "");
  if (!listed.ok()) return listed.status();
  std::vector<Pair> pairs;
  for (auto& [p, c] : *listed) pairs.push_back({std::move(p), std::move(c)});

  std::vector<std::map<std::string, PerFix>> per(pairs.size());
  std::vector<Status> errors(pairs.size());
  tbb::parallel_for(size_t{0}, pairs.size(),
                    [&](size_t i) { errors[i] = ScanPair(store, pairs[i], o.window_ms, &per[i]); });
  for (const auto& e : errors) FG_RETURN_IF_ERROR(e);

  std::vector<RepeatRow> rows;
  for (size_t i = 0; i < pairs.size(); ++i) {
    for (auto& [fix, pf] : per[i]) {
      if (pf.attempts == 0 || fix.empty()) continue;
      RepeatRow r;
      r.product = pairs[i].product;
      r.component = pairs[i].component;
      r.fix = fix;
      r.attempts = pf.attempts;
      r.repeats = std::min(pf.repeats, pf.attempts);
      r.rate = static_cast<double>(r.repeats) / static_cast<double>(r.attempts);
      std::sort(pf.chains.begin(), pf.chains.end(),
                [](const auto& a, const auto& b) { return a.size() > b.size(); });
      if (pf.chains.size() > o.max_chains) pf.chains.resize(o.max_chains);
      r.chains = std::move(pf.chains);
      std::set<std::string> customers;
      for (const auto& a : pf.assets) {
        auto e = store.GetEntity("asset", a);
        if (e.ok() && !e->customer_key.empty()) customers.insert(e->customer_key);
      }
      r.customers.assign(customers.begin(), customers.end());
      rows.push_back(std::move(r));
    }
  }
  std::sort(rows.begin(), rows.end(), [](const RepeatRow& a, const RepeatRow& b) {
    if (a.repeats != b.repeats) return a.repeats > b.repeats;
    if (a.rate != b.rate) return a.rate > b.rate;
    return std::tie(a.product, a.component, a.fix) < std::tie(b.product, b.component, b.fix);
  });
  return rows;
}

}  // namespace faultgraph::graph
