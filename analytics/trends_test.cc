#include "analytics/trends.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "analytics/test_fleet.h"

namespace faultgraph::analytics {
namespace {

TEST(BinomialTail, MatchesTheDirectSum) {
  EXPECT_NEAR(BinomialUpperTail(8, 10, 0.5), 56.0 / 1024, 1e-15);
  EXPECT_EQ(BinomialUpperTail(0, 10, 0.3), 1.0);
  EXPECT_EQ(BinomialUpperTail(11, 10, 0.3), 0.0);
  for (auto [k, n, p] : std::vector<std::tuple<uint64_t, uint64_t, double>>{
           {3, 40, 0.02}, {30, 4000, 0.005}, {900, 5000, 0.15}, {60, 200, 0.14}, {1, 1, 0.5}}) {
    double direct = 0;
    for (uint64_t i = k; i <= n; ++i)
      direct += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                         i * std::log(p) + (n - i) * std::log1p(-p));
    EXPECT_NEAR(BinomialUpperTail(k, n, p), std::min(1.0, direct), 1e-12 + 1e-9 * direct)
        << k << " of " << n << " at " << p;
  }
}

// 1,000 units shipped in January 2023. The compressor fails once a month
// until August and 12 times in September; the fan once a month throughout.
class TrendsTest : public TestFleet {
 protected:
  void SetUp() override {
    TestFleet::SetUp();
    Product("AC-1");
    Ship("AC-1", "U", 1000, Day(2023, 1, 1));
    std::vector<TestCase> cases;
    int unit = 0;
    auto fail = [&](const std::string& comp, int month, int n) {
      for (int i = 0; i < n; ++i, ++unit) {
        std::string id = comp + "-" + std::to_string(month) + "-" + std::to_string(i);
        cases.push_back({id,
                         "U-" + std::to_string(unit),
                         Day(2023, month, 3 + i),
                         Day(2023, month, 4 + i),
                         {comp},
                         {"F"}});
      }
    };
    for (int m = 1; m <= 8; ++m) fail("COMP", m, 1);
    fail("COMP", 9, 12);
    for (int m = 1; m <= 9; ++m) fail("FAN", m, 1);
    Cases(cases);
  }
};

TEST_F(TrendsTest, RatesPerThousandUnitsInService) {
  TrendOptions o;
  o.product = "AC-1";
  o.component = "COMP";
  auto r = DefectTrends(*store_, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->series.size(), 1u);
  const auto& pts = r->series[0].points;
  ASSERT_EQ(pts.size(), 9u);  // January to September
  EXPECT_EQ(pts[0].month, 202301);
  EXPECT_EQ(pts[0].installed, 1000u);
  EXPECT_EQ(pts[0].failures, 1u);
  EXPECT_DOUBLE_EQ(pts[0].per_1000, 1.0);
  EXPECT_EQ(pts[8].month, 202309);
  EXPECT_EQ(pts[8].failures, 12u);
  EXPECT_DOUBLE_EQ(pts[8].per_1000, 12.0);
}

TEST_F(TrendsTest, ARiseAlertsOnceWithItsCasesAndAFlatRateNever) {
  auto r = DefectTrends(*store_, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->series.size(), 2u);
  // Each pair is tested from the seventh month on (six of baseline).
  EXPECT_EQ(r->tests, 6u);
  ASSERT_EQ(r->alerts.size(), 1u) << "the fan's flat rate must not alert";
  const TrendAlert& a = r->alerts[0];
  EXPECT_EQ(a.component, "COMP");
  EXPECT_EQ(a.month, 202309);
  EXPECT_EQ(a.months_flagged, 1);
  EXPECT_EQ(a.failures, 12u);
  EXPECT_NEAR(a.rate_before, 1.0, 1e-12);  // 6 failures over 6,000 unit-months
  EXPECT_NEAR(a.expected, 1.0, 1e-12);
  EXPECT_LT(a.p_value, 0.001);
  EXPECT_EQ(a.evidence.size(), 10u);  // max_evidence of the 12
  for (const auto& id : a.evidence) EXPECT_EQ(id.rfind("COMP-9-", 0), 0u) << id;
}

TEST_F(TrendsTest, AStricterAlphaOrMinimumSilencesTheAlert) {
  TrendOptions o;
  o.min_failures = 13;
  auto r = DefectTrends(*store_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->alerts.empty());
  o = {};
  o.alpha = 1e-30;
  r = DefectTrends(*store_, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->alerts.empty());
}

class CohortTest : public TestFleet {};

TEST_F(CohortTest, FailuresByShipmentMonthAndAge) {
  Product("AC-1");
  Ship("AC-1", "A", 10, Day(2023, 1, 10));
  Ship("AC-1", "B", 20, Day(2023, 3, 1));
  Cases({{"a0", "A-0", Day(2023, 2, 15), Day(2023, 2, 16), {"COMP"}, {"F"}},
         {"b0", "B-0", Day(2023, 3, 20), Day(2023, 3, 21), {"COMP"}, {"F"}},
         {"b1", "B-1", Day(2023, 3, 25), Day(2023, 3, 26), {"COMP"}, {"F"}}});
  auto cells = CohortRates(*store_, {"AC-1", "COMP"});
  ASSERT_TRUE(cells.ok()) << cells.status().ToString();
  ASSERT_EQ(cells->size(), 2u);
  EXPECT_EQ((*cells)[0].ship_month, 202301);
  EXPECT_EQ((*cells)[0].months_in_service, 1);
  EXPECT_EQ((*cells)[0].failures, 1u);
  EXPECT_EQ((*cells)[0].units, 10u);
  EXPECT_DOUBLE_EQ((*cells)[0].per_1000, 100.0);
  EXPECT_EQ((*cells)[1].ship_month, 202303);
  EXPECT_EQ((*cells)[1].months_in_service, 0);
  EXPECT_EQ((*cells)[1].failures, 2u);
  EXPECT_EQ((*cells)[1].units, 20u);
  EXPECT_DOUBLE_EQ((*cells)[1].per_1000, 100.0);
}

// The matrix keeps a cohort without failures (its units are its
// exposure), leaves the months a cohort has not reached empty, and adds up
// the failures per 1,000 units with age.
TEST_F(CohortTest, MatrixHasEveryShippedCohortAndOnlyTheMonthsItWasSeen) {
  Product("AC-1");
  Ship("AC-1", "A", 10, Day(2023, 1, 10));
  Ship("AC-1", "B", 20, Day(2023, 3, 1));
  Ship("AC-1", "C", 5, Day(2023, 2, 1));  // never fails
  Cases({{"a0", "A-0", Day(2023, 2, 15), Day(2023, 2, 16), {"COMP"}, {"F"}},
         {"a1", "A-1", Day(2023, 4, 2), Day(2023, 4, 3), {"COMP"}, {"F"}},
         {"b0", "B-0", Day(2023, 3, 20), Day(2023, 3, 21), {"COMP"}, {"F"}},
         {"b1", "B-1", Day(2023, 3, 25), Day(2023, 3, 26), {"OTHER"}, {"F"}}});
  auto m = CohortMatrixOf(*store_, "AC-1", "COMP");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->as_of_month, 202304);  // the last failure of the pair
  ASSERT_EQ(m->rows.size(), 3u);
  const CohortRow& jan = m->rows[0];
  EXPECT_EQ(jan.ship_month, 202301);
  EXPECT_EQ(jan.units, 10u);
  EXPECT_EQ(jan.observed_months, 4);  // Jan, Feb, Mar, Apr
  EXPECT_EQ(jan.failures, (std::vector<uint64_t>{0, 1, 0, 1}));
  EXPECT_EQ(jan.cumulative_per_1000, (std::vector<double>{0, 100, 100, 200}));
  const CohortRow& feb = m->rows[1];
  EXPECT_EQ(feb.ship_month, 202302);
  EXPECT_EQ(feb.units, 5u);
  EXPECT_EQ(feb.failures, (std::vector<uint64_t>{0, 0, 0}));  // seen three months, no failure
  const CohortRow& mar = m->rows[2];
  EXPECT_EQ(mar.observed_months, 2);
  EXPECT_EQ(mar.failures, (std::vector<uint64_t>{1, 0}));  // B-1's was another component
  EXPECT_DOUBLE_EQ(mar.cumulative_per_1000[1], 50.0);
  EXPECT_EQ(m->unplaced, 0u);

  auto none = CohortMatrixOf(*store_, "AC-2", "COMP");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->rows.empty());
}

TEST(MonthsBetween, CountsAcrossYears) {
  EXPECT_EQ(MonthsBetween(202301, 202301), 0);
  EXPECT_EQ(MonthsBetween(202311, 202402), 3);
  EXPECT_EQ(MonthsBetween(202012, 202501), 49);
}

}  // namespace
}  // namespace faultgraph::analytics
