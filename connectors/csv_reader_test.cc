#include "connectors/csv_reader.h"

#include <gtest/gtest.h>

namespace faultgraph::connectors {

std::vector<CsvRow> ReadAll(std::string_view data, char delim = ',') {
  CsvReader r(data, delim);
  std::vector<CsvRow> rows;
  CsvRow row;
  while (r.Next(&row)) rows.push_back(row);
  return rows;
}

TEST(CsvReader, QuotesEmbeddedNewlinesAndCrlf) {
  std::string data =
      "\xEF\xBB\xBF"
      "id,text\r\n1,\"say \"\"hi\"\"\r\nline2\"\r\n\r\n2,plain\n";
  auto rows = ReadAll(data);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"id", "text"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "say \"hi\"\r\nline2"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "plain"}));
  EXPECT_EQ(rows[2].line, 5);  // after the two-line row and a blank line
  EXPECT_EQ(rows[2].end, data.size());
  EXPECT_EQ(rows[0].begin, 3u);  // the BOM is skipped
}

TEST(CsvReader, LastRowWithoutNewlineAndEmptyFields) {
  auto rows = ReadAll("a,,\"\"\nx,y,z");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"a", "", ""}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"x", "y", "z"}));
}

TEST(CsvReader, UnterminatedQuoteLosesOnlyItsFirstLine) {
  std::string data = "1,ok\n2,\"broken\n3,fine\n4,also fine\n";
  auto rows = ReadAll(data);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_NE(rows[1].error.find("unterminated"), std::string::npos);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"3", "fine"}));
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"4", "also fine"}));
}

TEST(CsvReader, ResumesFromARowBoundary) {
  std::string data = "h1,h2\n1,a\n2,b\n";
  auto all = ReadAll(data);
  CsvReader r(data, ',', all[1].end, 3);
  CsvRow row;
  ASSERT_TRUE(r.Next(&row));
  EXPECT_EQ(row.fields[0], "2");
  EXPECT_EQ(row.line, 3);
  EXPECT_FALSE(r.Next(&row));
}

TEST(CsvReader, OtherDelimiters) {
  auto rows = ReadAll("a\tb\n\"x\ty\"\tz\n", '\t');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"x\ty", "z"}));
}

}  // namespace faultgraph::connectors
