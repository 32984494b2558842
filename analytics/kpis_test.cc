#include "analytics/kpis.h"

#include <gtest/gtest.h>

#include "analytics/test_fleet.h"

namespace faultgraph::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;

class KpisTest : public TestFleet {
 protected:
  void SetUp() override {
    TestFleet::SetUp();
    Product("AC-1");
    Product("WM-1", "WM");
    Ship("AC-1", "U", 3, Day(2022, 12, 1), "华南");
    Ship("WM-1", "W", 1, Day(2022, 12, 1), "华北");
    const int64_t jan1 = Day(2023, 1, 1), jan11 = Day(2023, 1, 11), jan5 = Day(2023, 1, 5);
    Cases({
        // U-0 back with the compressor 10 days after c1: c1 was not fixed
        // the first time, c2 is a repeat.
        {"c1", "U-0", jan1, jan1 + 10 * kHourMs, {"COMP"}, {"F1"}, 4},
        {"c2", "U-0", jan11, jan11 + 20 * kHourMs, {"COMP"}, {"F2"}, 2},
        {"c3", "U-1", jan5, jan5 + 5 * kHourMs, {"FAN"}, {"F3"}},
        {"c4", "U-2", Day(2023, 2, 1), 0, {"COMP"}, {}},
        {"w1", "W-0", Day(2023, 4, 2), Day(2023, 4, 3), {"PUMP"}, {"F9"}, 5},
    });
    Call("k1", "c3", jan5 - 30 * 60'000);  // 30 minutes before the ticket
    Call("k2", "c3", jan5 + kHourMs);
  }
  static const KpiRow* Group(const std::vector<KpiRow>& rows, const std::string& name) {
    for (const auto& r : rows) {
      if (r.group == name) return &r;
    }
    return nullptr;
  }
};

TEST_F(KpisTest, FirstTimeFixRepeatsMttrSatisfactionAndResponse) {
  auto rows = ComputeKpis(*store_, {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);  // AC-1, WM-1, all
  EXPECT_EQ(rows->back().group, "all");
  const KpiRow* ac = Group(*rows, "AC-1");
  ASSERT_NE(ac, nullptr);
  EXPECT_EQ(ac->cases, 4u);
  EXPECT_EQ(ac->closed, 3u);
  EXPECT_DOUBLE_EQ(ac->first_time_fix, 2.0 / 3);  // c2 and c3
  EXPECT_DOUBLE_EQ(ac->repeat_rate, 1.0 / 3);     // c2
  EXPECT_DOUBLE_EQ(ac->mttr_hours, 10);           // median of 10, 20, 5
  EXPECT_EQ(ac->rated, 2u);
  EXPECT_DOUBLE_EQ(ac->satisfaction, 3);
  EXPECT_DOUBLE_EQ(ac->response_minutes, 30);
  EXPECT_EQ(ac->contacted, 1u);
  EXPECT_EQ(ac->repeat_contacts, 1u);  // both calls before c3 closed
  const KpiRow* all = Group(*rows, "all");
  EXPECT_EQ(all->cases, 5u);
  EXPECT_EQ(all->rated, 3u);
  EXPECT_DOUBLE_EQ(all->satisfaction, 11.0 / 3);
  EXPECT_DOUBLE_EQ(Group(*rows, "WM-1")->response_minutes, -1) << "no call: no response time";
}

TEST_F(KpisTest, GroupsByPeriodAndRegionAndFilters) {
  KpiOptions o;
  o.by = "month";
  auto rows = ComputeKpis(*store_, o);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].group, "2023-01");
  EXPECT_EQ((*rows)[0].cases, 3u);
  EXPECT_EQ((*rows)[1].group, "2023-02");
  EXPECT_EQ((*rows)[2].group, "2023-04");

  o.by = "quarter";
  rows = ComputeKpis(*store_, o);
  ASSERT_TRUE(rows.ok());
  ASSERT_NE(Group(*rows, "2023-Q1"), nullptr);
  EXPECT_EQ(Group(*rows, "2023-Q1")->cases, 4u);
  EXPECT_EQ(Group(*rows, "2023-Q2")->cases, 1u);

  o.by = "region";
  rows = ComputeKpis(*store_, o);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Group(*rows, "华南")->cases, 4u);
  EXPECT_EQ(Group(*rows, "华北")->cases, 1u);

  // A window that leaves c1 out still judges c2 a repeat by the whole history.
  o = {};
  o.from_ms = Day(2023, 1, 2);
  o.to_ms = Day(2023, 2, 1);
  o.product = "AC-1";
  rows = ComputeKpis(*store_, o);
  ASSERT_TRUE(rows.ok());
  const KpiRow* ac = Group(*rows, "AC-1");
  ASSERT_NE(ac, nullptr);
  EXPECT_EQ(ac->cases, 2u);  // c2, c3
  EXPECT_DOUBLE_EQ(ac->repeat_rate, 0.5);
}

TEST_F(KpisTest, AnUnknownGroupingIsRefusedByName) {
  KpiOptions o;
  o.by = "week";
  auto rows = ComputeKpis(*store_, o);
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().IsInvalidArgument());
  EXPECT_NE(rows.status().message().find("'week'"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::analytics
