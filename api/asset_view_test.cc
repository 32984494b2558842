// The asset 360 (issue 17 item 4): `asset AC00001898` left out the
// installed-base record and the fix of each case. assetView gives the
// record, the warranty, every case with whether its fix held, calls and
// alarms.
#include <gtest/gtest.h>

#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

constexpr int64_t kDay = 86'400'000LL;
constexpr int64_t kT0 = 1'704'067'200'000LL;  // 2024-01-01 00:00 UTC

ingest::Case MakeCase(const std::string& id, int64_t opened_day, int64_t closed_day,
                      const std::string& component, const std::string& fix) {
  ingest::Case c;
  c.case_id = id;
  c.asset_serial = "S1";
  c.opened_ms = kT0 + opened_day * kDay;
  c.closed_ms = closed_day < 0 ? 0 : kT0 + closed_day * kDay;
  c.symptom_text = "不制冷";
  c.components = {component};
  c.fixes = {fix};
  return c;
}

class AssetViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    std::vector<ingest::Record> recs;
    recs.push_back({"erp", "AC-1", "1",
                    ingest::Product{"AC-1", "AC one 空调", "AC", "", {{"warranty_months", "24"}}}});
    recs.push_back({"erp", "COMP", "1", ingest::Component{"COMP", "Compressor 压缩机", ""}});
    recs.push_back(
        {"erp", "S1", "1", ingest::Asset{"S1", "AC-1", kT0, kT0 + 10 * kDay, "CUST-1", "华东"}});
    Apply("erp", std::move(recs));
    recs.push_back({"crm", "T1", "1", MakeCase("T1", 100, 101, "COMP", "FX-1")});  // came back
    recs.push_back({"crm", "T2", "1", MakeCase("T2", 110, 111, "COMP", "FX-2")});  // failed
    recs.push_back({"crm", "T3", "1", MakeCase("T3", 200, 201, "FAN", "FX-3")});   // held
    recs.push_back({"crm", "T4", "1", MakeCase("T4", 395, 396, "COMP", "FX-1")});  // too early
    recs.push_back({"crm", "T5", "1", MakeCase("T5", 399, -1, "FAN", "FX-3")});    // open
    Apply("crm", std::move(recs));
    recs.push_back({"cc", "CALL1", "1",
                    ingest::Contact{"CALL1", kT0 + 100 * kDay, "K", "S1", "T1", 60, "空调坏了"}});
    recs.push_back({"cc", "CALL2", "1",
                    ingest::Contact{"CALL2", kT0 + 110 * kDay, "K", "S1", "T2", 60, "又坏了"}});
    Apply("cc", std::move(recs));
    recs.push_back({"iot", "A1", "1",
                    ingest::SensorEvent{"S1", kT0 + 99 * kDay, "LOW_PRESSURE", "suction_bar", 2.9,
                                        "critical"}});
    Apply("iot", std::move(recs));
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), nullptr);
    OutcomeRequest o;
    o.caseId = "T2";
    o.fix = "FX-2";
    o.worked = false;
    Outcome recorded;
    handler_->recordOutcome(recorded, o);
  }

  void Apply(const std::string& source, std::vector<ingest::Record> recs) {
    static int batch = 0;
    auto r = pipeline_->ApplyRecords(source, "s", std::move(recs), std::to_string(++batch));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<Handler> handler_;
};

TEST_F(AssetViewTest, InstalledBaseWarrantyCasesCallsAndAlarms) {
  AssetView v;
  handler_->AssetViewAt(v, "s1", 20, kT0 + 400 * kDay);
  EXPECT_EQ(v.serial, "S1");
  EXPECT_TRUE(v.installedBase);
  EXPECT_EQ(v.product, "AC-1");
  EXPECT_EQ(v.productName, "AC one 空调");
  EXPECT_EQ(v.shippedMs, kT0);
  EXPECT_EQ(v.installedMs, kT0 + 10 * kDay);
  EXPECT_EQ(v.customerKey, "CUST-1");
  EXPECT_EQ(v.region, "华东");
  // 24 months from the installation (2024-01-11): 2026-01-11.
  EXPECT_EQ(v.warrantyMonths, 24);
  EXPECT_EQ(v.warrantyEndsMs, 1'768'089'600'000LL);
  EXPECT_EQ(v.warranty, "in warranty");

  EXPECT_EQ(v.casesTotal, 5);
  EXPECT_EQ(v.openCases, 1);
  ASSERT_EQ(v.cases.size(), 5u);
  std::vector<std::string> ids, held;
  for (const auto& c : v.cases) {
    ids.push_back(c.caseId);
    held.push_back(c.fixHeld);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"T5", "T4", "T3", "T2", "T1"}));  // newest first
  EXPECT_EQ(held, (std::vector<std::string>{"open", "too early", "held", "failed", "came back"}));
  EXPECT_NE(v.cases[4].fixHeldWhy.find("case T2 with COMP 9 days"), std::string::npos)
      << v.cases[4].fixHeldWhy;
  EXPECT_NE(v.cases[3].fixHeldWhy.find("FX-2 did not hold"), std::string::npos)
      << v.cases[3].fixHeldWhy;
  EXPECT_EQ(v.cases[4].componentNames, std::vector<std::string>{"Compressor 压缩机"});

  EXPECT_EQ(v.callsTotal, 2);
  ASSERT_EQ(v.calls.size(), 2u);
  EXPECT_EQ(v.calls[0].id, "CALL2");
  EXPECT_EQ(v.calls[0].summary, "又坏了");
  EXPECT_EQ(v.alarmsTotal, 1);
  ASSERT_EQ(v.alarms.size(), 1u);
  EXPECT_EQ(v.alarms[0].summary, "LOW_PRESSURE suction_bar = 2.9 (critical)");
}

TEST_F(AssetViewTest, WarrantyExpiresAndListsAreCutAtTheLimitWithTheirTotals) {
  AssetView v;
  handler_->AssetViewAt(v, "S1", 2, kT0 + 800 * kDay);
  EXPECT_EQ(v.warranty, "expired");
  EXPECT_EQ(v.casesTotal, 5);
  ASSERT_EQ(v.cases.size(), 2u);
  EXPECT_EQ(v.cases[1].fixHeld, "held");  // T4, now long enough ago
  EXPECT_EQ(v.openCases, 1);
  EXPECT_EQ(v.callsTotal, 2);
  EXPECT_EQ(v.calls.size(), 2u);
}

TEST_F(AssetViewTest, AnAssetKnownOnlyFromACaseAndOnesThatAreNotThere) {
  std::vector<ingest::Record> recs;
  ingest::Case c = MakeCase("T9", 10, 11, "COMP", "FX-1");
  c.asset_serial = "S9";
  c.product = "AC-1";
  recs.push_back({"crm", "T9", "1", c});
  Apply("crm", std::move(recs));
  AssetView v;
  handler_->AssetViewAt(v, "S9", 20, kT0 + 400 * kDay);
  EXPECT_FALSE(v.installedBase);
  EXPECT_EQ(v.product, "AC-1");
  EXPECT_EQ(v.warranty, "unknown");  // no ship or install date
  EXPECT_EQ(v.casesTotal, 1);
  AssetView none;
  EXPECT_THROW(handler_->AssetViewAt(none, "XX123", 20, kT0), NotFound);
  EXPECT_THROW(handler_->AssetViewAt(none, "S1", 0, kT0), BadRequest);
}

}  // namespace
}  // namespace faultgraph::api
