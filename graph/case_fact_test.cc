#include "graph/case_fact.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <map>
#include <random>

#include "common/test_dir.h"
#include "graph/fact_scan.h"
#include "graph/graph_store.h"
#include "graph/raw_batch_writes.h"

namespace faultgraph::graph {
namespace {

CaseFact Sample() {
  CaseFact f;
  f.product = "AC-350";
  f.region = "华南";
  f.closed_ms = 1'700'000'000'123;
  f.satisfaction = 4.5;
  f.ship_month = 202403;
  f.customer = "CUST-0042";
  f.components = {"COMP-R32A", "FAN-7"};
  f.symptoms = {"AC:E4", "sym:no_cooling"};
  f.fixes = {"FX-REGAS"};
  return f;
}

TEST(CaseFactCodec, RoundTripsEveryField) {
  CaseFact in = Sample(), out;
  ASSERT_TRUE(DecodeCaseFact(EncodeCaseFact(in), &out));
  EXPECT_EQ(out.product, in.product);
  EXPECT_EQ(out.region, in.region);
  EXPECT_EQ(out.closed_ms, in.closed_ms);
  EXPECT_EQ(out.satisfaction, in.satisfaction);
  EXPECT_EQ(out.ship_month, in.ship_month);
  EXPECT_EQ(out.customer, in.customer);
  EXPECT_EQ(out.components, in.components);
  EXPECT_EQ(out.symptoms, in.symptoms);
  EXPECT_EQ(out.fixes, in.fixes);
  CaseFact empty;
  ASSERT_TRUE(DecodeCaseFact(EncodeCaseFact(CaseFact{}), &empty));
  EXPECT_EQ(empty.satisfaction, -1);
  EXPECT_TRUE(empty.components.empty());
}

TEST(CaseFactCodec, RejectsTruncatedTrailingAndForeignData) {
  std::string enc = EncodeCaseFact(Sample());
  CaseFact out;
  for (size_t n = 0; n < enc.size(); ++n)
    EXPECT_FALSE(DecodeCaseFact(enc.substr(0, n), &out)) << "prefix of " << n << " bytes";
  EXPECT_FALSE(DecodeCaseFact(enc + "x", &out));
  std::string other = enc;
  other[0] = 9;  // an unknown version
  EXPECT_FALSE(DecodeCaseFact(other, &out));
}

// The recurrence with early stop against the textbook sum of logs.
class FactScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<TestDir>();
    auto r = GraphStore::Open(tmp_->Path("db"));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    store_ = std::move(r).value();
  }
  std::unique_ptr<TestDir> tmp_;
  std::unique_ptr<GraphStore> store_;
};

TEST_F(FactScanTest, CallIndexFindsEveryCaseAndNothingElse) {
  std::mt19937 rng(7);
  std::map<std::string, std::vector<int64_t>> expected;
  GraphBatch b = store_->NewBatch();
  for (int c = 0; c < 5000; ++c) {
    std::string id = "T" + std::to_string(100000 + c);
    int calls = static_cast<int>(rng() % 4);  // 0..3
    for (int k = 0; k < calls; ++k) {
      int64_t t = 1'700'000'000'000 + static_cast<int64_t>(rng() % 1'000'000'000);
      RawBatchWrites::Put(b, Cf::kFact, keys::ContactFact(id, t, "CDR" + std::to_string(c * 10 + k)), "");
      expected[id].push_back(t);
    }
  }
  ASSERT_TRUE(store_->Commit(b).ok());
  auto index = CallIndex::Load(*store_);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  for (auto& [id, times] : expected) {
    std::sort(times.begin(), times.end());
    auto got = index->CallsOf(id);
    EXPECT_EQ(std::vector<int64_t>(got.begin(), got.end()), times) << id;
  }
  EXPECT_TRUE(index->CallsOf("T999999").empty());
  EXPECT_TRUE(index->CallsOf("").empty());
}

TEST_F(FactScanTest, AssetHistoriesComeWholeAndInTimeOrder) {
  GraphBatch b = store_->NewBatch();
  std::map<std::string, size_t> per_asset;
  for (int c = 0; c < 3000; ++c) {
    std::string asset = c % 7 == 0 ? "" : "SN" + std::to_string(c % 500);
    CaseFact f;
    f.product = "P";
    RawBatchWrites::Put(b, Cf::kFact, keys::CaseFact(asset, 1000 - c, "C" + std::to_string(c)), EncodeCaseFact(f));
    if (!asset.empty()) ++per_asset[asset];
  }
  ASSERT_TRUE(store_->Commit(b).ok());
  std::mutex mu;
  std::map<std::string, size_t> seen;
  std::atomic<size_t> rows{0}, no_asset{0};
  Status s = ForEachAssetHistory(*store_, [&](int, std::span<const CaseFactRow> cases) {
    rows += cases.size();
    for (size_t i = 1; i < cases.size(); ++i) {
      EXPECT_EQ(cases[i].asset, cases[0].asset);
      EXPECT_LE(cases[i - 1].opened_ms, cases[i].opened_ms);
    }
    if (cases[0].asset.empty()) {
      EXPECT_EQ(cases.size(), 1u);  // cases without an asset have no history
      ++no_asset;
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(seen.count(cases[0].asset), 0u) << "asset split: " << cases[0].asset;
    seen[cases[0].asset] = cases.size();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(rows.load(), 3000u);
  EXPECT_EQ(no_asset.load(), 3000u / 7 + 1);
  EXPECT_EQ(seen, per_asset);
}

// A graph written before the facts existed has cases but no layout stamp:
// opening it must say so rather than answer analytics from nothing.
TEST(GraphSchema, OlderGraphIsRefusedWithAMessage) {
  TestDir tmp;
  {
    auto store = GraphStore::Open(tmp.Path("db"));
    ASSERT_TRUE(store.ok());
    GraphBatch b = (*store)->NewBatch();
    storage::DedupEntry e;
    e.version = "1";
    b.PutDedup("crm", "T1", e);
    RawBatchWrites::Delete(b, Cf::kFact, keys::SchemaVersion());
    ASSERT_TRUE((*store)->Commit(b).ok());
  }
  auto again = GraphStore::Open(tmp.Path("db"));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("layout version 1"), std::string::npos)
      << again.status().ToString();
  EXPECT_NE(again.status().message().find("load the sources again"), std::string::npos);
}

TEST(GraphSchema, NewGraphIsStampedAndReopens) {
  TestDir tmp;
  ASSERT_TRUE(GraphStore::Open(tmp.Path("db")).ok());
  auto again = GraphStore::Open(tmp.Path("db"));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

}  // namespace
}  // namespace faultgraph::graph
