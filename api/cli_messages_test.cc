#include "api/cli_messages.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "diagnosis/note.h"
#include "diagnosis/note_texts.h"

namespace faultgraph::cli {
namespace {

// Restores the language and the variables a test changes.
class CliMessages : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"FAULTGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}) {
      const char* old = std::getenv(v);
      saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
      unsetenv(v);
    }
  }
  void TearDown() override {
    SetLang(Lang::kEn);
    for (const auto& [v, old] : saved_) old ? setenv(v, old->c_str(), 1) : unsetenv(v);
  }
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

TEST_F(CliMessages, LanguageFromTheFlagTheVariableOrTheLocale) {
  std::string error;
  EXPECT_EQ(ChooseLang("", &error), Lang::kEn);
  setenv("LANG", "zh_CN.UTF-8", 1);
  EXPECT_EQ(ChooseLang("", &error), Lang::kZhCN);
  setenv("LC_ALL", "zh_TW.UTF-8", 1);  // LC_ALL before LANG
  EXPECT_EQ(ChooseLang("", &error), Lang::kZhTW);
  setenv("LC_ALL", "C.UTF-8", 1);
  EXPECT_EQ(ChooseLang("", &error), Lang::kEn);
  setenv("FAULTGRAPH_LANG", "zh-HK", 1);
  EXPECT_EQ(ChooseLang("", &error), Lang::kZhTW);
  EXPECT_EQ(ChooseLang("zh-cn", &error), Lang::kZhCN);  // the flag before everything
  EXPECT_EQ(ChooseLang("en", &error), Lang::kEn);
  EXPECT_TRUE(error.empty()) << error;
  EXPECT_EQ(ChooseLang("klingon", &error), Lang::kEn);
  EXPECT_NE(error.find("--lang is 'klingon'; it must be zh-CN, zh-TW or en"), std::string::npos)
      << error;
  error.clear();
  setenv("FAULTGRAPH_LANG", "fr", 1);
  ChooseLang("", &error);
  EXPECT_NE(error.find("FAULTGRAPH_LANG is 'fr'"), std::string::npos) << error;
}

TEST_F(CliMessages, SimplifiedTraditionalAndEnglishWithPlaceholdersInTheirOwnOrder) {
  EXPECT_EQ(TrF("{0}: {1} of {2} diagnosed cases ({3})", {"AC:E4", "19", "122", "product"}),
            "AC:E4: 19 of 122 diagnosed cases (product)");
  SetLang(Lang::kZhCN);
  EXPECT_EQ(TrF("{0}: {1} of {2} diagnosed cases ({3})", {"AC:E4", "19", "122", "product"}),
            "AC:E4：已诊断的 122 例中有 19 例（product）");
  EXPECT_EQ(TrF("{0} confidence", {Tr("high")}), "置信度高");
  SetLang(Lang::kZhTW);  // made from the simplified text by OpenCC s2twp
  EXPECT_EQ(TrF("{0} confidence", {Tr("high")}), "置信度高");
  EXPECT_EQ(Tr("parts {0}"), "配件 {0}");
  EXPECT_EQ(Tr("likely causes: {0}"), "可能原因：{0}");
  EXPECT_EQ(Tr("asset history (last 90 days):"), "裝置歷史（近 90 天）：");
  // Not in the catalogue: English, as given.
  EXPECT_EQ(Tr("a message nobody translated"), "a message nobody translated");
}

TEST_F(CliMessages, AWordReadsByItsContext) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(TrWord("run status", "failed"), "失败");
  EXPECT_EQ(Tr("failed"), "无效");  // a fix that did not hold
  EXPECT_EQ(TrWord("case status", "closed"), "已结案");
  EXPECT_EQ(TrWord("case status", "关闭"), "关闭");  // the source's own word stays
  SetLang(Lang::kEn);
  EXPECT_EQ(TrWord("run status", "failed"), "failed");
}

TEST_F(CliMessages, FillLeavesWhatIsNotAPlaceholder) {
  EXPECT_EQ(Fill("{0} and {1}", {"a", "b"}), "a and b");
  EXPECT_EQ(Fill("{2} {x} {", {"a"}), "{2} {x} {");
  EXPECT_EQ(Fill("{0}{0}", {"ab"}), "abab");
}

// Every note root cause writes has a Chinese text with the same
// placeholders, so that an agent reads the server's notes in Chinese.
TEST_F(CliMessages, EveryNoteOfTheServerIsInTheCatalogue) {
  SetLang(Lang::kZhCN);
  for (const char* en : diagnosis::notes::kAll) {
    const std::string zh = Tr(en);
    EXPECT_NE(zh, en) << "no translation of: " << en;
    for (const char* ph : {"{0}", "{1}", "{2}", "{3}"})
      EXPECT_EQ(std::string(en).find(ph) == std::string::npos, zh.find(ph) == std::string::npos)
          << ph << " in " << en;
  }
  // A note the server sent as a message, shown in the reader's language;
  // its English form for JSON and older clients.
  diagnosis::Note n{diagnosis::notes::kSerialOfAnotherProduct, {"AC00001", "AC-200", "AC-350"}};
  EXPECT_EQ(n.English(), "serial AC00001 is a AC-200, not AC-350");
  EXPECT_EQ(TrArgs(n.text, n.args), "序列号 AC00001 属于 AC-200，不是 AC-350");
  SetLang(Lang::kZhTW);
  EXPECT_EQ(TrArgs(n.text, n.args), "序列號 AC00001 屬於 AC-200，不是 AC-350");
}

}  // namespace
}  // namespace faultgraph::cli
