// Failure rates normalised by the installed base, and a change detector
// that raises an alert when a product x component rate rises significantly
// above its trailing baseline (one-sided exact test of two Poisson rates:
// the month's share of the failures is binomial given the total).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::analytics {

struct TrendOptions {
  std::string product;        // empty: every product
  std::string component;      // empty: every component of the product(s)
  int baseline_months = 6;    // the trailing window the rate is compared with
  double alpha = 0.001;       // false-alarm probability of one monthly test
  uint64_t min_failures = 3;  // fewer failures in a month never alert
  size_t max_evidence = 10;   // case ids shown per alert
};

struct RatePoint {
  int64_t month = 0;       // yyyymm
  uint64_t failures = 0;   // cases diagnosed with the component, opened that month
  uint64_t installed = 0;  // units shipped up to the end of the month
  double per_1000 = 0;     // failures per 1,000 units in service that month
};

struct RateSeries {
  std::string product, component;
  std::vector<RatePoint> points;
};

struct TrendAlert {
  std::string product, component;
  int64_t month = 0;           // the first month of a significant rise
  int64_t months_flagged = 0;  // consecutive significant months from there
  double rate_before = 0;      // per 1,000 units per month, trailing baseline
  double rate_after = 0;       // per 1,000 units, the alert month
  uint64_t failures = 0;
  double expected = 0;                // at the baseline rate
  double p_value = 0;                 // one-sided, conditional binomial (see above)
  std::vector<std::string> evidence;  // cases of that month
};

struct TrendReport {
  std::vector<RateSeries> series;
  std::vector<TrendAlert> alerts;  // most significant first
  uint64_t tests = 0;              // monthly tests run: expected false alarms = tests * alpha
};

Result<TrendReport> DefectTrends(const graph::GraphStore& store, const TrendOptions& o);

// Failures by shipment cohort and age: of the units of a product shipped in
// one month, how many failed with the component k months after shipment,
// per 1,000 of them. A cohort worse than its neighbours at the same age
// points at a production batch; a rise with age at wear-out.
struct CohortOptions {
  std::string product, component;  // empty: every one with cases
};
struct CohortCell {
  std::string product, component;
  int64_t ship_month = 0;         // yyyymm
  int64_t months_in_service = 0;  // 0: the month it shipped
  uint64_t failures = 0;
  uint64_t units = 0;  // shipped in ship_month
  double per_1000 = 0;
};
// Cells with failures, by product, component, cohort, age. Cases whose
// asset's shipment was unknown when they were loaded are not in any cohort.
Result<std::vector<CohortCell>> CohortRates(const graph::GraphStore& store, const CohortOptions& o);

// The same facts as a matrix for one product x component: one row per
// month in which units shipped (failures or not), one column per month in
// service, up to the months the cohort has been observed. Empty cells past
// a cohort's observation mean "not yet seen", never "no failures".
struct CohortRow {
  int64_t ship_month = 0;          // yyyymm
  uint64_t units = 0;              // shipped that month
  int64_t observed_months = 0;     // ages 0 .. observed_months - 1 have been seen
  std::vector<uint64_t> failures;  // per age, observed_months of them
  // Failures up to and including each age, per 1,000 units of the cohort.
  std::vector<double> cumulative_per_1000;
};
struct CohortMatrix {
  std::string product, component;
  // The last month seen: the later of the last shipment and the last
  // failure of the pair (as the trend series ends).
  int64_t as_of_month = 0;
  std::vector<CohortRow> rows;  // oldest cohort first
  uint64_t unplaced = 0;        // failures of cohorts with no units on record
};
Result<CohortMatrix> CohortMatrixOf(const graph::GraphStore& store, const std::string& product,
                                    const std::string& component);

// Months from `from` to `to` (yyyymm): 0 for the same month.
int64_t MonthsBetween(int64_t from, int64_t to);

// P(X >= k) for X ~ Binomial(n, p).
double BinomialUpperTail(uint64_t k, uint64_t n, double p);

}  // namespace faultgraph::analytics
