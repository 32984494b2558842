#include "common/status.h"

#include <gtest/gtest.h>

#include <stdexcept>

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

TEST(Status, NamesTheNewCodes) {
  EXPECT_EQ(Status::Unavailable("no index").ToString(), "Unavailable: no index");
  EXPECT_TRUE(Status::Unavailable("x").IsUnavailable());
  EXPECT_EQ(Status::FailedPrecondition("run it first").ToString(),
            "FailedPrecondition: run it first");
  EXPECT_EQ(Status::Internal("bug").code(), Status::Code::kInternal);
}

// An exception thrown on a thread becomes a value instead of ending the
// process.
TEST(Status, ExceptionsBecomeInternal) {
  Status s = CatchExceptions("pump", []() -> Status { throw std::out_of_range("stoull"); });
  EXPECT_EQ(s.ToString(), "Internal: pump: stoull");
  Result<int> r = CatchExceptions("shard 1", []() -> Result<int> { throw 42; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal);
  EXPECT_NE(r.status().message().find("shard 1"), std::string::npos);
  EXPECT_EQ(*CatchExceptions("ok", []() -> Result<int> { return 7; }), 7);
}

TEST(Hash, IsStableAcrossRuns) {
  // Known FNV-1a 64 vectors.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Hex64(0xaf63dc4c8601ec8cull), "af63dc4c8601ec8c");
}

}  // namespace faultgraph
