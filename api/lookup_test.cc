// Lookups that forgive and agree (issue 17 item 3): ids as people type them
// find the graph's, and what does not exist is NotFound, with a hint when a
// near id exists.
#include <gtest/gtest.h>

#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

constexpr int64_t kT0 = 1700000000000LL;

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    std::vector<ingest::Record> recs;
    recs.push_back({"erp", "AC-1", "1", ingest::Product{"AC-1", "AC one", "AC", "", {}}});
    recs.push_back({"erp", "COMP", "1", ingest::Component{"COMP", "Compressor 压缩机", ""}});
    ASSERT_TRUE(pipeline_->ApplyRecords("master", "m", std::move(recs), "1").ok());
    ingest::Case c;
    c.case_id = "T1";
    c.product = "AC-1";
    c.asset_serial = "S1";
    c.opened_ms = kT0;
    c.symptom_text = "不制冷 E4";
    c.fault_codes = {"E4"};
    c.components = {"COMP"};
    recs.push_back({"crm", "T1", "1", c});
    ASSERT_TRUE(pipeline_->ApplyRecords("crm", "s", std::move(recs), "1").ok());
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), nullptr);
  }

  // `call` throws NotFound whose message contains `says`.
  template <typename F>
  void ExpectNotFound(F call, const std::string& says) {
    try {
      call();
      ADD_FAILURE() << "found; expected NotFound saying " << says;
    } catch (const NotFound& e) {
      EXPECT_NE(e.message.find(says), std::string::npos) << e.message;
    }
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<Handler> handler_;
};

TEST_F(LookupTest, CasesAsTypedAndOnesThatAreNotThere) {
  CaseView v;
  handler_->getCase(v, "t1");
  EXPECT_EQ(v.caseId, "T1");
  handler_->getCase(v, " Ｔ１ ");  // full-width, as a Chinese input method types it
  EXPECT_EQ(v.caseId, "T1");
  ExpectNotFound([&] { handler_->getCase(v, "T9"); }, "no case 'T9'");
}

TEST_F(LookupTest, ProductsAsTypedAndUnknownOnesInTrends) {
  Product p;
  handler_->getProduct(p, "ac-1");
  EXPECT_EQ(p.model, "AC-1");
  EXPECT_EQ(p.cases, 1);
  ExpectNotFound([&] { handler_->getProduct(p, "AC-9"); }, "no product 'AC-9'");
  TrendRequest t;
  t.product = "AC-9";
  TrendReport r;
  ExpectNotFound([&] { handler_->defectTrends(r, t); }, "no product 'AC-9'");
  t.product = "ac-1";
  handler_->defectTrends(r, t);  // known: answers
}

TEST_F(LookupTest, AssetsAsTypedAndUnknownSerials) {
  std::vector<TimelineItem> items;
  handler_->assetHistory(items, "s1", 10);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].id, "T1");
  ExpectNotFound([&] { handler_->assetHistory(items, "XX123", 10); }, "no asset 'XX123'");
}

TEST_F(LookupTest, NeighboursOfANearIdAndAHintForACodeWithoutItsFamily) {
  NeighboursRequest r;
  r.edgeType = "CAUSED_BY";
  r.id = "ac:e4";
  r.limit = 10;
  std::vector<Neighbour> out;
  handler_->neighbours(out, r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "COMP");
  EXPECT_EQ(out[0].name, "Compressor 压缩机");  // from the part master
  r.id = "E4";
  ExpectNotFound([&] { handler_->neighbours(out, r); }, "did you mean AC:E4 (1 case)");
  r.id = "NOTHING";  // no near id: an empty list, as before
  handler_->neighbours(out, r);
  EXPECT_TRUE(out.empty());
  // Backwards: the symptom at the far end has no master data, so no name.
  r.id = "COMP";
  r.incoming = true;
  handler_->neighbours(out, r);
  ASSERT_FALSE(out.empty());
  for (const auto& n : out) EXPECT_EQ(n.name, "") << n.id;
}

TEST_F(LookupTest, TheCaseViewNamesItsProductAndParts) {
  CaseView v;
  handler_->getCase(v, "t1");
  EXPECT_EQ(v.names["AC-1"], "AC one");
  EXPECT_EQ(v.names["COMP"], "Compressor 压缩机");
  EXPECT_EQ(v.names.count("S1"), 0u);  // the asset is no master-data thing with a name
}

}  // namespace
}  // namespace faultgraph::api
