// Bilingual search over cases ingested through the real pipeline, and the
// index kept in step with the graph through the outbox.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <fstream>

#include "common/test_dir.h"
#include "graph/graph_store.h"
#include "graph/raw_batch_writes.h"
#include "graph/schema.h"
#include "ingest/pipeline.h"
#include "search/index_schema.h"
#include "search/indexer.h"
#include "search/searcher.h"

namespace faultgraph {
namespace {

using ingest::Case;
using ingest::Record;

Record MakeCase(const std::string& id, const std::string& product, const std::string& text,
                std::vector<std::string> components, std::string region = "华东",
                int64_t opened_ms = 1'709'303'400'000) {
  Case c;
  c.case_id = id;
  c.asset_serial = "SN-" + id;
  c.product = product;
  c.family = product.substr(0, 2);
  c.opened_ms = opened_ms;
  c.symptom_text = text;
  c.components = std::move(components);
  c.fixes = {"FX-1"};
  c.region = std::move(region);
  return Record{"crm", id, "1", c};
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("graph"))).value();
    auto rules =
        ingest::TextRules::Load(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/config/text_rules.toml");
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = std::move(rules).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get(), rules_.get());
  }
  // Closes and opens the store again, as a new process would.
  void Reopen() {
    pipeline_.reset();
    store_.reset();
    store_ = std::move(graph::GraphStore::Open(dir_.Path("graph"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get(), rules_.get());
  }
  void Ingest(std::vector<Record> records) {
    static int batch = 0;
    auto r = pipeline_->ApplyRecords("crm", "test", std::move(records), std::to_string(++batch));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::unique_ptr<search::Indexer> OpenIndexer() {
    auto ix = search::Indexer::Open(store_.get(), dir_.Path("index"));
    EXPECT_TRUE(ix.ok()) << ix.status().ToString();
    return std::move(ix).value();
  }
  search::SearchResponse Search(const std::string& text, search::SearchFilters f = {}) {
    auto s = search::Searcher::Open(dir_.Path("index"), 2);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    search::SearchRequest req;
    req.text = text;
    req.filters = f;
    req.all_words_first = all_words_first_;
    auto r = (*s)->Search(req);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : search::SearchResponse{};
  }
  static std::vector<std::string> Ids(const search::SearchResponse& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.id);
    return ids;
  }
  void IngestStandardCases() {
    Ingest({MakeCase("T1", "AC-200", "空调压缩机不制冷，显示E4故障码", {"COMP-1"}),
            MakeCase("T2", "AC-200", "風扇異響，噪音很大", {"FAN-2"}, "华南"),
            MakeCase("T3", "AC-350", "The compressor failed after a power cut", {"COMP-1"}),
            MakeCase("T4", "WM-80", "洗衣机不排水 F21", {"PMP-3"}, "华北"),
            MakeCase("T5", "AC-350", "室外机噪音 fan noise at night", {"FAN-2"}),
            MakeCase("T6", "AC-200", "remote control battery flat", {"RC-9"})});
    ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  }

  bool all_words_first_ = false;
  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::TextRules> rules_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
};

TEST_F(SearchIndexTest, ChineseQueryFindsTheCaseByNgrams) {
  IngestStandardCases();
  auto r = Search("压缩机 故障");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(r.hits[0].id, "T1");
  EXPECT_NE(r.hits[0].snippet.find("[压缩机]"), std::string::npos) << r.hits[0].snippet;
}

TEST_F(SearchIndexTest, SimplifiedAndTraditionalFindEachOther) {
  IngestStandardCases();
  EXPECT_EQ(Ids(Search("风扇异响")).at(0), "T2");       // simplified query, traditional case
  EXPECT_EQ(Ids(Search("壓縮機 不製冷")).at(0), "T1");  // traditional query, simplified case
}

// Issue 17: the snippet of a traditional-script, full-width ticket showed its
// folded form ("[风扇异响]"); it shows the ticket as written.
TEST_F(SearchIndexTest, SnippetShowsTheTicketAsWritten) {
  Ingest({MakeCase("T7", "AC-200", "風扇異響，顯示Ｅ５", {"FAN-2"})});
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  auto r = Search("风扇异响 e5");
  ASSERT_EQ(Ids(r), std::vector<std::string>{"T7"});
  EXPECT_EQ(r.hits[0].snippet, "[風扇異響]，顯示[Ｅ５]");
}

// Issue 17: `search AC00001898` and `search T00000392` found nothing. A
// case is found by its id and its asset's serial, typed in any case.
TEST_F(SearchIndexTest, CaseIdsAndSerialsAreFound) {
  all_words_first_ = true;  // as the CLI and the API search
  IngestStandardCases();
  EXPECT_EQ(Ids(Search("t4")), std::vector<std::string>{"T4"});
  EXPECT_EQ(Ids(Search("SN-T5")).at(0), "T5");
  EXPECT_EQ(Ids(Search("ｓｎ－ｔ２")).at(0), "T2");
}

TEST_F(SearchIndexTest, EnglishIsStemmed) {
  IngestStandardCases();
  auto ids = Ids(Search("compressors failing"));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "T3");
}

TEST_F(SearchIndexTest, AllWordsFirstThenAnyWord) {
  IngestStandardCases();
  all_words_first_ = true;
  EXPECT_EQ(Ids(Search("fan noise")), (std::vector<std::string>{"T5"}));
  // No case has both words: with too few full matches, any word counts.
  auto ids = Ids(Search("compressor noise"));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"T3", "T5"}));
  EXPECT_EQ(Ids(Search("压缩机 故障")).at(0), "T1");
  EXPECT_EQ(Ids(Search("compressors failing")).at(0), "T3");
}

TEST_F(SearchIndexTest, MatchCountsCoverWhatPagingReaches) {
  // 30 cases have both words, 3,000 have one. The first page used to say
  // "about 30" while paging on returned all 3,000.
  std::vector<Record> cases;
  for (int i = 0; i < 3000; ++i) {
    cases.push_back(MakeCase("M" + std::to_string(i), "AC-200",
                             i % 100 == 0 ? "zebra quagga hum" : "quagga hum", {"COMP-1"}));
  }
  Ingest(std::move(cases));
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  auto s = search::Searcher::Open(dir_.Path("index"), 2);
  ASSERT_TRUE(s.ok());
  search::SearchRequest req;
  req.text = "zebra quagga";
  req.all_words_first = true;
  auto first = (*s)->Search(req);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->hits.size(), 10u);
  for (const auto& h : first->hits) EXPECT_EQ(std::stoi(h.id.substr(1)) % 100, 0) << h.id;
  EXPECT_LE(first->matches_lower_bound, 3000u);
  EXPECT_GE(first->matches_upper_bound, 3000u);
  EXPECT_GE(first->matches_estimated, 2700u);
  EXPECT_LE(first->matches_estimated, 3300u);
  // The last page: every match was counted, so the count is exact.
  req.offset = 2990;
  auto last = (*s)->Search(req);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->hits.size(), 10u);
  EXPECT_EQ(last->matches_lower_bound, 3000u);
  EXPECT_EQ(last->matches_upper_bound, 3000u);
  EXPECT_EQ(last->matches_estimated, 3000u);
}

TEST_F(SearchIndexTest, FullWidthCodeMatchesHalfWidth) {
  IngestStandardCases();
  auto ids = Ids(Search("Ｅ４"));
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids[0], "T1");
  EXPECT_EQ(Ids(Search("ｆ２１")).at(0), "T4");
}

TEST_F(SearchIndexTest, FiltersAndFacets) {
  IngestStandardCases();
  search::SearchFilters f;
  f.product = "AC-350";
  auto r = Search("noise 噪音 compressor", f);
  for (const auto& h : r.hits) EXPECT_EQ(h.product, "AC-350");
  EXPECT_EQ(r.hits.size(), 2u);
  f = {};
  f.region = "华南";
  EXPECT_EQ(Ids(Search("噪音 noise", f)), (std::vector<std::string>{"T2"}));
  f = {};
  f.component = "FAN-2";
  auto fan = Search("噪音 noise", f);
  EXPECT_EQ(fan.hits.size(), 2u);
  // Facets count the matches: both noise cases are FAN-2, on two products.
  auto& comps = fan.facets["component"];
  ASSERT_EQ(comps.size(), 1u);
  EXPECT_EQ(comps[0].value, "FAN-2");
  EXPECT_EQ(comps[0].count, 2);
  EXPECT_EQ(fan.facets["product"].size(), 2u);
  // Rule symptoms are facets too: T1's text says 不制冷.
  auto cool = Search("不制冷");
  bool found = false;
  for (const auto& s : cool.facets["symptom"]) found = found || s.value == "no_cooling";
  EXPECT_TRUE(found);
  // A period that excludes everything.
  f = {};
  f.from_ms = 1'800'000'000'000;
  EXPECT_TRUE(Search("noise", f).hits.empty());
}

TEST_F(SearchIndexTest, IndexConvergesAfterAKillBetweenTheTwoCommits) {
  // RocksDB has committed the cases, the indexer never ran (killed before
  // its Xapian commit): a new indexer picks everything up from the outbox.
  Ingest({MakeCase("T1", "AC-200", "压缩机不制冷", {"COMP-1"})});
  Ingest({MakeCase("T2", "AC-200", "fan noise", {"FAN-2"})});
  {
    auto ix = OpenIndexer();
    auto n = ix->CatchUp();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2u);
    EXPECT_EQ(ix->indexed_seq(), store_->LastOutboxSeq());
  }
  // A Xapian commit that happened but whose outbox trim did not: the same
  // entries come again and replace their documents instead of duplicating.
  Ingest({MakeCase("T3", "AC-200", "compressor noise", {"COMP-1"})});
  auto before_trim = store_->ReadOutbox(0, 100);
  {
    auto ix = OpenIndexer();
    ASSERT_TRUE(ix->CatchUp().ok());
  }
  EXPECT_TRUE(store_->ReadOutbox(0, 100)->empty());
  auto r = Search("noise 压缩机");
  EXPECT_EQ(r.hits.size(), 3u);
  // Rebuild from the graph gives the same answers.
  ASSERT_TRUE(OpenIndexer()->Rebuild().ok());
  EXPECT_EQ(Search("noise 压缩机").hits.size(), 3u);
  // An update re-indexes the case with its new text.
  Record v2 = MakeCase("T2", "AC-200", "display blank", {"PCB-4"});
  v2.source_version = "2";
  Ingest({v2});
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  EXPECT_EQ(Ids(Search("display blank")).at(0), "T2");
  for (const auto& h : Search("fan").hits) EXPECT_NE(h.id, "T2");
}

// The README's order (fixes, then tickets) in two processes: the first
// run's outbox is indexed and trimmed; the second's entries must be
// numbered after it, or the index takes them as held already.
TEST_F(SearchIndexTest, CasesIngestedAfterATrimmedOutboxAndAReopenAreIndexed) {
  Ingest({MakeCase("T1", "AC-200", "压缩机不制冷", {"COMP-1"})});
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  EXPECT_TRUE(store_->ReadOutbox(0, 10)->empty());
  Reopen();
  Ingest({MakeCase("T2", "AC-200", "zebraword fan", {"FAN-2"}),
          MakeCase("T3", "AC-200", "zebraword noise", {"FAN-2"})});
  auto ix = OpenIndexer();
  ASSERT_TRUE(ix->CatchUp().ok());
  EXPECT_EQ(Search("zebraword").hits.size(), 2u);
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean());
  EXPECT_EQ(report->graph_docs, 3u);
}

// A store written before the outbox high-water mark numbered again from 1
// after a trim: an index ahead of the store moves its numbering on.
TEST_F(SearchIndexTest, IndexAheadOfAStoreWithoutHighWaterMarkRaisesTheNumbering) {
  Ingest({MakeCase("T1", "AC-200", "压缩机不制冷", {"COMP-1"}),
          MakeCase("T2", "AC-200", "fan noise", {"FAN-2"})});
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  {
    graph::GraphBatch b = store_->NewBatch();
    graph::RawBatchWrites::Delete(b, graph::Cf::kAudit, graph::keys::OutboxHighWater());
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  Reopen();
  EXPECT_EQ(store_->LastOutboxSeq(), 0u);  // what older versions did
  auto ix = OpenIndexer();
  EXPECT_EQ(store_->LastOutboxSeq(), 2u);
  Ingest({MakeCase("T3", "AC-200", "zebraword", {"FAN-2"})});
  ASSERT_TRUE(ix->CatchUp().ok());
  EXPECT_EQ(Ids(Search("zebraword")), std::vector<std::string>{"T3"});
}

// Documents lost (an outbox entry trimmed before it was indexed), stale (an
// update whose entry was lost) and orphaned (a document whose record is not
// in the graph) are all found, and repair leaves the index complete.
TEST_F(SearchIndexTest, VerifyFindsMissingStaleAndOrphanedDocumentsAndRepairFixesThem) {
  Ingest({MakeCase("T1", "AC-200", "压缩机不制冷", {"COMP-1"}),
          MakeCase("T2", "AC-200", "fan noise", {"FAN-2"})});
  auto ix = OpenIndexer();
  ASSERT_TRUE(ix->CatchUp().ok());
  auto clean = ix->Verify();
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->clean());
  EXPECT_EQ(clean->index_docs, 2u);
  // Entries pending in the outbox are neither missing nor stale.
  Ingest({MakeCase("T3", "AC-350", "display blank", {"PCB-4"})});
  auto pending = ix->Verify();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->clean());
  EXPECT_EQ(pending->pending, 1u);
  // Now lose them: T3 never indexed, T2's update never indexed.
  Record v2 = MakeCase("T2", "AC-200", "display flicker", {"PCB-4"});
  v2.source_version = "2";
  Ingest({v2});
  ASSERT_TRUE(store_->TrimOutbox(store_->LastOutboxSeq()).ok());
  ix.reset();
  {
    Xapian::WritableDatabase shard(dir_.Path("index") + "/shard0");
    Xapian::Document ghost;
    ghost.add_boolean_term(search::IdTerm("case", "GHOST"));
    ghost.add_value(search::kVersionSlot, search::VersionValue(7, "case", "GHOST"));
    shard.replace_document(search::IdTerm("case", "GHOST"), ghost);
    shard.commit();
  }
  ix = OpenIndexer();
  auto found = ix->Verify();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->missing.size(), 1u);
  EXPECT_EQ(found->missing[0].id, "T3");
  ASSERT_EQ(found->stale.size(), 1u);
  EXPECT_EQ(found->stale[0].id, "T2");
  ASSERT_EQ(found->orphaned.size(), 1u);
  EXPECT_EQ(found->orphaned[0].id, "GHOST");
  EXPECT_TRUE(Search("blank").hits.empty());
  auto repaired = ix->Repair(*found);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(*repaired, 3u);
  auto after = ix->Verify();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->clean());
  EXPECT_EQ(after->index_docs, 3u);
  EXPECT_EQ(Ids(Search("blank")), std::vector<std::string>{"T3"});
  EXPECT_EQ(Ids(Search("flicker")), std::vector<std::string>{"T2"});
}

// Keys and filter values past Xapian's term limit are indexed (as hashed
// terms) instead of failing every commit after them.
TEST_F(SearchIndexTest, OverLongIdsAndFilterValuesDoNotBreakTheIndex) {
  std::string long_id = "T" + std::string(300, 'x');
  std::string long_product = "AC-" + std::string(300, 'p');
  Ingest({MakeCase(long_id, long_product, "zebraword compressor", {"COMP-1"})});
  auto ix = OpenIndexer();
  auto n = ix->CatchUp();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  Ingest({MakeCase("T2", "AC-200", "zebraword fan", {"FAN-2"})});
  ASSERT_TRUE(ix->CatchUp().ok());
  EXPECT_EQ(Search("zebraword").hits.size(), 2u);
  search::SearchFilters f;
  f.product = long_product;
  EXPECT_EQ(Ids(Search("zebraword", f)), std::vector<std::string>{long_id});
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean());
}

TEST_F(SearchIndexTest, NoPiiReachesTheStoreTheIndexOrTheDeadLetters) {
  const std::vector<std::string> pii = {"13812348000", "11010519491231002X",
                                        "zhang.wei@example.com", "62345678", "张先生"};
  Ingest({MakeCase("T1", "AC-200",
                   "联系人：张先生 电话13812348000 座机010-62345678 身份证11010519491231002X "
                   "邮箱zhang.wei@example.com 空调不制冷",
                   {"COMP-1"})});
  ingest::SourceBatch bad;
  bad.source = "crm";
  bad.stream = "file";
  bad.rejected.push_back({{"file", "t.csv", 7, 100, 200},
                          "field 'opened': '13812348000' is not a date",
                          "T9,13812348000,zhang.wei@example.com,11010519491231002X"});
  ASSERT_TRUE(pipeline_->Apply(bad).ok());
  ASSERT_TRUE(OpenIndexer()->CatchUp().ok());
  EXPECT_EQ(Ids(Search("不制冷")).at(0), "T1");
  auto dl = store_->ListDeadLetters("crm", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].raw, "T9,138****8000,z***@example.com,110***********002X");
  store_.reset();  // flush nothing more; grep every byte on disk
  pipeline_.reset();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.Path(""))) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    for (const auto& p : pii) {
      EXPECT_EQ(bytes.find(p), std::string::npos) << p << " found in " << entry.path();
    }
  }
}

}  // namespace
}  // namespace faultgraph
