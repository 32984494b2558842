#include <gtest/gtest.h>

#include "connectors/row_source.h"

namespace faultgraph::connectors {
namespace {

std::vector<SourceRow> ReadAll(std::string_view data, const std::vector<std::string>& columns,
                               const SourceOptions& options = {}) {
  auto source = NewJsonlSource(data, columns, options);
  std::vector<SourceRow> rows;
  SourceRow row;
  while (source->Next(&row)) rows.push_back(row);
  return rows;
}

TEST(JsonlSource, ArraysInMappedFieldsAreJoined) {
  // Any array used to crash (SIGSEGV): the loop iterated a dangling array.
  auto rows = ReadAll(
      "{\"id\":\"AL1\",\"value\":[]}\n"
      "{\"id\":\"AL2\",\"value\":[1,\"a\",[2,3],{\"k\":true},null]}\n",
      {"id", "value"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].error.empty()) << rows[0].error;
  EXPECT_EQ(rows[0].values, (std::vector<std::string>{"AL1", ""}));
  EXPECT_EQ(rows[1].values, (std::vector<std::string>{"AL2", "1;a;2;3;{\"k\":true};"}));
}

TEST(JsonlSource, NestingIsBoundedByMaxDepth) {
  SourceOptions o;
  o.limits.max_depth = 8;
  std::string deep = "{\"id\":1,\"v\":" + std::string(20, '[') + std::string(20, ']') + "}\n";
  auto rows = ReadAll(deep + "{\"id\":2,\"v\":[[[1]]]}\n", {"id", "v"}, o);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "JSON nested deeper than max_depth = 8");
  EXPECT_EQ(rows[1].values, (std::vector<std::string>{"2", "1"}));
}

TEST(JsonlSource, ALineOverMaxRowBytesIsNotParsed) {
  SourceOptions o;
  o.limits.max_row_bytes = 64;
  std::string big = "{\"id\":\"" + std::string(100, 'x') + "\"}";
  auto rows = ReadAll("{\"id\":\"a\"}\n" + big + "\n{\"id\":\"b\"}\n", {"id"}, o);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error,
            "row of " + std::to_string(big.size()) + " bytes exceeds max_row_bytes = 64 at line 2");
  EXPECT_EQ(rows[2].values, (std::vector<std::string>{"b"}));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(JsonlSource, CrLfAndLoneCrEndLines) {
  std::string data = "{\"id\":1}\r{\"id\":2}\r\n\r{\"id\":3}";
  auto rows = ReadAll(data, {"id"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].values[0], "1");
  EXPECT_EQ(rows[0].raw, "{\"id\":1}");
  EXPECT_EQ(rows[1].values[0], "2");
  EXPECT_EQ(rows[1].end, 19u);
  EXPECT_EQ(rows[2].values[0], "3");
  EXPECT_EQ(rows[2].line, 4);
  EXPECT_EQ(rows[2].end, data.size());
}

}  // namespace
}  // namespace faultgraph::connectors
