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

}  // namespace
}  // namespace faultgraph::search
