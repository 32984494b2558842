#include "api/cli_usage.h"

#include <gtest/gtest.h>

#include <sstream>

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

}  // namespace
}  // namespace faultgraph::cli
