#include "diagnosis/diagnose.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/test_dir.h"
#include "graph/graph_store.h"
#include "ingest/text_rules.h"
#include "search/indexer.h"
#include "search/searcher.h"

namespace faultgraph::diagnosis {
namespace {

// Issue 23: when the search for similar past cases failed, root cause
// ranked without them and said nothing. The answer now says so.
TEST(Diagnose, FailedNeighbourSearchIsNoted) {
  TestDir dir;
  auto store = graph::GraphStore::Open(dir.Path("graph"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Shard directories without a Xapian database in them: every search fails.
  for (const auto& p : search::ShardPaths(dir.Path("index"), 2))
    std::filesystem::create_directories(p);
  auto searcher = search::Searcher::Open(dir.Path("index"), 2);
  ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
  auto rules = ingest::TextRules::Defaults();
  Diagnoser diagnoser(store->get(), rules.get(), searcher->get());
  DiagnoseRequest req;
  req.text = "compressor noise";
  auto a = diagnoser.Diagnose(req);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  bool noted = false;
  for (const auto& n : a->notes)
    noted |= n.English().find("similar past cases could not be searched") == 0;
  EXPECT_TRUE(noted) << ::testing::PrintToString(a->notes);

  // A text with no word to search for is no failure: no such note.
  req.text = "?!";
  auto b = diagnoser.Diagnose(req);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  for (const auto& n : b->notes)
    EXPECT_EQ(n.text.find("similar past cases"), std::string::npos) << n.text;
}

}  // namespace
}  // namespace faultgraph::diagnosis
