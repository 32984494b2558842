#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include "common/test_dir.h"
#include "graph/graph_store.h"

namespace faultgraph::ingest {

using graph::Cf;
using graph::EdgeType;
namespace keys = graph::keys;

class PipelineTest : public ::testing::Test {
 protected:
  std::unique_ptr<graph::GraphStore> OpenStore(const std::string& name) {
    auto r = graph::GraphStore::Open(dir_.Path(name));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  static Record MakeCase(const std::string& id, const std::string& version,
                         const std::vector<std::string>& components,
                         const std::vector<std::string>& codes = {"E4"}) {
    Case c;
    c.case_id = id;
    c.asset_serial = "SN-" + id;
    c.product = "AC-200";
    c.family = "AC";
    c.opened_ms = 1'709'303'400'000;
    c.fault_codes = codes;
    c.components = components;
    c.fixes = {"REPLACE"};
    return Record{"crm", id, version, c};
  }
  TestDir dir_;
};

TEST_F(PipelineTest, SameRecordsTwiceChangeNothing) {
  auto store = OpenStore("a");
  IngestPipeline p(store.get());
  std::vector<Record> recs = {MakeCase("T1", "1", {"COMP"}), MakeCase("T2", "1", {"FAN"})};
  auto s1 = p.ApplyRecords("crm", "s", recs, "pos1");
  ASSERT_TRUE(s1.ok());
  EXPECT_EQ(s1->applied, 2);
  auto d1 = store->Digest();
  auto s2 = p.ApplyRecords("crm", "s", recs, "pos1");
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(s2->applied, 0);
  EXPECT_EQ(s2->skipped, 2);
  EXPECT_EQ(store->Digest()->hex, d1->hex);
  auto caused = store->Neighbours(EdgeType::kCausedBy, "*", "AC:E4", graph::Direction::kOut, 10);
  ASSERT_TRUE(caused.ok());
  EXPECT_EQ(caused->size(), 2u);
}

TEST_F(PipelineTest, UpdateRetractsOldContributions) {
  auto updated = OpenStore("updated");
  auto final_only = OpenStore("final");
  {
    IngestPipeline p(updated.get());
    ASSERT_TRUE(
        p.ApplyRecords("crm", "s", {MakeCase("T1", "100", {"COMP"}, {"E4", "E5"})}, "1").ok());
    ASSERT_TRUE(p.ApplyRecords("crm", "s", {MakeCase("T1", "200", {"FAN"}, {"E4"})}, "2").ok());
    // An older version arriving late is ignored.
    auto late = p.ApplyRecords("crm", "s", {MakeCase("T1", "150", {"VALVE"})}, "3");
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(late->skipped, 1);
  }
  {
    IngestPipeline p(final_only.get());
    ASSERT_TRUE(p.ApplyRecords("crm", "s", {MakeCase("T1", "200", {"FAN"}, {"E4"})}, "3").ok());
  }
  EXPECT_EQ(updated->Digest()->hex, final_only->Digest()->hex);
  EXPECT_EQ(*updated->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "COMP")),
            0u);
  EXPECT_EQ(*updated->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "FAN")),
            1u);
  EXPECT_EQ(*updated->GetCount(Cf::kCounter, keys::Counter("cases", "AC-200")), 1u);
  EXPECT_EQ(updated->GetCase("T1")->components, (std::vector<std::string>{"FAN"}));
}

TEST_F(PipelineTest, TimelineMovesWhenOpenedTimeIsCorrected) {
  auto store = OpenStore("t");
  IngestPipeline p(store.get());
  Record v1 = MakeCase("T1", "1", {"COMP"});
  Record v2 = v1;
  v2.source_version = "2";
  std::get<Case>(v2.body).opened_ms += 86'400'000;
  ASSERT_TRUE(p.ApplyRecords("crm", "s", {v1, v2}, "1").ok());  // both in one batch
  auto t = store->AssetTimeline("SN-T1", 10);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 1u);
  EXPECT_EQ((*t)[0].time_ms, std::get<Case>(v2.body).opened_ms);
  EXPECT_EQ(*store->GetCount(Cf::kCounter, keys::Counter("cases", "AC-200")), 1u);
}

TEST_F(PipelineTest, BadRowsGoToDeadLettersAndGoodRowsLand) {
  auto store = OpenStore("d");
  IngestPipeline p(store.get());
  SourceBatch b;
  b.source = "crm";
  b.stream = "file1";
  RawRecord good;
  good.type = RecordType::kCase;
  good.source = "crm";
  good.source_id = "T1";
  good.source_version = "#a";
  good.fields["case_id"].text = "T1";
  good.fields["product"].text = "AC-200";
  good.fields["opened"].text = "2024-01-01";
  RawRecord bad = good;
  bad.source_id = "T2";
  bad.fields["case_id"].text = "T2";
  bad.fields["opened"].text = "31/31/2024";
  bad.position = {"file1", "tickets.csv", 3, 120, 160};
  bad.raw = "T2,AC-200,31/31/2024";
  b.rows = {good, bad};
  b.rejected.push_back({{"file1", "tickets.csv", 4, 160, 170}, "unterminated quote", "\"T3,"});
  b.checkpoint_position = "170";
  auto stats = p.Apply(b);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->applied, 1);
  EXPECT_EQ(stats->rejected, 2);
  auto dl = store->ListDeadLetters("crm", 10);
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->size(), 2u);
  EXPECT_EQ((*dl)[0].position, "tickets.csv:3");
  EXPECT_NE((*dl)[0].reason.find("field 'opened'"), std::string::npos);
  EXPECT_EQ((*dl)[0].raw, "T2,AC-200,31/31/2024");
  EXPECT_EQ((*dl)[1].reason, "unterminated quote");
  EXPECT_TRUE(store->GetCase("T1").ok());
  auto cp = store->GetCheckpoint("crm", "file1");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->position, "170");
  EXPECT_EQ((*cp)->records_rejected, 2);
}

TEST_F(PipelineTest, CaseTakesProductAndFamilyFromMasterData) {
  auto store = OpenStore("e");
  IngestPipeline p(store.get());
  Product prod;
  prod.model = "AC-200";
  prod.family = "AC";
  Asset asset;
  asset.serial = "SN9";
  asset.product = "AC-200";
  asset.ship_ms = 1'700'000'000'000;
  ASSERT_TRUE(p.ApplyRecords("erp", "p", {Record{"erp", "AC-200", "1", prod}}, "1").ok());
  ASSERT_TRUE(
      p.ApplyRecords("erp_assets", "a", {Record{"erp_assets", "SN9", "1", asset}}, "1").ok());
  Case c;
  c.case_id = "T9";
  c.asset_serial = "SN9";  // neither product nor family on the ticket
  c.opened_ms = 1'709'303'400'000;
  c.fault_codes = {"e4"};
  c.components = {"comp"};
  ASSERT_TRUE(p.ApplyRecords("crm", "s", {Record{"crm", "T9", "1", c}}, "1").ok());
  auto doc = store->GetCase("T9");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->product, "AC-200");
  EXPECT_EQ(doc->family, "AC");
  EXPECT_EQ(doc->symptoms, (std::vector<std::string>{"AC:E4"}));
  EXPECT_EQ(*store->GetCount(Cf::kEdge, keys::Edge(EdgeType::kCausedBy,
                                                   graph::ProductScope("AC-200"), "AC:E4", "COMP")),
            1u);
  // An unknown serial leaves the case global-only, without failing it.
  c.case_id = "T10";
  c.asset_serial = "SN-UNKNOWN";
  ASSERT_TRUE(p.ApplyRecords("crm", "s", {Record{"crm", "T10", "1", c}}, "2").ok());
  EXPECT_TRUE(store->GetCase("T10")->symptoms.empty());
}

TEST(Versions, CompareNumericallyHashesAndText) {
  EXPECT_TRUE(IsNewerVersion("10", "9"));
  EXPECT_FALSE(IsNewerVersion("9", "10"));
  EXPECT_FALSE(IsNewerVersion("010", "10"));
  EXPECT_TRUE(IsNewerVersion("#b", "#a"));
  EXPECT_FALSE(IsNewerVersion("#a", "#a"));
  EXPECT_TRUE(IsNewerVersion("v2", "v1"));
  EXPECT_TRUE(IsNewerVersion("1", ""));
}

}  // namespace faultgraph::ingest

namespace faultgraph::ingest {

TEST_F(PipelineTest, TextRulesAddSymptomsCodesAndMaskPii) {
  auto store = OpenStore("rules");
  auto rules = TextRules::Load(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/config/text_rules.toml");
  ASSERT_TRUE(rules.ok());
  IngestPipeline p(store.get(), rules->get());
  Case c;
  c.case_id = "T1";
  c.product = "AC-200";
  c.family = "AC";
  c.opened_ms = 1'709'303'400'000;
  c.symptom_text = "壓縮機不製冷 顯示Ｅ４ 联系人：王五 13912345678, part COMP-R32A";
  ASSERT_TRUE(p.ApplyRecords("crm", "s", {Record{"crm", "T1", "1", c}}, "1").ok());
  auto doc = store->GetCase("T1");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->symptom_text, "壓縮機不製冷 顯示Ｅ４ 联系人：王* 139****5678, part COMP-R32A");
  EXPECT_EQ(doc->fault_codes, (std::vector<std::string>{"E4"}));
  EXPECT_EQ(doc->symptoms, (std::vector<std::string>{"AC:E4", "no_cooling"}));
  EXPECT_EQ(doc->mentioned_parts, (std::vector<std::string>{"COMP-R32A"}));
  EXPECT_EQ(*store->GetCount(Cf::kEdge, keys::Edge(EdgeType::kShows, "", "AC-200", "no_cooling")),
            1u);
}

// The column families of a stored version are persisted numbers: one no
// record writes (a damaged entry, another layout) stops the update with
// Corruption instead of retracting into an arbitrary column family.
TEST_F(PipelineTest, StoredVersionNamingAnUnknownColumnFamilyIsCorruption) {
  auto store = OpenStore("a");
  IngestPipeline p(store.get());
  ASSERT_TRUE(p.ApplyRecords("crm", "s", {MakeCase("T1", "1", {"COMP"})}, "pos1").ok());
  for (int bad : {99, static_cast<int>(Cf::kDedup)}) {
    graph::storage::DedupEntry entry;
    entry.version = "1";
    graph::storage::Contribution c;
    c.cf = static_cast<int8_t>(bad);
    c.key = "x";
    c.delta = 1;
    entry.counters.push_back(c);
    graph::GraphBatch b = store->NewBatch();
    b.PutDedup("crm", "T1", entry);
    ASSERT_TRUE(store->Commit(b).ok());
    auto r = p.ApplyRecords("crm", "s", {MakeCase("T1", "2", {"FAN"})}, "pos2");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
    EXPECT_NE(r.status().message().find("column family " + std::to_string(bad)), std::string::npos)
        << r.status().message();
  }
}

}  // namespace faultgraph::ingest
