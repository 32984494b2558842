#include "ingest/text.h"

#include <gtest/gtest.h>

namespace faultgraph::ingest {

TEST(Utf8, AcceptsChineseAndRejectsBrokenSequences) {
  EXPECT_EQ(FindInvalidUtf8("空调 not cooling ＥＲＲ４"), std::string::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);         // truncated
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);       // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);  // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xB2\xBB"), 0u);       // GBK bytes of 不
}

TEST(SplitList, SplitsOnAsciiAndFullWidthSeparators) {
  EXPECT_EQ(SplitList(" E4; E5 ,,E6|", ""), (std::vector<std::string>{"E4", "E5", "E6"}));
  EXPECT_EQ(SplitList("压缩机，电容、风扇；阀", ""),
            (std::vector<std::string>{"压缩机", "电容", "风扇", "阀"}));
  EXPECT_EQ(SplitList("a/b", "/"), (std::vector<std::string>{"a", "b"}));
}

TEST(Utf8Prefix, NeverCutsACharacter) {
  EXPECT_EQ(Utf8Prefix("空调", 4), "空");
  EXPECT_EQ(Utf8Prefix("空调", 6), "空调");
}

TEST(ParseYesNo, ReadsTheWaysPeopleWriteIt) {
  for (const char* yes : {"yes", "YES", " y ", "true", "1", "是"}) {
    bool v = false;
    EXPECT_TRUE(ParseYesNo(yes, &v)) << yes;
    EXPECT_TRUE(v) << yes;
  }
  for (const char* no : {"no", "N", "False", "0", "否"}) {
    bool v = true;
    EXPECT_TRUE(ParseYesNo(no, &v)) << no;
    EXPECT_FALSE(v) << no;
  }
  bool v = true;
  EXPECT_FALSE(ParseYesNo("", &v));
  EXPECT_FALSE(ParseYesNo("2", &v));
  EXPECT_FALSE(ParseYesNo("yes please", &v));
  EXPECT_TRUE(v);
}

}  // namespace faultgraph::ingest
