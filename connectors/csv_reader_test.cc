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

TEST(CsvReader, CrOnlyLineEnds) {
  // Old Mac exports end lines with a lone CR; a quoted CR stays in the cell.
  auto rows = ReadAll("id,text\r1,a\r\r2,\"x\ry\"\r3,b");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"id", "text"}));
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "a"}));
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "x\ry"}));
  EXPECT_EQ(rows[2].line, 4);  // after a blank line
  EXPECT_EQ(rows[2].end_line, 6);
  EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"3", "b"}));
  EXPECT_EQ(rows[3].line, 6);
}

std::vector<CsvRow> ReadLimited(std::string_view data, size_t max_field, size_t max_row) {
  CsvLimits limits;
  limits.max_field_bytes = max_field;
  limits.max_row_bytes = max_row;
  CsvReader r(data, ',', 0, 1, limits);
  std::vector<CsvRow> rows;
  CsvRow row;
  while (r.Next(&row)) rows.push_back(row);
  return rows;
}

TEST(CsvReader, AFieldOverItsLimitIsOneRowNamingTheLimit) {
  std::string data = "1,short\n2," + std::string(100, 'x') + ",z\n3,ok\n";
  auto rows = ReadLimited(data, 50, 1000);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(rows[0].error.empty());
  EXPECT_EQ(rows[1].error, "field 2 of 100 bytes exceeds max_field_bytes = 50 at line 2");
  EXPECT_TRUE(rows[1].fields.empty());
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"3", "ok"}));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(CsvReader, ARowOverItsLimitIsSkippedToItsEnd) {
  // Quoted newlines inside the over-size row are still inside it.
  std::string cell = "\"" + std::string(30, 'y') + "\n" + std::string(30, 'y') + "\"";
  std::string data = "1,a\n2," + cell + "," + cell + "\n3,b\n";
  auto rows = ReadLimited(data, 1000, 60);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error, "row of " + std::to_string(2 + 2 * cell.size() + 1) +
                               " bytes exceeds max_row_bytes = 60 at line 2");
  EXPECT_EQ(rows[1].end_line, 5);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"3", "b"}));
  EXPECT_EQ(rows[2].line, 5);
}

TEST(CsvReader, AQuotedCellOfManyLinesIsOneRow) {
  // 250,000 embedded newlines: one row within the limits, one error over them.
  std::string cell;
  for (int i = 0; i < 250'000; ++i) cell += "line\n";
  std::string data = "1,\"" + cell + "\",x\n2,y,z\n";
  auto ok = ReadLimited(data, 2'000'000, 4'000'000);
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0].fields.at(1), cell);
  EXPECT_EQ(ok[1].line, 250'002);
  auto over = ReadLimited(data, 1'000'000, 4'000'000);
  ASSERT_EQ(over.size(), 2u);
  EXPECT_EQ(over[0].error, "field 2 of " + std::to_string(cell.size()) +
                               " bytes exceeds max_field_bytes = 1000000 at line 1");
  EXPECT_EQ(over[1].fields, (std::vector<std::string>{"2", "y", "z"}));
  EXPECT_EQ(over[1].line, 250'002);
}

TEST(CsvReader, FieldsPastMaxFieldsAreCountedNotKept) {
  CsvLimits limits;
  limits.max_fields = 2;
  CsvReader r(",,,,,\n", ',', 0, 1, limits);
  CsvRow row;
  ASSERT_TRUE(r.Next(&row));
  EXPECT_EQ(row.fields.size(), 2u);
  EXPECT_EQ(row.field_count, 6u);
}

}  // namespace faultgraph::connectors
