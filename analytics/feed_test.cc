#include "analytics/feed.h"

#include <gtest/gtest.h>

#include <map>

#include "analytics/test_fleet.h"

namespace faultgraph::analytics {
namespace {

// 500 units; the compressor fails twice a month, then 14 times in
// September; one unit comes back three times with the same fix.
class FeedTest : public TestFleet {
 protected:
  void SetUp() override {
    TestFleet::SetUp();
    Product("AC-1");
    Ship("AC-1", "U", 500, Day(2023, 1, 1));
    std::vector<TestCase> cases;
    int unit = 10;
    for (int m = 1; m <= 9; ++m) {
      for (int i = 0; i < (m == 9 ? 14 : 2); ++i, ++unit) {
        cases.push_back({"c" + std::to_string(m) + "-" + std::to_string(i),
                         "U-" + std::to_string(unit),
                         Day(2023, m, 2 + i),
                         Day(2023, m, 3 + i),
                         {"COMP"},
                         {"F1"}});
      }
    }
    for (int k = 0; k < 4; ++k)  // U-0: back three times after F2
      cases.push_back({"r" + std::to_string(k),
                       "U-0",
                       Day(2023, 2, 1 + 7 * k),
                       Day(2023, 2, 2 + 7 * k),
                       {"VALVE"},
                       {"F2"}});
    Cases(cases);
  }
  std::map<std::string, std::string> Items() {  // key -> kind
    auto items = store_->ReadFeed(0, 1000);
    EXPECT_TRUE(items.ok());
    std::map<std::string, std::string> out;
    for (const auto& it : *items) out[it.key] = it.kind;
    return out;
  }
};

TEST_F(FeedTest, FindingsAreAppendedOnceEach) {
  auto n = RefreshFeed(*store_, {}, Day(2023, 10, 15));
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  auto items = Items();
  EXPECT_EQ(items.size(), *n);
  EXPECT_EQ(items["alert|AC-1|COMP|202309"], "alert");
  EXPECT_EQ(items["repeat|AC-1|VALVE|F2|2"], "repeat");  // 3 repeats: level 2
  EXPECT_EQ(items["snapshot|AC-1|COMP|202309"], "snapshot");
  // The valve's series ends with its last failure, in February.
  EXPECT_EQ(items["snapshot|AC-1|VALVE|202302"], "snapshot");
  EXPECT_EQ(*n, 4u);

  // Nothing new: nothing appended, a month later too (no newer complete
  // month has data), and the sequence runs on without gaps.
  auto again = RefreshFeed(*store_, {}, Day(2023, 10, 16));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  again = RefreshFeed(*store_, {}, Day(2023, 11, 20));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  auto all = store_->ReadFeed(0, 1000);
  ASSERT_TRUE(all.ok());
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i + 1));

  // A fourth return: the count reaching the next power of two reports the
  // repeat again, and the valve's series now ends in March.
  Cases({{"r4", "U-0", Day(2023, 3, 1), Day(2023, 3, 2), {"VALVE"}, {"F2"}}});
  auto more = RefreshFeed(*store_, {}, Day(2023, 11, 21));
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(*more, 2u);
  EXPECT_EQ(Items()["repeat|AC-1|VALVE|F2|4"], "repeat");
  EXPECT_EQ(Items()["snapshot|AC-1|VALVE|202303"], "snapshot");
}

TEST_F(FeedTest, ThresholdsKeepSmallRepeatsOut) {
  FeedOptions o;
  o.min_repeats = 4;
  auto n = RefreshFeed(*store_, o, Day(2023, 10, 15));
  ASSERT_TRUE(n.ok());
  for (const auto& [key, kind] : Items()) EXPECT_NE(kind, "repeat") << key;
}

TEST(FeedCursorTest, RoundTripsAndRefusesWhatItDidNotMake) {
  EXPECT_EQ(*ParseFeedCursor(""), 0u);
  for (uint64_t seq : {uint64_t{1}, uint64_t{42}, uint64_t{0xffffffffffffffff}})
    EXPECT_EQ(*ParseFeedCursor(FeedCursor(seq)), seq);
  for (std::string bad : {"bogus", "f1.", "f1.zz", "f1.-1", "f2.10", "f1.10000000000000000"}) {
    auto r = ParseFeedCursor(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("not a feed cursor"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace faultgraph::analytics
