#include "analytics/repeats.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "graph/fact_scan.h"

namespace faultgraph::analytics {

using graph::CallIndex;
using graph::CaseFact;
using graph::CaseFactRow;
using graph::ForEachAssetHistory;
using graph::GraphStore;
using graph::kFactShards;
namespace {

using RowKey = std::tuple<std::string, std::string, std::string>;  // product, component, fix

struct PerFix {
  uint64_t attempts = 0, repeats = 0;
  std::vector<std::vector<std::string>> chains;
  std::set<std::string> customers;
};

// One asset's cases of one product x component, in time order: consecutive
// cases within the window of the previous one's close form a chain, and each
// is a repeat against the fixes of the closed case before it. The pointers
// point into the asset's cases, valid while they are scanned.
struct PairState {
  const std::string* product = nullptr;
  const std::string* component = nullptr;
  int64_t prev_end = 0;
  const std::vector<std::string>* prev_fixes = nullptr;  // of the case before, when closed
  std::vector<std::string> chain;
  const std::string* chain_fix = nullptr;
  const std::string* customer = nullptr;  // of the chain's first case
};

// Per shard: the rows found so far, and the pair states of the asset being
// scanned (kept from asset to asset so that their buffers are reused).
struct ShardScan {
  std::map<RowKey, PerFix, std::less<>> rows;
  std::vector<PairState> pairs;
  size_t active = 0;

  PerFix& Row(const std::string& product, const std::string& component, const std::string& fix) {
    auto it = rows.find(std::tie(product, component, fix));
    if (it == rows.end()) it = rows.try_emplace(RowKey(product, component, fix)).first;
    return it->second;
  }
};

const std::string kNoFix;
const std::vector<std::string> kNoFixes;

void ScanAsset(std::span<const CaseFactRow> cases, const RepeatOptions& o, ShardScan* scan) {
  const std::string& asset = cases.front().asset;
  if (cases.size() == 1 || asset.empty()) {  // no history: attempts only
    for (const auto& c : cases) {
      const CaseFact& f = c.fact;
      if (f.closed_ms == 0 || (!o.product.empty() && f.product != o.product)) continue;
      for (const auto& comp : f.components) {
        for (const auto& fix : f.fixes) ++scan->Row(f.product, comp, fix).attempts;
      }
    }
    return;
  }
  scan->active = 0;
  auto close_chain = [&](PairState& st) {
    if (st.chain.size() > 1) {
      auto& pf = scan->Row(*st.product, *st.component, *st.chain_fix);
      pf.chains.push_back(st.chain);
      if (!st.customer->empty()) pf.customers.insert(*st.customer);
    }
    st.chain.clear();
  };
  for (const auto& c : cases) {
    const CaseFact& f = c.fact;
    if (!o.product.empty() && f.product != o.product) continue;
    for (const auto& comp : f.components) {
      PairState* st = nullptr;
      for (size_t i = 0; i < scan->active && st == nullptr; ++i) {
        auto& p = scan->pairs[i];
        if (*p.product == f.product && *p.component == comp) st = &p;
      }
      bool repeat = st != nullptr && c.opened_ms - st->prev_end <= o.window_ms;
      if (st == nullptr) {
        if (scan->active == scan->pairs.size()) scan->pairs.emplace_back();
        st = &scan->pairs[scan->active++];
        st->product = &f.product;
        st->component = &comp;
        st->chain.clear();
      }
      if (repeat) {
        for (const auto& fix : *st->prev_fixes) ++scan->Row(f.product, comp, fix).repeats;
        st->chain.push_back(c.case_id);
      } else {
        close_chain(*st);
        st->chain.push_back(c.case_id);
        st->chain_fix = f.fixes.empty() ? &kNoFix : &f.fixes.front();
        st->customer = &f.customer;
      }
      if (f.closed_ms != 0) {
        for (const auto& fix : f.fixes) ++scan->Row(f.product, comp, fix).attempts;
      }
      st->prev_end = f.closed_ms != 0 ? f.closed_ms : c.opened_ms;
      st->prev_fixes = f.closed_ms != 0 ? &f.fixes : &kNoFixes;
    }
  }
  for (size_t i = 0; i < scan->active; ++i) close_chain(scan->pairs[i]);
}

}  // namespace

Result<std::vector<RepeatRow>> RepeatFailures(const GraphStore& store, const RepeatOptions& o) {
  std::array<ShardScan, kFactShards> per_shard;
  FG_RETURN_IF_ERROR(ForEachAssetHistory(store, [&](int shard, std::span<const CaseFactRow> cases) {
    ScanAsset(cases, o, &per_shard[shard]);
  }));
  std::map<RowKey, PerFix> merged;
  for (auto& shard : per_shard) {
    for (auto& [key, pf] : shard.rows) {
      auto& m = merged[key];
      m.attempts += pf.attempts;
      m.repeats += pf.repeats;
      for (auto& ch : pf.chains) m.chains.push_back(std::move(ch));
      m.customers.merge(pf.customers);
    }
  }

  std::vector<RepeatRow> rows;
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
    r.customers.assign(pf.customers.begin(), pf.customers.end());
    rows.push_back(std::move(r));
  }
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

}  // namespace faultgraph::analytics
