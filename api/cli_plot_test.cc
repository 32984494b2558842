#include "api/cli_plot.h"

#include <gtest/gtest.h>

#include <regex>

#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

TEST(NiceTicks, StepsOfOneTwoOrFive) {
  EXPECT_EQ(NiceTicks(7.3, 5), (std::vector<double>{0, 2, 4, 6, 8}));
  EXPECT_EQ(NiceTicks(10, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(NiceTicks(0.42, 5), (std::vector<double>{0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5}));
  EXPECT_EQ(NiceTicks(0, 5).back(), 1);  // an empty series still has an axis
  auto big = NiceTicks(1234, 5);
  EXPECT_EQ(big[1], 500);
  EXPECT_GE(big.back(), 1234);
}

api::RateSeries Series() {
  api::RateSeries s;
  s.product = "AC-350";
  s.component = "COMP";
  for (int m = 1; m <= 12; ++m) {
    api::RatePoint p;
    p.month = 202400 + m;
    p.installed = 1000;
    p.failures = m >= 10 ? 12 : 2;
    p.per1000 = static_cast<double>(p.failures);
    s.points.push_back(p);
  }
  return s;
}

api::TrendAlert Alert(int month) {
  api::TrendAlert a;
  a.product = "AC-350";
  a.component = "COMP";
  a.month = month;
  a.rateBefore = 2;
  a.rateAfter = 12;
  return a;
}

TEST(PlotRateSeries, AxisTitlesLegendBandAndAlertLabelsApart) {
  SetLang(Lang::kEn);
  api::TrendReport report;
  report.alerts = {Alert(202411), Alert(202410)};  // neighbouring months
  const std::string svg = PlotRateSeries(Series(), report, 6);
  EXPECT_NE(svg.find("month the case opened"), std::string::npos);
  EXPECT_NE(svg.find("failures per 1,000 units in service</text>"), std::string::npos);
  EXPECT_NE(svg.find("rotate(-90"), std::string::npos);
  EXPECT_NE(svg.find("monthly rate"), std::string::npos);
  EXPECT_NE(svg.find("expected from the 6 months before"), std::string::npos);
  EXPECT_NE(svg.find("class=\"expected-band\""), std::string::npos);
  // Each alert label on its own row: different y.
  std::regex label(
      "<text x=\"[0-9.]+\" y=\"([0-9.]+)\" class=\"alert-label\"[^>]*>alert ([0-9-]+)");
  std::vector<std::string> ys, months;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator();
       ++it) {
    ys.push_back((*it)[1]);
    months.push_back((*it)[2]);
  }
  ASSERT_EQ(ys.size(), 2u) << svg;
  EXPECT_NE(ys[0], ys[1]);
  EXPECT_EQ(months[0], "2024-10");  // oldest on the first row
  // y ticks are round numbers: 0, 5, 10, 15 for a top of 12 (band included).
  EXPECT_NE(svg.find("text-anchor=\"end\">5</text>"), std::string::npos) << svg;
  EXPECT_EQ(svg.find("text-anchor=\"end\">3.1</text>"), std::string::npos);
}

TEST(PlotRateSeries, InTheReadersLanguage) {
  SetLang(Lang::kZhCN);
  api::TrendReport report;
  report.alerts = {Alert(202410)};
  const std::string svg = PlotRateSeries(Series(), report, 6);
  SetLang(Lang::kEn);
  EXPECT_NE(svg.find("案例开单月份"), std::string::npos);
  EXPECT_NE(svg.find("告警 2024-10"), std::string::npos);
  EXPECT_NE(svg.find("按前 6 个月预期"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::cli
