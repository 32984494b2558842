#include "analytics/kpis.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include "graph/fact_scan.h"

namespace faultgraph::analytics {

using graph::CallIndex;
using graph::CaseFact;
using graph::CaseFactRow;
using graph::ForEachAssetHistory;
using graph::GraphStore;
using graph::kFactShards;
using graph::MonthOf;
namespace {

std::string GroupOf(const CaseFactRow& c, const std::string& by) {
  if (by == "product") return c.fact.product.empty() ? "(no product)" : c.fact.product;
  if (by == "region") return c.fact.region.empty() ? "(no region)" : c.fact.region;
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

struct Acc {
  uint64_t cases = 0, closed = 0, ftf = 0, repeats = 0, rated = 0, contacted = 0,
           repeat_contacts = 0;
  double csat = 0;
  std::vector<double> mttr, response;

  void Merge(Acc&& o) {
    cases += o.cases;
    closed += o.closed;
    ftf += o.ftf;
    repeats += o.repeats;
    rated += o.rated;
    contacted += o.contacted;
    repeat_contacts += o.repeat_contacts;
    csat += o.csat;
    mttr.insert(mttr.end(), o.mttr.begin(), o.mttr.end());
    response.insert(response.end(), o.response.begin(), o.response.end());
  }
};

// The components of a case, or its symptoms when none was diagnosed: what
// "the same problem again" is judged by.
const std::vector<std::string>& ProblemKeys(const CaseFact& f) {
  return !f.components.empty() ? f.components : f.symptoms;
}

bool Shares(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  }
  return false;
}

}  // namespace

Status CheckKpiGrouping(const std::string& by) {
  static const char* kBy[] = {"product", "region", "month", "quarter", "year", "all"};
  if (std::find(std::begin(kBy), std::end(kBy), by) != std::end(kBy)) return Status::Ok();
  return Status::InvalidArgument("group by product, region, month, quarter, year or all, not '" +
                                 by.substr(0, 64) + "'");
}

Result<std::vector<KpiRow>> ComputeKpis(const GraphStore& store, const KpiOptions& o) {
  FG_RETURN_IF_ERROR(CheckKpiGrouping(o.by));
  auto calls = CallIndex::Load(store);
  if (!calls.ok()) return calls.status();

  std::array<std::map<std::string, Acc>, kFactShards> shard_groups;
  std::array<std::vector<char>, kFactShards> repeat_of, returned_of;
  FG_RETURN_IF_ERROR(ForEachAssetHistory(store, [&](int shard, std::span<const CaseFactRow> cases) {
    // Returns: a case sharing a component (or symptom) with an earlier
    // closed case of the asset that it followed within the window.
    auto& rep = repeat_of[shard];
    auto& ret = returned_of[shard];
    rep.assign(cases.size(), 0);
    ret.assign(cases.size(), 0);
    if (!cases.front().asset.empty()) {
      for (size_t k = 1; k < cases.size(); ++k) {
        const auto& cur = cases[k];
        for (size_t j = 0; j < k; ++j) {
          const auto& prev = cases[j];
          int64_t closed = prev.fact.closed_ms;
          if (closed == 0 || cur.opened_ms - closed > o.window_ms || cur.opened_ms < closed)
            continue;
          if (Shares(ProblemKeys(cur.fact), ProblemKeys(prev.fact))) {
            rep[k] = 1;
            ret[j] = 1;
          }
        }
      }
    }
    auto& groups = shard_groups[shard];
    for (size_t k = 0; k < cases.size(); ++k) {
      const auto& c = cases[k];
      const auto& f = c.fact;
      if (!o.product.empty() && f.product != o.product) continue;
      if (!o.region.empty() && f.region != o.region) continue;
      if (o.from_ms != 0 && c.opened_ms < o.from_ms) continue;
      if (o.to_ms != 0 && c.opened_ms >= o.to_ms) continue;
      Acc& a = groups[GroupOf(c, o.by)];
      ++a.cases;
      if (f.satisfaction >= 0) {
        ++a.rated;
        a.csat += f.satisfaction;
      }
      auto times = calls->CallsOf(c.case_id);
      if (!times.empty()) {
        ++a.contacted;
        if (times.front() <= c.opened_ms)
          a.response.push_back(static_cast<double>(c.opened_ms - times.front()) / 60000.0);
        size_t while_open = 0;
        for (int64_t t : times) while_open += f.closed_ms == 0 || t <= f.closed_ms;
        a.repeat_contacts += while_open >= 2;
      }
      if (f.closed_ms == 0) continue;
      ++a.closed;
      a.ftf += !ret[k];
      a.repeats += rep[k];
      a.mttr.push_back(static_cast<double>(f.closed_ms - c.opened_ms) / 3600000.0);
    }
  }));

  std::map<std::string, Acc> groups;
  for (auto& sg : shard_groups) {
    for (auto& [name, a] : sg) groups[name].Merge(std::move(a));
  }
  Acc all;
  for (auto& [name, a] : groups) {
    Acc copy = a;
    all.Merge(std::move(copy));
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
    r.contacted = a.contacted;
    r.repeat_contacts = a.repeat_contacts;
    r.repeat_contact_rate = a.contacted ? static_cast<double>(a.repeat_contacts) / a.contacted : 0;
    return r;
  };
  std::vector<KpiRow> out;
  if (o.by != "all") {
    for (auto& [name, a] : groups) out.push_back(row(name, a));
  }
  out.push_back(row("all", all));
  return out;
}

}  // namespace faultgraph::analytics
