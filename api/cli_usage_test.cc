#include "api/cli_usage.h"

#include <gtest/gtest.h>

#include <sstream>

#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

// The lines of `help` that start an entry (two spaces, then a word).
std::vector<std::string> Entries(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("  ") && !line.starts_with("   ")) out.push_back(line);
  return out;
}

TEST(CommandHelp, HoldsEveryEntryOfTheCommandAndNoOther) {
  auto trends = Entries(CommandHelp("trends"));
  ASSERT_EQ(trends.size(), 5u);  // the matrix, the cohort list, rates, plot, feed
  for (const auto& e : trends) EXPECT_TRUE(e.starts_with("  trends ")) << e;
  auto connectors = Entries(CommandHelp("connectors"));
  EXPECT_GE(connectors.size(), 5u);
  for (const auto& e : connectors) EXPECT_TRUE(e.starts_with("  connectors ")) << e;
}

TEST(CommandHelp, FiltersOnlyForCommandsThatTakeThem) {
  EXPECT_NE(CommandHelp("search").find("FILTERS: --product P"), std::string::npos);
  EXPECT_EQ(CommandHelp("status").find("FILTERS:"), std::string::npos);
}

TEST(CommandHelp, AliasAndUnknown) {
  EXPECT_EQ(CommandHelp("neighbors"), CommandHelp("neighbours"));
  EXPECT_EQ(CommandHelp("frobnicate"), "");
  EXPECT_EQ(CommandHelp(""), "");
  EXPECT_EQ(CommandHelp("FILTERS:"), "");  // a heading is not a command
}

// The command line of each entry and option: an entry's text before the
// column of descriptions (two spaces after the syntax); an option's first
// 18 columns, where its description starts; description lines (indented
// 20 columns or more) are left out.
std::vector<std::string> CommandLines(const std::string& usage) {
  std::vector<std::string> out;
  std::istringstream in(usage);
  for (std::string line; std::getline(in, line);) {
    const size_t start = line.find_first_not_of(' ');
    if (!line.starts_with("  ") || start == std::string::npos || start >= 20) continue;
    std::string syntax = line.substr(start);
    if (start == 2 && syntax.starts_with("--")) syntax = syntax.substr(0, 18);
    syntax = syntax.substr(0, syntax.find("  "));
    while (!syntax.empty() && syntax.back() == ' ') syntax.pop_back();
    out.push_back(syntax);
  }
  return out;
}

class LocalisedHelp : public ::testing::Test {
 protected:
  void TearDown() override { SetLang(Lang::kEn); }
};

TEST_F(LocalisedHelp, ChineseHelpHasEveryCommandLineOfTheEnglish) {
  SetLang(Lang::kEn);
  const std::string en = Usage();
  SetLang(Lang::kZhCN);
  const std::string zh = Usage();
  EXPECT_NE(zh, en);
  EXPECT_TRUE(zh.starts_with("用法：faultgraph")) << zh.substr(0, 80);
  // No English description left behind: each entry line is syntax then Chinese.
  EXPECT_EQ(zh.find("the search index"), std::string::npos);
  EXPECT_EQ(CommandLines(zh), CommandLines(en));
  EXPECT_GT(CommandLines(en).size(), 40u);
}

TEST_F(LocalisedHelp, OneCommandsHelpInTheReadersLanguage) {
  SetLang(Lang::kZhCN);
  const std::string zh = CommandHelp("rootcause");
  EXPECT_TRUE(zh.starts_with("用法：faultgraph [--data")) << zh;
  EXPECT_NE(zh.find("什么坏了"), std::string::npos) << zh;
  EXPECT_NE(zh.find("全局选项"), std::string::npos) << zh;
  EXPECT_EQ(Entries(zh).size(), 2u);
  SetLang(Lang::kZhTW);
  const std::string tw = CommandHelp("rootcause");
  EXPECT_NE(tw.find("什麼壞了"), std::string::npos) << tw;
  EXPECT_NE(tw.find("rootcause --product P [--serial S]"), std::string::npos) << tw;
}

}  // namespace
}  // namespace faultgraph::cli
