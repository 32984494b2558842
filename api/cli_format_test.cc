#include "api/cli_format.h"

#include <gtest/gtest.h>

namespace faultgraph::cli {

TEST(CliFormat, CjkCountsAsTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("压缩机"), 6u);
  EXPECT_EQ(DisplayWidth("E4故障"), 6u);
  EXPECT_EQ(DisplayWidth("ＥＲＲ"), 6u);
}

TEST(CliFormat, TimesInUtc) {
  EXPECT_EQ(FormatTime(0), "-");
  EXPECT_EQ(FormatTime(1'709'303'400'000), "2024-03-01 14:30");
}

}  // namespace faultgraph::cli
