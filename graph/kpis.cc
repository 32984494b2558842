#include "graph/kpis.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <unordered_map>

namespace faultgraph::graph {
namespace {

// What one case contributes, kept small: a million of them fit in memory.
struct Fact {
  std::string group, asset, case_id;
  std::vector<std::string> keys;  // components, or symptoms when none was diagnosed
  int64_t opened = 0, closed = 0;
  double csat = -1;
  bool repeat = false, returned = false;
};

std::string GroupOf(const storage::CaseDoc& c, const std::string& by) {
  if (by == "product") return c.product.empty() ? "(no product)" : c.product;
  if (by == "region") return c.region.empty() ? "(no region)" : c.region;
  if (by == "all") return "all";
  int64_t m = MonthOf(c.opened_ms);
  char buf[48];
  if (by == "year")
    std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(m / 100));
  else if (by == "quarter")
    std::snprintf(buf, sizeof buf, "%04lld-Q%lld", static_cast<long long>(m / 100),
                  static_cast<long long>((m % 100 - 1) / 3 + 1));
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(m / 100),
                  static_cast<long long>(m % 100));
  return buf;
}

double Median(std::vector<double>& v) {
  if (v.empty()) return -1;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace

Result<std::vector<KpiRow>> ComputeKpis(const GraphStore& store, const KpiOptions& o) {
  static const char* kBy[] = {"product", "region", "month", "quarter", "year", "all"};
  if (std::find(std::begin(kBy), std::end(kBy), o.by) == std::end(kBy))
    return Status::InvalidArgument("group by product, region, month, quarter, year or all, not '" +
                                   o.by + "'");
  std::vector<Fact> facts;
  FG_RETURN_IF_ERROR(store.ForEachCase([&](const storage::CaseDoc& c) {
    if (!o.product.empty() && c.product != o.product) return true;
    if (!o.region.empty() && c.region != o.region) return true;
    if (o.from_ms != 0 && c.opened_ms < o.from_ms) return true;
    if (o.to_ms != 0 && c.opened_ms >= o.to_ms) return true;
    Fact f;
    f.group = GroupOf(c, o.by);
    f.asset = c.asset_serial;
    f.case_id = c.case_id;
    f.keys = !c.components.empty() ? c.components : c.symptoms;
    f.opened = c.opened_ms;
    f.closed = c.closed_ms;
    f.csat = c.satisfaction;
    facts.push_back(std::move(f));
    return true;
  }));

  // Returns: per asset in time order, a case sharing a component (or
  // symptom) with an earlier closed one that opened within the window.
  std::vector<size_t> order(facts.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(facts[a].asset, facts[a].opened) < std::tie(facts[b].asset, facts[b].opened);
  });
  for (size_t k = 0; k < order.size(); ++k) {
    Fact& cur = facts[order[k]];
    if (cur.asset.empty()) continue;
    for (size_t j = k; j-- > 0;) {
      Fact& prev = facts[order[j]];
      if (prev.asset != cur.asset) break;
      if (prev.closed == 0 || cur.opened - prev.closed > o.window_ms || cur.opened < prev.closed)
        continue;
      bool shared = false;
      for (const auto& x : cur.keys)
        shared |= std::find(prev.keys.begin(), prev.keys.end(), x) != prev.keys.end();
      if (shared) {
        cur.repeat = true;
        prev.returned = true;
      }
    }
  }

  // First calls about each case.
  std::unordered_map<std::string, int64_t> first_call;
  FG_RETURN_IF_ERROR(store.ForEachEvent("contact", [&](const storage::EventDoc& e) {
    if (e.case_ref.empty()) return true;
    auto [it, fresh] = first_call.emplace(e.case_ref, e.time_ms);
    if (!fresh) it->second = std::min(it->second, e.time_ms);
    return true;
  }));

  struct Acc {
    uint64_t cases = 0, closed = 0, ftf = 0, repeats = 0, rated = 0;
    double csat = 0;
    std::vector<double> mttr, response;
  };
  std::map<std::string, Acc> groups;
  Acc all;
  for (const auto& f : facts) {
    for (Acc* a : {&groups[f.group], &all}) {
      ++a->cases;
      if (f.csat >= 0) {
        ++a->rated;
        a->csat += f.csat;
      }
      auto call = first_call.find(f.case_id);
      if (call != first_call.end() && call->second <= f.opened)
        a->response.push_back((f.opened - call->second) / 60000.0);
      if (f.closed == 0) continue;
      ++a->closed;
      a->ftf += !f.returned;
      a->repeats += f.repeat;
      a->mttr.push_back((f.closed - f.opened) / 3600000.0);
    }
  }
  auto row = [](const std::string& name, Acc& a) {
    KpiRow r;
    r.group = name;
    r.cases = a.cases;
    r.closed = a.closed;
    r.first_time_fix = a.closed ? static_cast<double>(a.ftf) / a.closed : 0;
    r.repeat_rate = a.closed ? static_cast<double>(a.repeats) / a.closed : 0;
    r.mttr_hours = Median(a.mttr);
    r.response_minutes = Median(a.response);
    r.rated = a.rated;
    r.satisfaction = a.rated ? a.csat / a.rated : -1;
    return r;
  };
  std::vector<KpiRow> out;
  if (o.by != "all") {
    for (auto& [name, a] : groups) out.push_back(row(name, a));
  }
  out.push_back(row("all", all));
  return out;
}

}  // namespace faultgraph::graph
