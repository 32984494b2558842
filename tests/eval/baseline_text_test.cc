#include "tests/eval/baseline_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace faultgraph::eval {
namespace {

using ::testing::ElementsAre;

TEST(BaselineTokens, EnglishWordsLowerCasedPunctuationSeparates) {
  EXPECT_THAT(BaselineTokens("L/H BUCKET CYL LEAKING. won't #2"),
              ElementsAre("l", "h", "bucket", "cyl", "leaking", "won", "t", "2"));
  EXPECT_THAT(BaselineTokens("  \t\n.,;"), ElementsAre());
  EXPECT_THAT(BaselineTokens("Ölpumpe_défaut"), ElementsAre("ölpumpe", "défaut"));
}

TEST(BaselineTokens, ChineseBigramsLoneIdeographUnigram) {
  EXPECT_THAT(BaselineTokens("风扇不转"), ElementsAre("风扇", "扇不", "不转"));
  EXPECT_THAT(BaselineTokens("宕机"), ElementsAre("宕机"));
  // A run of one ideograph, between punctuation, is a unigram; bigrams
  // never cross punctuation.
  EXPECT_THAT(BaselineTokens("内存，溢出。慢"), ElementsAre("内存", "溢出", "慢"));
}

TEST(BaselineTokens, MixedTextSplitsAtTheScriptBoundary) {
  EXPECT_THAT(BaselineTokens("SQL语句不合理2次"),
              ElementsAre("sql", "语句", "句不", "不合", "合理", "2", "次"));
  EXPECT_THAT(BaselineTokens("I6000系统 Weblogic线程满"),
              ElementsAre("i6000", "系统", "weblogic", "线程", "程满"));
}

TEST(BaselineTokens, InvalidUtf8IsASeparator) {
  EXPECT_THAT(BaselineTokens("ab\xff"
                             "cd"),
              ElementsAre("ab", "cd"));
}

TEST(MostFrequent, ProductFirstThenOverallTiesByLabel) {
  std::vector<LabelledText> train = {
      {"A", "x", "DISK"}, {"A", "x", "DISK"}, {"A", "x", "NET"}, {"B", "x", "DB"},
      {"B", "x", "DB"},   {"B", "x", "DB"},   {"B", "x", "APP"}, {"B", "x", "APP"},
      {"C", "x", "APP"},  {"", "x", "ZZZ"},
  };
  MostFrequent mf(train);
  // Overall: DB 3, APP 3 (tie: by label), DISK 2, NET 1, ZZZ 1.
  EXPECT_THAT(mf.Rank("", 5), ElementsAre("APP", "DB", "DISK", "NET", "ZZZ"));
  EXPECT_THAT(mf.Rank("unknown product", 2), ElementsAre("APP", "DB"));
  // A's own ranking, padded from the overall one.
  EXPECT_THAT(mf.Rank("A", 3), ElementsAre("DISK", "NET", "APP"));
  std::vector<std::string> ranked = {"NET"};
  mf.Pad("A", 3, &ranked);
  EXPECT_THAT(ranked, ElementsAre("NET", "DISK", "APP"));
  ranked = {"X", "Y", "Z"};
  mf.Pad("A", 3, &ranked);  // already k: nothing added
  EXPECT_THAT(ranked, ElementsAre("X", "Y", "Z"));
}

}  // namespace
}  // namespace faultgraph::eval
