#include "analytics/repeats.h"

#include <gtest/gtest.h>

#include "analytics/test_fleet.h"

namespace faultgraph::analytics {
namespace {

class RepeatsTest : public TestFleet {
 protected:
  void SetUp() override {
    TestFleet::SetUp();
    Product("AC-1");
    Product("WM-1", "WM");
    Ship("AC-1", "U", 4, Day(2022, 12, 1));
    Ship("WM-1", "W", 1, Day(2022, 12, 1));
    const int64_t jan1 = Day(2023, 1, 1), jan2 = Day(2023, 1, 2);
    Cases({
        // U-0: the compressor back 18 days after F1: a repeat of F1.
        {"c1", "U-0", jan1, jan2, {"COMP"}, {"F1"}},
        {"c2", "U-0", Day(2023, 1, 20), Day(2023, 1, 21), {"COMP"}, {"F2"}},
        // U-1: back after 89 days: outside a 30-day window, inside 120.
        {"c3", "U-1", jan1, jan2, {"COMP"}, {"F1"}},
        {"c4", "U-1", Day(2023, 4, 1), Day(2023, 4, 2), {"COMP"}, {"F1"}},
        // U-2: another component first: no repeat of the compressor.
        {"c5", "U-2", jan1, jan2, {"FAN"}, {"F1"}},
        {"c6", "U-2", Day(2023, 1, 10), Day(2023, 1, 11), {"COMP"}, {"F1"}},
        // U-3: still open: no attempt yet.
        {"c7", "U-3", Day(2023, 2, 1), 0, {"COMP"}, {"F1"}},
        // Another product's repeat.
        {"w1", "W-0", jan1, jan2, {"PUMP"}, {"F9"}},
        {"w2", "W-0", Day(2023, 1, 5), Day(2023, 1, 6), {"PUMP"}, {"F9"}},
    });
  }

  static const RepeatRow* Find(const std::vector<RepeatRow>& rows, const std::string& component,
                               const std::string& fix) {
    for (const auto& r : rows) {
      if (r.component == component && r.fix == fix) return &r;
    }
    return nullptr;
  }
};

TEST_F(RepeatsTest, CountsAttemptsAndReturnsWithinTheWindow) {
  RepeatOptions o;
  o.product = "AC-1";
  auto rows = RepeatFailures(*store_, o);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);  // COMP/F1, COMP/F2, FAN/F1; the washer left out
  const RepeatRow& first = rows->front();
  EXPECT_EQ(first.component, "COMP");
  EXPECT_EQ(first.fix, "F1");
  EXPECT_EQ(first.attempts, 4u);  // c1, c3, c4, c6 closed with F1; c7 is open
  EXPECT_EQ(first.repeats, 1u);   // c2 after c1
  EXPECT_DOUBLE_EQ(first.rate, 0.25);
  ASSERT_EQ(first.chains.size(), 1u);
  EXPECT_EQ(first.chains[0], (std::vector<std::string>{"c1", "c2"}));
  const RepeatRow* f2 = Find(*rows, "COMP", "F2");
  ASSERT_NE(f2, nullptr);
  EXPECT_EQ(f2->attempts, 1u);
  EXPECT_EQ(f2->repeats, 0u);
  const RepeatRow* fan = Find(*rows, "FAN", "F1");
  ASSERT_NE(fan, nullptr);
  EXPECT_EQ(fan->repeats, 0u) << "a compressor after a fan is not the fan back";
}

TEST_F(RepeatsTest, AWiderWindowFindsTheLaterReturn) {
  RepeatOptions o;
  o.product = "AC-1";
  o.window_ms = 120 * kDayMs;
  auto rows = RepeatFailures(*store_, o);
  ASSERT_TRUE(rows.ok());
  const RepeatRow* f1 = Find(*rows, "COMP", "F1");
  ASSERT_NE(f1, nullptr);
  EXPECT_EQ(f1->repeats, 2u);
  EXPECT_EQ(f1->chains.size(), 2u);
}

TEST_F(RepeatsTest, EveryProductWithoutAFilterMostRepeatsFirst) {
  auto rows = RepeatFailures(*store_, {});
  ASSERT_TRUE(rows.ok());
  ASSERT_NE(Find(*rows, "PUMP", "F9"), nullptr);
  for (size_t i = 1; i < rows->size(); ++i)
    EXPECT_GE((*rows)[i - 1].repeats, (*rows)[i].repeats) << "row " << i;
}

TEST_F(RepeatsTest, RepeatContactsCountCallsBeforeTheClose) {
  Call("k1", "c1", Day(2023, 1, 1) + 3'600'000);
  Call("k2", "c1", Day(2023, 1, 1) + 7'200'000);
  Call("k3", "c1", Day(2023, 1, 3));  // after the close: not chasing it
  Call("k4", "c3", Day(2023, 1, 1) + 3'600'000);
  Call("k5", "c7", Day(2023, 2, 2));
  Call("k6", "c7", Day(2023, 2, 3));
  Call("k7", "c7", Day(2023, 2, 4));

  auto rows = RepeatContacts(*store_, {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);  // c3 had one call
  EXPECT_EQ((*rows)[0].case_id, "c7");
  EXPECT_EQ((*rows)[0].calls, 3u);
  EXPECT_EQ((*rows)[0].closed_ms, 0);
  EXPECT_EQ((*rows)[1].case_id, "c1");
  EXPECT_EQ((*rows)[1].calls, 2u);
  EXPECT_EQ((*rows)[1].first_call_ms, Day(2023, 1, 1) + 3'600'000);
  EXPECT_EQ((*rows)[1].last_call_ms, Day(2023, 1, 1) + 7'200'000);

  RepeatContactOptions open;
  open.open_only = true;
  rows = RepeatContacts(*store_, open);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].case_id, "c7");

  RepeatContactOptions three;
  three.min_calls = 3;
  rows = RepeatContacts(*store_, three);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
}

}  // namespace
}  // namespace faultgraph::analytics
