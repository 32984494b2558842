#include "analytics/trends.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace faultgraph::analytics {

using graph::BucketSeries;
using graph::ComponentCase;
using graph::GraphStore;
using graph::MonthOf;
namespace {

int64_t NextMonth(int64_t yyyymm) {
  int64_t y = yyyymm / 100, m = yyyymm % 100;
  return m == 12 ? (y + 1) * 100 + 1 : y * 100 + m + 1;
}

struct Work {
  std::string product, component;
  std::vector<std::pair<int64_t, uint64_t>> installed;  // ship month -> units
};

Status Analyse(const GraphStore& store, const TrendOptions& o, const Work& w, RateSeries* series,
               std::vector<TrendAlert>* alerts, uint64_t* tests) {
  auto failures = store.BucketsOf(BucketSeries::kFailures, w.product, w.component);
  if (!failures.ok()) return failures.status();
  series->product = w.product;
  series->component = w.component;
  if (w.installed.empty()) return Status::Ok();
  std::map<int64_t, uint64_t> fail(failures->begin(), failures->end());
  int64_t first = w.installed.front().first;
  int64_t last = std::max(w.installed.back().first, fail.empty() ? first : fail.rbegin()->first);
  size_t next_ship = 0;
  uint64_t units = 0;
  for (int64_t m = first; m <= last; m = NextMonth(m)) {
    while (next_ship < w.installed.size() && w.installed[next_ship].first <= m)
      units += w.installed[next_ship++].second;
    RatePoint p;
    p.month = m;
    p.installed = units;
    auto it = fail.find(m);
    p.failures = it == fail.end() ? 0 : it->second;
    p.per_1000 = units == 0 ? 0 : 1000.0 * static_cast<double>(p.failures) / units;
    series->points.push_back(p);
  }

  // Each month against the trailing baseline; consecutive significant
  // months are one alert, dated by the first.
  const auto& pts = series->points;
  TrendAlert* open = nullptr;
  for (size_t i = static_cast<size_t>(o.baseline_months); i < pts.size(); ++i) {
    double f = 0, exposure = 0;
    for (size_t j = i - o.baseline_months; j < i; ++j) {
      f += static_cast<double>(pts[j].failures);
      exposure += static_cast<double>(pts[j].installed);
    }
    if (exposure <= 0 || pts[i].installed == 0) continue;
    double rate = f / exposure;
    double expected = rate * static_cast<double>(pts[i].installed);
    ++*tests;
    // Two Poisson rates compared exactly: given all failures of the
    // baseline and this month, this month's share is binomial with the
    // share of the exposure when the rate did not change. Unlike a test
    // against the baseline's estimate, it knows a quiet baseline is uncertain.
    uint64_t k = pts[i].failures;
    uint64_t n = k + static_cast<uint64_t>(f);
    double share =
        static_cast<double>(pts[i].installed) / (exposure + static_cast<double>(pts[i].installed));
    double p = BinomialUpperTail(k, n, share);
    bool significant = pts[i].failures >= o.min_failures && p < o.alpha;
    if (!significant) {
      open = nullptr;
      continue;
    }
    if (open != nullptr) {
      ++open->months_flagged;
      continue;
    }
    TrendAlert a;
    a.product = w.product;
    a.component = w.component;
    a.month = pts[i].month;
    a.months_flagged = 1;
    a.rate_before = 1000.0 * rate;
    a.rate_after = pts[i].per_1000;
    a.failures = pts[i].failures;
    a.expected = expected;
    a.p_value = p;
    alerts->push_back(std::move(a));
    open = &alerts->back();
  }
  // Evidence: the cases of the alert months, until each alert has enough.
  if (!alerts->empty()) {
    size_t missing = alerts->size();
    std::string last_case;
    Status s = store.ForEachComponentCase(w.product, w.component, [&](const ComponentCase& c) {
      // A case's outcomes follow its own entry: one failure, listed once.
      const bool again = c.case_id == last_case;
      last_case = c.case_id;
      if (again) return true;
      int64_t month = MonthOf(c.opened_ms);
      for (auto& a : *alerts) {
        if (a.month != month || a.evidence.size() >= o.max_evidence) continue;
        a.evidence.push_back(c.case_id);
        missing -= a.evidence.size() == o.max_evidence || a.evidence.size() == a.failures;
      }
      return missing > 0;
    });
    FG_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

}  // namespace

double BinomialUpperTail(uint64_t k, uint64_t n, double p) {
  if (k == 0) return 1.0;
  if (k > n || p <= 0) return 0.0;
  if (p >= 1) return 1.0;
  // The first term from logs, each next one from the one before
  // (P(i+1) = P(i) (n-i)/(i+1) p/(1-p)); past the mode the terms only
  // shrink, so the sum stops once they no longer change it.
  const double odds = p / (1 - p);
  const double mode = std::floor((static_cast<double>(n) + 1) * p);
  double term =
      std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
               static_cast<double>(k) * std::log(p) + static_cast<double>(n - k) * std::log1p(-p));
  double tail = 0;
  for (uint64_t i = k; i <= n; ++i) {
    tail += term;
    if (static_cast<double>(i) > mode && term < tail * 1e-17) break;
    term *= static_cast<double>(n - i) / static_cast<double>(i + 1) * odds;
  }
  return std::min(1.0, tail);
}

Result<TrendReport> DefectTrends(const GraphStore& store, const TrendOptions& o) {
  auto pairs = store.DiagnosedPairs(o.product, o.component);
  if (!pairs.ok()) return pairs.status();
  std::vector<Work> work;
  for (auto& [p, c] : *pairs) {
    // The installed base is per product: read once for its pairs.
    if (work.empty() || work.back().product != p) {
      auto installed = store.BucketsOf(BucketSeries::kInstalled, p, "");
      if (!installed.ok()) return installed.status();
      work.push_back({p, std::move(c), std::move(installed).value()});
    } else {
      auto installed = work.back().installed;  // a copy: push_back may move the vector
      work.push_back({p, std::move(c), std::move(installed)});
    }
  }
  std::vector<RateSeries> series(work.size());
  std::vector<std::vector<TrendAlert>> alerts(work.size());
  std::vector<uint64_t> tests(work.size(), 0);
  std::vector<Status> errors(work.size());
  tbb::parallel_for(size_t{0}, work.size(), [&](size_t i) {
    errors[i] = Analyse(store, o, work[i], &series[i], &alerts[i], &tests[i]);
  });
  TrendReport out;
  for (size_t i = 0; i < work.size(); ++i) {
    FG_RETURN_IF_ERROR(errors[i]);
    out.tests += tests[i];
    out.series.push_back(std::move(series[i]));
    for (auto& a : alerts[i]) out.alerts.push_back(std::move(a));
  }
  std::sort(out.alerts.begin(), out.alerts.end(), [](const TrendAlert& a, const TrendAlert& b) {
    return a.p_value != b.p_value ? a.p_value < b.p_value : a.month < b.month;
  });
  return out;
}

Result<std::vector<CohortCell>> CohortRates(const GraphStore& store, const CohortOptions& o) {
  auto pairs = store.DiagnosedPairs(o.product, o.component);
  if (!pairs.ok()) return pairs.status();
  std::vector<std::vector<CohortCell>> per(pairs->size());
  std::vector<Status> errors(pairs->size());
  std::map<std::string, std::map<int64_t, uint64_t>> installed;  // per product: month -> units
  for (const auto& [p, c] : *pairs) {
    if (installed.count(p)) continue;
    auto units = store.BucketsOf(BucketSeries::kInstalled, p, "");
    if (!units.ok()) return units.status();
    installed[p] = std::map<int64_t, uint64_t>(units->begin(), units->end());
  }
  tbb::parallel_for(size_t{0}, pairs->size(), [&](size_t i) {
    const auto& [p, c] = (*pairs)[i];
    auto cells = store.BucketsOf(BucketSeries::kCohortFailures, p, c);
    if (!cells.ok()) {
      errors[i] = cells.status();
      return;
    }
    const auto& units = installed.at(p);
    for (const auto& [period, failures] : *cells) {
      CohortCell cell;
      cell.product = p;
      cell.component = c;
      cell.ship_month = period / 1000;
      cell.months_in_service = period % 1000;
      cell.failures = failures;
      auto u = units.find(cell.ship_month);
      cell.units = u == units.end() ? 0 : u->second;
      cell.per_1000 = cell.units == 0 ? 0 : 1000.0 * static_cast<double>(failures) / cell.units;
      per[i].push_back(std::move(cell));
    }
  });
  std::vector<CohortCell> out;
  for (size_t i = 0; i < per.size(); ++i) {
    FG_RETURN_IF_ERROR(errors[i]);
    for (auto& c : per[i]) out.push_back(std::move(c));
  }
  return out;
}

int64_t MonthsBetween(int64_t from, int64_t to) {
  return (to / 100 - from / 100) * 12 + (to % 100 - from % 100);
}

Result<CohortMatrix> CohortMatrixOf(const GraphStore& store, const std::string& product,
                                    const std::string& component) {
  CohortMatrix out;
  out.product = product;
  out.component = component;
  auto shipped = store.BucketsOf(BucketSeries::kInstalled, product, "");
  if (!shipped.ok()) return shipped.status();
  auto cells = store.BucketsOf(BucketSeries::kCohortFailures, product, component);
  if (!cells.ok()) return cells.status();
  auto failures = store.BucketsOf(BucketSeries::kFailures, product, component);
  if (!failures.ok()) return failures.status();
  for (const auto& [month, units] : *shipped) out.as_of_month = std::max(out.as_of_month, month);
  for (const auto& [month, n] : *failures) out.as_of_month = std::max(out.as_of_month, month);
  std::map<int64_t, std::map<int64_t, uint64_t>> by_cohort;  // ship month -> age -> failures
  for (const auto& [period, n] : *cells) {
    const int64_t ship = period / 1000, age = period % 1000;
    by_cohort[ship][age] += n;
    out.as_of_month = std::max(out.as_of_month, ship);
    // A failure dated after the last month seen moves it (its age says when).
    const int64_t index = (ship / 100) * 12 + ship % 100 - 1 + age;
    out.as_of_month = std::max(out.as_of_month, (index / 12) * 100 + index % 12 + 1);
  }
  for (const auto& [month, units] : *shipped) {
    if (units == 0) continue;
    CohortRow row;
    row.ship_month = month;
    row.units = units;
    row.observed_months = MonthsBetween(month, out.as_of_month) + 1;
    row.failures.assign(static_cast<size_t>(row.observed_months), 0);
    if (auto it = by_cohort.find(month); it != by_cohort.end()) {
      for (const auto& [age, n] : it->second)
        if (age < row.observed_months) row.failures[static_cast<size_t>(age)] += n;
      by_cohort.erase(it);
    }
    uint64_t so_far = 0;
    for (uint64_t n : row.failures) {
      so_far += n;
      row.cumulative_per_1000.push_back(1000.0 * static_cast<double>(so_far) /
                                        static_cast<double>(units));
    }
    out.rows.push_back(std::move(row));
  }
  for (const auto& [ship, ages] : by_cohort)
    for (const auto& [age, n] : ages) out.unplaced += n;
  return out;
}

}  // namespace faultgraph::analytics
