#include "tests/eval/bm25_vote_baseline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultgraph::eval {
namespace {

using ::testing::ElementsAre;

TEST(Bm25Vote, QueryIsTheOrOfDistinctQuotedTokens) {
  EXPECT_EQ(Bm25Vote::Query("Pump leaking, PUMP noisy"), "\"pump\" OR \"leaking\" OR \"noisy\"");
  // FTS5 syntax in the text is only words: quoted, nothing to parse.
  EXPECT_EQ(Bm25Vote::Query("NEAR(a b) AND \"x\" -y* col:z ^"),
            "\"near\" OR \"a\" OR \"b\" OR \"and\" OR \"x\" OR \"y\" OR \"col\" OR \"z\"");
  EXPECT_EQ(Bm25Vote::Query("数据库宕机"), "\"数据\" OR \"据库\" OR \"库宕\" OR \"宕机\"");
  EXPECT_EQ(Bm25Vote::Query("... !!"), "");
}

TEST(Bm25Vote, NearestRowsVoteOneOverRankPlusOne) {
  // "hydraulic hose burst" matches the HOSE row best; two PUMP rows share
  // only "hydraulic": 1/1 for HOSE beats 1/2 + 1/3 for PUMP.
  std::vector<LabelledText> train = {
      {"", "hydraulic hose burst on boom", "HOSE"},
      {"", "hydraulic pump whining", "PUMP"},
      {"", "hydraulic pump low pressure", "PUMP"},
      {"", "engine will not start", "ENGINE"},
      {"", "engine overheating", "ENGINE"},
      {"", "engine oil leak", "ENGINE"},
      {"", "", "ENGINE"},
      {"", "bucket tooth missing", ""},  // no label: not in the table
  };
  auto bm25 = Bm25Vote::Build(train, Bm25Language::kEnglish);
  ASSERT_TRUE(bm25.ok()) << bm25.status().ToString();
  auto r = (*bm25)->Rank("", "hydraulic hose burst", 3);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ElementsAre("HOSE", "PUMP", "ENGINE"));  // ENGINE: the padding
  // porter: "leaking" finds "leak"; unicode61 folds case.
  r = (*bm25)->Rank("", "OIL LEAKING", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front(), "ENGINE");
  // Nothing matches (or no token at all): the most-frequent ranking.
  r = (*bm25)->Rank("", "bucket tooth", 2);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ElementsAre("ENGINE", "PUMP"));
  r = (*bm25)->Rank("", "?!", 2);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ElementsAre("ENGINE", "PUMP"));
}

TEST(Bm25Vote, OnlyTheTopTwentyHitsVote) {
  // 30 rows that all match: only the best 20 vote, so a label whose rows
  // rank 21st and lower gets no vote and comes only as padding.
  std::vector<LabelledText> train;
  for (int i = 0; i < 20; ++i) train.push_back({"", "fan noise fan noise", "FAN"});
  for (int i = 0; i < 10; ++i)
    train.push_back({"", "fan noise and many other words here", "BOARD"});
  for (int i = 0; i < 11; ++i) train.push_back({"", "unrelated", "MOTOR"});
  auto bm25 = Bm25Vote::Build(train, Bm25Language::kEnglish);
  ASSERT_TRUE(bm25.ok());
  auto r = (*bm25)->Rank("", "fan noise", 3);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r,
              ElementsAre("FAN", "MOTOR", "BOARD"));  // padded by frequency: MOTOR 11 > BOARD 10
}

TEST(Bm25Vote, ChineseBigramsAndPaddingPerProduct) {
  std::vector<LabelledText> train = {
      {"财务管控", "数据库表空间满，无法写入", "数据库软件"},
      {"财务管控", "主机宕机", "主机"},
      {"财务管控", "主机宕机重启", "主机"},
      {"外网网站", "网站无法访问 网络中断", "网络"},
      {"外网网站", "页面打开慢", "应用软件"},
      {"外网网站", "页面报错", "应用软件"},
  };
  auto bm25 = Bm25Vote::Build(train, Bm25Language::kChinese);
  ASSERT_TRUE(bm25.ok()) << bm25.status().ToString();
  // "表空间" shares bigrams with the first row only.
  auto r = (*bm25)->Rank("财务管控", "表空间告警", 3);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ElementsAre("数据库软件", "主机", "应用软件"));
  // No hit: the product's own most frequent first.
  r = (*bm25)->Rank("外网网站", "完全不同的描述", 3);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, ElementsAre("应用软件", "网络", "主机"));
}

}  // namespace
}  // namespace faultgraph::eval
