#include "api/cli_xlsx.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/test_dir.h"

namespace faultgraph::cli {
namespace {

TEST(XlsxCell, NumbersBecomeNumbersAndIdsStayText) {
  EXPECT_TRUE(ClassifyCell("12").number);
  EXPECT_DOUBLE_EQ(ClassifyCell("-3.5").value, -3.5);
  EXPECT_DOUBLE_EQ(ClassifyCell("0.25").value, 0.25);
  XlsxCell pct = ClassifyCell("94.0%");
  EXPECT_TRUE(pct.number);
  EXPECT_TRUE(pct.percent);
  EXPECT_DOUBLE_EQ(pct.value, 0.94);
  for (const char* text : {"", "007", "T00000392", "2025-03", "2025-03-01 14:30", "AC-350", "1e5",
                           "12 vs 3.0", "-", "%", "nan", "inf", "0x10", "１２"})
    EXPECT_FALSE(ClassifyCell(text).number) << text;
  EXPECT_TRUE(ClassifyCell("0").number);
}

TEST(XlsxTables, WritesOneWorkbookOnlyWhenClosed) {
  TestDir dir("xlsx");
  const std::string path = dir.Path("out.xlsx");
  {
    XlsxTables book(path, "kpi");
    book.Add({"产品", "cases", "first-time fix"}, {{"AC-350", "413", "93.9%"}});
    book.Add({"a"}, {{"x"}, {"y"}});
    EXPECT_EQ(book.tables(), 2u);
    EXPECT_FALSE(std::filesystem::exists(path));  // nothing before Close
    ASSERT_TRUE(book.Close().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  std::ifstream in(path, std::ios::binary);
  char magic[2] = {};
  in.read(magic, 2);
  EXPECT_EQ(std::string(magic, 2), "PK");  // a zip: the xlsx container
}

TEST(XlsxTables, AFailedCommandLeavesAnEarlierFileAlone) {
  TestDir dir("xlsx");
  const std::string path = dir.Path("keep.xlsx");
  std::ofstream(path) << "earlier";
  {
    XlsxTables book(path, "trends");
    book.Add({"a"}, {{"1"}});
  }  // not closed: the command failed
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "earlier");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(XlsxTables, NoTableIsSaidAndNothingIsWritten) {
  TestDir dir("xlsx");
  const std::string path = dir.Path("none.xlsx");
  XlsxTables book(path, "status");
  Status s = book.Close();
  EXPECT_EQ(s.code(), Status::Code::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(XlsxTables, AnUnwritableFolderIsAnIOError) {
  XlsxTables book("/nonexistent-folder/out.xlsx", "kpi");
  book.Add({"a"}, {{"1"}});
  Status s = book.Close();
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
  EXPECT_NE(s.message().find("/nonexistent-folder/out.xlsx"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::cli
