#include "connectors/encoding.h"

#include <gtest/gtest.h>

#include "connectors/test_util.h"

namespace faultgraph::connectors {

TEST(Encoding, DecodesGb18030) {
  std::string gb = ToGb18030("空调压缩机不制冷，显示E4故障码");
  ASSERT_NE(gb, "空调压缩机不制冷，显示E4故障码");
  Gb18030Decoder d;
  auto utf8 = d.Decode(gb);
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(*utf8, "空调压缩机不制冷，显示E4故障码");
}

TEST(Encoding, DetectsUtf8AndGb) {
  EXPECT_EQ(DetectEncoding("id,症状\n1,不制冷\n"), Encoding::kUtf8);
  EXPECT_EQ(DetectEncoding(ToGb18030("id,症状\n1,不制冷\n")), Encoding::kGb18030);
  // A sample cut inside a UTF-8 character is still UTF-8.
  std::string cut = "abc空";
  EXPECT_EQ(DetectEncoding(cut.substr(0, cut.size() - 1)), Encoding::kUtf8);
}

TEST(Encoding, NamesAndEscapes) {
  EXPECT_EQ(*CanonicalEncodingName("GBK"), "gb18030");
  EXPECT_EQ(*CanonicalEncodingName("UTF8"), "utf-8");
  EXPECT_FALSE(CanonicalEncodingName("latin-1").ok());
  EXPECT_EQ(EscapeInvalidUtf8("a\xFF"
                              "b"),
            "a\\xFFb");
}

}  // namespace faultgraph::connectors
