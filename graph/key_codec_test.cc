#include "graph/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "graph/schema.h"

namespace faultgraph::graph {

TEST(KeyCodec, StringsOrderComponentByComponent) {
  // "a" then "b" must sort before "a\0" then anything, and before "ab".
  std::string k1 = KeyBuilder().Str("a").Str("zzz").Take();
  std::string k2 = KeyBuilder().Str(std::string("a\0", 2)).Str("a").Take();
  std::string k3 = KeyBuilder().Str("ab").Str("").Take();
  EXPECT_LT(k1, k2);
  EXPECT_LT(k2, k3);
}

TEST(KeyCodec, RoundTripsEmbeddedZeroAndHighBytes) {
  std::string weird("x\0\xff\x01y", 5);
  std::string key = KeyBuilder().Tag(7).Str(weird).U64(42).I64(-5).Str("空调").Take();
  KeyReader r(key);
  uint8_t tag;
  std::string s, zh;
  uint64_t u;
  int64_t i;
  ASSERT_TRUE(r.Tag(&tag) && r.Str(&s) && r.U64(&u) && r.I64(&i) && r.Str(&zh));
  EXPECT_EQ(tag, 7);
  EXPECT_EQ(s, weird);
  EXPECT_EQ(u, 42u);
  EXPECT_EQ(i, -5);
  EXPECT_EQ(zh, "空调");
  EXPECT_TRUE(r.done());
}

TEST(KeyCodec, OrdersByTimeWithinAsset) {
  std::vector<int64_t> times = {-86'400'000, -1, 0, 1, 1'700'000'000'000, 1'800'000'000'000};
  std::vector<std::string> keys_in_order;
  for (int64_t t : times) keys_in_order.push_back(keys::Timeline("SN1", t, "case", "c"));
  std::vector<std::string> shuffled = keys_in_order;
  std::mt19937 rng(1);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::sort(shuffled.begin(), shuffled.end());
  EXPECT_EQ(shuffled, keys_in_order);
  // Another asset whose serial extends this one sorts after all of them.
  EXPECT_LT(keys_in_order.back(), keys::Timeline("SN10", -1'000'000, "case", "c"));
}

TEST(KeyCodec, PrefixOfComponentsIsBytePrefix) {
  std::string prefix = keys::EdgePrefix(EdgeType::kCausedBy, "*", "AC:E4");
  std::string full = keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "compressor");
  EXPECT_EQ(full.compare(0, prefix.size(), prefix), 0);
  // A different 'from' that merely starts with the same characters is not inside the prefix.
  std::string other = keys::Edge(EdgeType::kCausedBy, "*", "AC:E45", "x");
  EXPECT_NE(other.compare(0, prefix.size(), prefix), 0);
}

TEST(KeyCodec, PrefixSuccessorBoundsThePrefix) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(KeyCodec, MalformedKeyFailsToRead) {
  std::string key("abc", 3);  // no terminator; outlives the reader, which keeps a view
  KeyReader r(key);
  std::string s;
  EXPECT_FALSE(r.Str(&s));
  uint64_t u;
  EXPECT_FALSE(KeyReader("1234").U64(&u));
}

TEST(Schema, MonthAndWeekBuckets) {
  EXPECT_EQ(MonthOf(0), 197001);
  EXPECT_EQ(MonthOf(1'700'000'000'000), 202311);  // 2023-11-14
  // 2026-11-23 and 2026-11-29 (Monday..Sunday) share a week; 2026-11-30 starts the next.
  int64_t mon = 1'795'392'000'000;  // 2026-11-23T00:00:00Z
  EXPECT_EQ(WeekOf(mon), WeekOf(mon + 6 * 86'400'000 + 86'399'000));
  EXPECT_EQ(WeekOf(mon) + 1, WeekOf(mon + 7 * 86'400'000));
  EXPECT_EQ(WeekOf(mon - 1) + 1, WeekOf(mon));
}

TEST(Schema, EdgeTypeNamesRoundTrip) {
  EXPECT_EQ(ParseEdgeType("caused-by"), EdgeType::kCausedBy);
  EXPECT_EQ(EdgeTypeName(EdgeType::kHasPart), "HAS_PART");
  EXPECT_FALSE(ParseEdgeType("LIKES").has_value());
}

}  // namespace faultgraph::graph
