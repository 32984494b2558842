#include "search/searcher.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>

#include "common/test_dir.h"
#include "search/analyzer.h"
#include "search/index_schema.h"
#include "search/indexer.h"

namespace faultgraph::search {
namespace {

constexpr int kShards = 2;
constexpr int kDocsPerShard = 2000;

// Writes (or rewrites) every document of `shard` and commits: `round`
// changes each document's words and data, as a reindex would.
void WriteShard(const std::string& path, int round, int flags) {
  Xapian::WritableDatabase db(path, flags, 8192);  // small blocks: a deep tree
  Xapian::TermGenerator gen;
  ConfigureGenerator(gen);
  for (int i = 0; i < kDocsPerShard; ++i) {
    StoredDoc sd;
    sd.kind = "case";
    sd.id = "C" + std::to_string(i);
    sd.folded = "compressor noise round" + std::to_string(round) + " unit" + std::to_string(i) +
                " " + std::string(150, 'x');
    sd.product = "AC-1";
    Xapian::Document doc;
    IndexText(gen, doc, sd.folded);
    doc.add_boolean_term(IdTerm(sd.kind, sd.id));
    doc.set_data(sd.Serialise());
    db.replace_document(IdTerm(sd.kind, sd.id), doc);
  }
  db.commit();
}

// Issue 23: the indexer commits every 500 ms; a search whose revision two
// commits discarded meanwhile failed with DatabaseModifiedError. It now
// reopens the shards and searches again.
TEST(Searcher, RetriesWhenTheIndexChangesUnderIt) {
  TestDir dir;
  std::filesystem::create_directories(dir.Path("index"));
  const auto paths = ShardPaths(dir.Path("index"), kShards);
  for (const auto& p : paths) WriteShard(p, 0, Xapian::DB_CREATE_OR_OVERWRITE);
  auto searcher = Searcher::Open(dir.Path("index"), kShards);
  ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
  int tries = 0;
  (*searcher)->SetBeforeMatchForTest([&] {
    if (++tries > 1) return;
    // Two commits to every shard between the search's open and its reads.
    for (int round = 1; round <= 2; ++round) {
      for (const auto& p : paths) WriteShard(p, round, Xapian::DB_OPEN);
    }
  });
  SearchRequest req;
  req.text = "compressor noise";
  req.limit = 50;
  auto r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(tries, 2) << "the first try was expected to meet DatabaseModifiedError";
  ASSERT_EQ(r->hits.size(), 50u);
  EXPECT_NE(r->hits[0].snippet.find("round2"), std::string::npos) << r->hits[0].snippet;
}

// A document whose stored data is damaged fails the search as Corruption,
// naming it, instead of showing an empty hit.
TEST(Searcher, DamagedStoredDocumentIsCorruption) {
  TestDir dir;
  std::filesystem::create_directories(dir.Path("index"));
  const auto paths = ShardPaths(dir.Path("index"), kShards);
  for (const auto& p : paths) {
    Xapian::WritableDatabase db(p, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    ConfigureGenerator(gen);
    Xapian::Document doc;
    IndexText(gen, doc, "compressor noise");
    doc.set_data(std::string("case\x1e") + "C1\x1e" + "compressor\x1e noise");  // 4 fields
    db.add_document(doc);
    db.commit();
  }
  auto searcher = Searcher::Open(dir.Path("index"), kShards);
  ASSERT_TRUE(searcher.ok());
  SearchRequest req;
  req.text = "compressor";
  auto r = (*searcher)->Search(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find("reindex"), std::string::npos);
}


// Issue 18: on a large index a query that many documents match is ranked
// among the newest of them (months of cases holding enough matches, and
// every fix), so that its cost does not grow with the history. Older
// cases here are shorter, so that BM25 alone would rank them first.
TEST(Searcher, ManyMatchesAreRankedAmongTheNewestMonths) {
  TestDir dir;
  std::filesystem::create_directories(dir.Path("index"));
  const auto paths = ShardPaths(dir.Path("index"), kShards);
  constexpr int kMonths = 12, kPerMonth = 40;
  const int64_t jan_2023_ms = 1'672'531'200'000;
  for (size_t s = 0; s < paths.size(); ++s) {
    Xapian::WritableDatabase db(paths[s], Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator gen;
    ConfigureGenerator(gen);
    auto add = [&](StoredDoc sd, const std::string& month) {
      Xapian::Document doc;
      IndexText(gen, doc, sd.folded);
      doc.add_boolean_term(IdTerm(sd.kind, sd.id));
      doc.add_boolean_term(BoundedTerm(kKindPrefix, sd.kind));
      if (!month.empty()) doc.add_boolean_term(BoundedTerm(kMonthPrefix, month));
      doc.set_data(sd.Serialise());
      db.replace_document(IdTerm(sd.kind, sd.id), doc);
    };
    for (int m = 0; m < kMonths; ++m) {
      for (int k = 0; k < kPerMonth; ++k) {
        StoredDoc sd;
        sd.kind = "case";
        sd.id = "C" + std::to_string(s) + "-" + std::to_string(m) + "-" + std::to_string(k);
        sd.folded = "compressor noise";
        for (int w = 0; w < m; ++w) sd.folded += " filler";
        sd.opened_ms = jan_2023_ms + int64_t{m} * 31 * 86'400'000;
        add(sd, std::to_string(202301 + m));
      }
    }
    if (s == 0) {
      StoredDoc fix;
      fix.kind = "fix";
      fix.id = "F1";
      fix.folded = "compressor noise filler filler filler";
      add(fix, "");
    }
    db.commit();
  }
  auto searcher = Searcher::Open(dir.Path("index"), kShards);
  ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
  SearchRequest req;
  req.text = "compressor noise";
  req.limit = 10;
  req.facets = false;
  req.all_words_first = true;
  req.window_min_docs = 100;
  req.window_above = 50;
  req.window_matches = 60;  // 31 per shard: one month of 40
  auto r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->hits.size(), 10u);
  const int64_t december_ms = jan_2023_ms + int64_t{kMonths - 1} * 31 * 86'400'000;
  bool fix = false;
  for (const auto& h : r->hits) {
    if (h.kind == "fix") {
      fix = true;
      continue;
    }
    EXPECT_EQ(h.opened_ms, december_ms) << h.id << " is not of the newest month";
  }
  EXPECT_TRUE(fix) << "a fix has no month and is always in the window";
  EXPECT_GE(r->matches_estimated, uint64_t{kShards * kMonths * kPerMonth})
      << "the count is the whole index's";

  // No window: the shortest (oldest) cases first, as BM25 ranks them.
  req.window_above = 0;
  r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->hits.size(), 10u);
  for (const auto& h : r->hits) EXPECT_EQ(h.opened_ms, jan_2023_ms) << h.id;

  // A window that cannot hold the page: the whole index answers.
  req.window_above = 50;
  req.limit = kShards * kMonths * kPerMonth + 10;
  r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hits.size(), size_t{kShards * kMonths * kPerMonth + 1});
}

// Issue 17: `search "fan not spinning"` ranked a board above the fan: no
// ticket held all three words, and the rare "not" outweighed the common
// "fan". A search that needs every word does not need function words.
TEST(Searcher, FunctionWordsAreNotNeeded) {
  TestDir dir;
  std::filesystem::create_directories(dir.Path("index"));
  const auto paths = ShardPaths(dir.Path("index"), 1);
  Xapian::WritableDatabase db(paths[0], Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator gen;
  ConfigureGenerator(gen);
  auto add = [&](const std::string& id, const std::string& text) {
    StoredDoc sd;
    sd.kind = "case";
    sd.id = id;
    sd.folded = text;
    Xapian::Document doc;
    IndexText(gen, doc, sd.folded);
    doc.add_boolean_term(IdTerm(sd.kind, sd.id));
    doc.set_data(sd.Serialise());
    db.replace_document(IdTerm(sd.kind, sd.id), doc);
  };
  add("FAN", "outdoor fan spinning slowly");
  add("PCB", "display not spinning, board fault");
  for (int i = 0; i < 6; ++i) add("M" + std::to_string(i), "fan motor replaced");
  db.commit();
  auto searcher = Searcher::Open(dir.Path("index"), 1);
  ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
  SearchRequest req;
  req.text = "fan not spinning";
  req.all_words_first = true;
  auto r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->hits.empty());
  EXPECT_EQ(r->hits[0].id, "FAN");
  // Where every word is there, "not" still counts.
  add("ALL", "fan not spinning at start");
  db.commit();
  r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GE(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].id, "ALL");
  EXPECT_EQ(r->hits[1].id, "FAN");
  // A query of function words only still finds them.
  req.text = "not";
  r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->hits.size(), 2u);
}

}  // namespace
}  // namespace faultgraph::search
