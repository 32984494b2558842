#include "common/status.h"

#include <gtest/gtest.h>

#include "common/hash.h"

namespace faultgraph {

TEST(Status, CarriesCodeAndMessage) {
  Status s = Status::InvalidArgument("column 'opened': bad date");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.ToString(), "InvalidArgument: column 'opened': bad date");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad(Status::NotFound("x"));
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
}

TEST(Hash, IsStableAcrossRuns) {
  // Known FNV-1a 64 vectors.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Hex64(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
}

}  // namespace faultgraph
