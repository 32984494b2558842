#include "graph/spool_store.h"

#include <gtest/gtest.h>

#include "common/test_dir.h"
#include "graph/graph_store.h"
#include "graph/raw_batch_writes.h"

namespace faultgraph::graph {
namespace {

std::vector<uint64_t> Numbers(const std::vector<std::pair<uint64_t, std::string>>& rows) {
  std::vector<uint64_t> out;
  for (const auto& r : rows) out.push_back(r.first);
  return out;
}

TEST(SpoolStoreTest, ConnectorsNumberedApartReadInOrderDroppedUpTo) {
  TestDir tmp;
  auto spool = SpoolStore::Open(tmp.Path("spool"));
  ASSERT_TRUE(spool.ok()) << spool.status().ToString();
  SpoolStore& s = **spool;
  EXPECT_EQ(*s.Last("a"), 0u);
  // "a" and "ab": one connector's name is a prefix of the other's.
  for (uint64_t i = 1; i <= 300; ++i) ASSERT_TRUE(s.Append("a", i, "m" + std::to_string(i)).ok());
  ASSERT_TRUE(s.Append("ab", 7, std::string("topic\0payload", 13)).ok());
  EXPECT_EQ(*s.Last("a"), 300u);
  EXPECT_EQ(*s.Last("ab"), 7u);
  EXPECT_EQ(*s.Last("b"), 0u);

  auto rows = s.Read("a", 299, 10);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Numbers(*rows), (std::vector<uint64_t>{299, 300}));
  EXPECT_EQ((*rows)[0].second, "m299");
  rows = s.Read("a", 1, 3);
  EXPECT_EQ(Numbers(*rows), (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(s.Read("ab", 1, 10)->at(0).second, std::string("topic\0payload", 13));

  ASSERT_TRUE(s.DropUpTo("a", 298).ok());
  EXPECT_EQ(Numbers(*s.Read("a", 1, 10)), (std::vector<uint64_t>{299, 300}));
  EXPECT_EQ(*s.Last("ab"), 7u);  // another connector's messages stay
  ASSERT_TRUE(s.DropUpTo("a", 300).ok());
  EXPECT_TRUE(s.Read("a", 1, 10)->empty());
  EXPECT_EQ(*s.Last("a"), 0u);
}

TEST(SpoolStoreTest, MessagesSurviveReopen) {
  TestDir tmp;
  {
    auto s = SpoolStore::Open(tmp.Path("spool"));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Append("m", 1, "one").ok());
    ASSERT_TRUE((*s)->Append("m", 2, "two").ok());
  }
  auto s = SpoolStore::Open(tmp.Path("spool"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*(*s)->Last("m"), 2u);
  EXPECT_EQ((*s)->Read("m", 2, 1)->at(0).second, "two");
}

// Messages spooled by a version that kept them in the graph's audit column
// family move to the spool store, numbers kept, on first use.
TEST(SpoolStoreTest, GraphStoreMovesLegacySpooledMessages) {
  TestDir tmp;
  {
    auto g = GraphStore::Open(tmp.Path("db"));
    ASSERT_TRUE(g.ok());
    GraphBatch b = (*g)->NewBatch();
    for (uint64_t i = 41; i <= 1500; ++i)
      RawBatchWrites::Put(b, Cf::kAudit, keys::LegacySpoolMessage("alarms", i), "msg" + std::to_string(i));
    RawBatchWrites::Put(b, Cf::kAudit, keys::LegacySpoolMessage("other", 3), "x");
    ASSERT_TRUE((*g)->Commit(b).ok());
  }
  auto g = GraphStore::Open(tmp.Path("db"));
  ASSERT_TRUE(g.ok());
  auto spool = (*g)->Spool();
  ASSERT_TRUE(spool.ok()) << spool.status().ToString();
  EXPECT_EQ(*(*spool)->Last("alarms"), 1500u);
  auto rows = (*spool)->Read("alarms", 1, 5000);
  ASSERT_EQ(rows->size(), 1460u);
  EXPECT_EQ(rows->front().first, 41u);
  EXPECT_EQ(rows->back().second, "msg1500");
  EXPECT_EQ(*(*spool)->Last("other"), 3u);
  EXPECT_TRUE((*g)->ScanRaw(Cf::kAudit, keys::LegacySpoolPrefix(), 10, false)->empty());
  auto again = (*g)->Spool();  // the same store, opened once
  EXPECT_EQ(*again, *spool);
}

}  // namespace
}  // namespace faultgraph::graph
