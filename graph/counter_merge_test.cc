#include "graph/counter_merge.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>

#include "common/test_dir.h"

namespace faultgraph::graph {

class CounterMergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<TestDir>();
    dir_ = tmp_->Path("db");
    rocksdb::Options o;
    o.create_if_missing = true;
    o.merge_operator = NewCounterMergeOperator();
    rocksdb::DB* db;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_.string(), &db).ok());
    db_.reset(db);
  }
  void TearDown() override { db_.reset(); }
  uint64_t Read(const std::string& key) {
    std::string v;
    auto s = db_->Get({}, key, &v);
    return s.ok() ? DecodeCounter(v) : 0;
  }
  std::unique_ptr<TestDir> tmp_;
  std::filesystem::path dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(CounterMergeTest, AddsAcrossMemtableAndFlush) {
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(3)).ok());
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(4)).ok());
  EXPECT_EQ(Read("k"), 7u);
  ASSERT_TRUE(db_->Flush({}).ok());
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(10)).ok());
  EXPECT_EQ(Read("k"), 17u);
  ASSERT_TRUE(db_->CompactRange({}, nullptr, nullptr).ok());
  EXPECT_EQ(Read("k"), 17u);
}

TEST_F(CounterMergeTest, NegativeDeltaRetracts) {
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(5)).ok());
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(static_cast<uint64_t>(int64_t{-2}))).ok());
  EXPECT_EQ(Read("k"), 3u);
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(static_cast<uint64_t>(int64_t{-3}))).ok());
  EXPECT_EQ(Read("k"), 0u);
}

TEST_F(CounterMergeTest, MergeOntoPutBase) {
  ASSERT_TRUE(db_->Put({}, "k", EncodeCounter(100)).ok());
  ASSERT_TRUE(db_->Merge({}, "k", EncodeCounter(1)).ok());
  EXPECT_EQ(Read("k"), 101u);
}

TEST(CounterCodec, MalformedValueReadsAsZero) {
  EXPECT_EQ(DecodeCounter("abc"), 0u);
  EXPECT_EQ(DecodeCounter(EncodeCounter(0x0102030405060708ull)), 0x0102030405060708ull);
}

}  // namespace faultgraph::graph
