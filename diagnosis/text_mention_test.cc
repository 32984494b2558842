#include "diagnosis/text_mention.h"

#include <gtest/gtest.h>

namespace faultgraph::diagnosis {
namespace {

double Coverage(const std::string& name, const std::string& text) {
  return NameCoverage(SplitName(name), text, TextWords(text));
}

TEST(TextMention, WordsOfTheNameStartWordsOfTheText) {
  EXPECT_DOUBLE_EQ(Coverage("intake gasket", "#2 cyl intake gaskets leaking."), 1.0);
  EXPECT_DOUBLE_EQ(Coverage("intake tube gasket", "intake gasket leaking"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(Coverage("rocker cover", "replaced #3 gasket"), 0.0);
  // Inside a word is not a mention: "gas" does not name "degassed".
  EXPECT_DOUBLE_EQ(Coverage("gas", "degassed the line"), 0.0);
  // Words under 3 letters say nothing ("l/h", "#2", "of").
  EXPECT_DOUBLE_EQ(Coverage("l/h", "l/h bucket"), 0.0);
  EXPECT_DOUBLE_EQ(Coverage("engine_hydraulic system", "engine oil leak"), 1.0 / 3);
}

TEST(TextMention, CjkRunsAndBilingualNames) {
  EXPECT_DOUBLE_EQ(Coverage("压缩机", "空调不制冷，压缩机不转"), 1.0);
  EXPECT_DOUBLE_EQ(Coverage("压缩机", "空调不制冷"), 0.0);
  // Either language of a bilingual name is enough.
  EXPECT_DOUBLE_EQ(Coverage("compressor 压缩机", "压缩机不转"), 1.0);
  EXPECT_DOUBLE_EQ(Coverage("compressor 压缩机", "compressor noisy"), 1.0);
  EXPECT_DOUBLE_EQ(Coverage("", "anything"), 0.0);
}

TEST(TextMention, TextWordsAreAsciiLettersAndDigits) {
  EXPECT_EQ(TextWords("r32a 漏氟, e4!"), (std::vector<std::string>{"r32a", "e4"}));
  EXPECT_TRUE(TextWords("不制冷").empty());
}

}  // namespace
}  // namespace faultgraph::diagnosis
