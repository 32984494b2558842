#include "api/cli_format.h"

#include <gtest/gtest.h>

namespace faultgraph::cli {

TEST(CliFormat, CjkCountsAsTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("压缩机"), 6u);
  EXPECT_EQ(DisplayWidth("E4故障"), 6u);
  EXPECT_EQ(DisplayWidth("ＥＲＲ"), 6u);
}

TEST(CliFormat, FitWidthCutsByColumnsWithAnEllipsis) {
  EXPECT_EQ(FitWidth("abc", 3), "abc");
  EXPECT_EQ(FitWidth("abcdef", 4), "abc…");
  EXPECT_EQ(FitWidth("空调不制冷", 5), "空调…");  // two columns each: 4 + the ellipsis
  EXPECT_EQ(FitWidth("空调不制冷", 6), "空调…");  // 空调不 would take 7 with it
}

// Issue 17: search printed 140-column lines with the snippet whole. On a
// terminal the last column is cut to the line; the others stay whole.
TEST(CliFormat, TableFitsTheLastColumnToTheLine) {
  const std::string snippet(200, 'x');
  testing::internal::CaptureStdout();
  PrintTable({"id", "snippet"}, {{"T00000392", snippet}}, 100);
  const std::string out = testing::internal::GetCapturedStdout();
  std::vector<std::string> lines;
  for (size_t p = 0, q; (q = out.find('\n', p)) != std::string::npos; p = q + 1)
    lines.push_back(out.substr(p, q - p));
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& l : lines) EXPECT_LE(DisplayWidth(l), 100u) << l;
  EXPECT_TRUE(lines[2].starts_with("T00000392  xxx"));
  EXPECT_TRUE(lines[2].ends_with("x…"));
  testing::internal::CaptureStdout();
  PrintTable({"id", "snippet"}, {{"T1", snippet}}, 0);  // a pipe: whole
  EXPECT_NE(testing::internal::GetCapturedStdout().find(snippet), std::string::npos);
}

TEST(CliFormat, TableGivesUpTheWidestColumnsFirst) {
  // A status-like table: a long path in the middle, short numbers after it.
  const std::string path =
      "/work/main/ops/sample/callcenter/calls.csv byte 71845 of 71845 (line 869)";
  testing::internal::CaptureStdout();
  PrintTable({"来源", "位置", "已应用", "更新时间（UTC）"},
             {{"callcenter", path, "858", "2026-12-02 01:02"}}, 80);
  const std::string out = testing::internal::GetCapturedStdout();
  std::vector<std::string> lines;
  for (size_t p = 0, q; (q = out.find('\n', p)) != std::string::npos; p = q + 1)
    lines.push_back(out.substr(p, q - p));
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& l : lines) EXPECT_LE(DisplayWidth(l), 80u) << l;
  // The path is cut; the count and the time after it are whole.
  EXPECT_NE(lines[2].find("/work/main/ops/"), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("…  858"), std::string::npos) << lines[2];
  EXPECT_TRUE(lines[2].ends_with("2026-12-02 01:02")) << lines[2];
  // Columns line up under their headers.
  EXPECT_EQ(DisplayWidth(lines[0].substr(0, lines[0].find("已应用"))),
            DisplayWidth(lines[2].substr(0, lines[2].find("858"))));
}

TEST(CliFormat, WrapBreaksAtSpacesAndBesideChineseCharacters) {
  EXPECT_EQ(Wrap("closed cases whose asset did not come back", 16),
            (std::vector<std::string>{"closed cases", "whose asset did", "not come back"}));
  EXPECT_EQ(Wrap("已结案例中设备未再次报修", 10),
            (std::vector<std::string>{"已结案例中", "设备未再次", "报修"}));
  for (const auto& l : Wrap("repeat 已结案例中，本身是返修的比例 first-time fix 两者", 12))
    EXPECT_LE(DisplayWidth(l), 12u) << l;
  EXPECT_EQ(Wrap("", 10), std::vector<std::string>{});
  // No line starts with a comma or a closing bracket, none ends with an opening one.
  EXPECT_EQ(Wrap("上门检测运行电容，疑似故障", 16),
            (std::vector<std::string>{"上门检测运行电", "容，疑似故障"}));
  EXPECT_EQ(Wrap("有效 97%（145 次）", 10), (std::vector<std::string>{"有效 97%", "（145 次）"}));
}

TEST(CliFormat, TimesInUtc) {
  EXPECT_EQ(FormatTime(0), "-");
  EXPECT_EQ(FormatTime(1'709'303'400'000), "2024-03-01 14:30");
  EXPECT_EQ(FormatIsoTime(0), "");
  EXPECT_EQ(FormatIsoTime(1'709'303'405'000), "2024-03-01T14:30:05Z");
}

}  // namespace faultgraph::cli
