#include "search/analyzer.h"

#include <gtest/gtest.h>

namespace faultgraph::search {

std::vector<std::string> Terms(std::string_view folded) {
  std::vector<std::string> out;
  for (const auto& t : QueryTerms(folded)) out.push_back(t.term);
  return out;
}

TEST(Analyzer, ChineseRunsBecomeBigrams) {
  EXPECT_EQ(Terms("压缩机"), (std::vector<std::string>{"压缩", "缩机"}));
  EXPECT_EQ(Terms("机"), (std::vector<std::string>{"机"}));
}

TEST(Analyzer, MixedTextSplitsAndStemsEnglish) {
  auto t = Terms("compressors 不制冷 e4");
  // In Xapian's term order: Z-stems, then CJK bigrams.
  EXPECT_EQ(t, (std::vector<std::string>{"Zcompressor", "Ze4", "不制", "制冷"}));
}

TEST(Analyzer, RepeatedTermsCountInWdf) {
  auto t = QueryTerms("不制冷 不制冷");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].wdf, 2u);
}

TEST(Analyzer, OrderedTokensKeepTextOrderAndCodes) {
  using V = std::vector<std::string>;
  EXPECT_EQ(OrderedTokens("ac-350 外机不制冷, code e4. leaking 3.5mm"),
            (V{"ac-350", "外机", "机不", "不制", "制冷", "code", "e4", "leaking", "3.5mm"}));
  EXPECT_EQ(OrderedTokens("  --  机 !"), (V{"机"}));
  EXPECT_TRUE(OrderedTokens("").empty());
}

}  // namespace faultgraph::search

#include "search/snippet.h"
#include "text/text_fold.h"

namespace faultgraph::search {

TEST(Snippet, MarksBigramsAndStemmedWords) {
  auto terms = QueryTerms("压缩机 compressors");
  EXPECT_EQ(MakeSnippet("空调压缩机不制冷 the compressor failed", terms, 200),
            "空调[压缩机]不制冷 the [compressor] failed");
}

// Issue 17: the snippet showed the folded text ("[空调不制冷],显示e4") for a
// ticket that says "空調不製冷，顯示E4". It now shows the text as written,
// marking the characters whose folding matched.
class ShownSnippet : public ::testing::Test {
 protected:
  void SetUp() override {
    auto f = text::TextFolder::Create();
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    folder_ = std::move(f).value();
  }
  std::string Snippet(const std::string& shown, const std::string& query) {
    return MakeShownSnippet(shown, folder_->Fold(shown), *folder_, QueryTerms(folder_->Fold(query)),
                            200);
  }
  std::unique_ptr<text::TextFolder> folder_;
};

TEST_F(ShownSnippet, MarksTheCustomersOwnScriptAndWidth) {
  EXPECT_EQ(Snippet("空調不製冷，顯示Ｅ４", "不制冷 e4"), "空調[不製冷]，顯示[Ｅ４]");
  EXPECT_EQ(Snippet("Compressor NOISY\nreplaced", "compressor noisy"),
            "[Compressor] [NOISY] replaced");
}

TEST_F(ShownSnippet, ExpandingCharactersStillMarkTheRightWords) {
  // NFKC makes ㎏ two characters and ① one ("1"): the folded text is longer
  // than the original, and each character is folded on its own to map back.
  EXPECT_EQ(Snippet("重5㎏的壓縮機①損壞", "压缩机"), "重5㎏的[壓縮機]①損壞");
  EXPECT_EQ(Snippet("重 5 ㎏ 的壓縮機", "KG"), "重 5 [㎏] 的壓縮機");
}

TEST(Snippet, WindowStartsNearTheFirstMatch) {
  std::string text(100, 'x');
  text += " fan noise";
  std::string s = MakeSnippet(text, QueryTerms("noise"), 60);
  EXPECT_TRUE(s.starts_with("…"));
  EXPECT_NE(s.find("[noise]"), std::string::npos);
}

}  // namespace faultgraph::search
