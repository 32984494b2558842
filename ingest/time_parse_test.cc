#include "ingest/time_parse.h"

#include <gtest/gtest.h>

namespace faultgraph::ingest {

TEST(ParseTime, IsoFormsAreUtc) {
  EXPECT_EQ(*ParseTime("1970-01-02", ""), 86'400'000);
  EXPECT_EQ(*ParseTime("2024-03-01 14:30:00", ""), 1'709'303'400'000);
  EXPECT_EQ(*ParseTime("2024-03-01T14:30:00Z", ""), 1'709'303'400'000);
  EXPECT_EQ(*ParseTime("2024/03/01 14:30", ""), 1'709'303'400'000);
  EXPECT_EQ(*ParseTime("2024-03-01T22:30:00+0800", ""), 1'709'303'400'000);
  // Fractional seconds, any number of digits, kept to the millisecond.
  EXPECT_EQ(*ParseTime("2024-03-01T14:30:00.000000", ""), 1'709'303'400'000);
  EXPECT_EQ(*ParseTime("2024-03-01 14:30:00.25", ""), 1'709'303'400'250);
  EXPECT_EQ(*ParseTime("2024-03-01T14:30:00.123456Z", ""), 1'709'303'400'123);
  EXPECT_FALSE(ParseTime("2024-03-01T14:30:00.", "").ok());
}

TEST(ParseTime, ExplicitFormatsAndEpochs) {
  EXPECT_EQ(*ParseTime("01.03.2024", "%d.%m.%Y"), 1'709'251'200'000);
  EXPECT_EQ(*ParseTime("1709303400", "epoch_s"), 1'709'303'400'000);
  EXPECT_EQ(*ParseTime("1709303400123", "epoch_ms"), 1'709'303'400'123);
}

TEST(ParseTime, RejectsWithTheTextAndTheFormat) {
  auto r = ParseTime("2024-13-45", "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'2024-13-45' is not a date"), std::string::npos);
  r = ParseTime("2024-02-30", "%Y-%m-%d");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'%Y-%m-%d'"), std::string::npos);
  EXPECT_FALSE(ParseTime("2024-03-01 trailing", "").ok());
  EXPECT_FALSE(ParseTime("12x", "epoch_s").ok());
}

}  // namespace faultgraph::ingest
