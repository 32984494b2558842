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

// A traditional-Chinese or Japanese ticket export, a few dozen rows.
std::string Export(const std::string& text) {
  std::string out = "ticket,model,opened,text\n";
  for (int i = 0; i < 40; ++i) out += "T" + std::to_string(i) + ",AC-350,2024-06-01," + text + "\n";
  return out;
}

TEST(Encoding, Big5IsDetectedAndDecoded) {
  // Under "auto" this used to be read as GB18030 mojibake without a word.
  std::string text = "空調壓縮機不製冷，顯示E4故障碼";
  std::string big5 = Encode(Export(text), "BIG5");
  EXPECT_EQ(DetectEncoding(big5), Encoding::kBig5);
  TextDecoder d(Encoding::kBig5);
  EXPECT_EQ(*d.Decode(Encode(text, "BIG5")), text);
  EXPECT_EQ(*ResolveEncoding("big5", "abc"), Encoding::kBig5);
}

TEST(Encoding, ShiftJisIsRefusedByName) {
  std::string sjis = Encode(Export("エアコンが冷えない、コンプレッサーの騒音"), "SHIFT_JIS");
  std::string detected;
  EXPECT_EQ(DetectEncoding(sjis, &detected), Encoding::kUnsupported);
  EXPECT_EQ(detected, "SHIFT_JIS");
  auto r = ResolveEncoding("auto", sjis);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("looks like SHIFT_JIS"), std::string::npos)
      << r.status().message();
}

TEST(Encoding, ByteOrderMarksDecide) {
  EXPECT_EQ(DetectEncoding("\xFF\xFEi\0d\0"), Encoding::kUtf16Le);
  EXPECT_EQ(DetectEncoding("\xFE\xFF\0i\0d"), Encoding::kUtf16Be);
  EXPECT_EQ(DetectEncoding(std::string("\xFF\xFE\0\0i\0\0\0", 8)), Encoding::kUtf32Le);
  EXPECT_EQ(DetectEncoding(std::string("\0\0\xFE\xFF\0\0\0i", 8)), Encoding::kUtf32Be);
  EXPECT_EQ(DetectEncoding("\xEF\xBB\xBFid"), Encoding::kUtf8);
  EXPECT_EQ(*ResolveEncoding("utf-16", "\xFE\xFF\0i"), Encoding::kUtf16Be);
  EXPECT_EQ(*ResolveEncoding("utf-16", "i\0"), Encoding::kUtf16Le);
}

TEST(Encoding, AShortGbSampleIsStillGb) {
  // libuchardet takes four bytes of GB18030 for WINDOWS-1252.
  EXPECT_EQ(DetectEncoding(ToGb18030("id,text\n1,空调\n")), Encoding::kGb18030);
}

TEST(Encoding, NamesAndEscapes) {
  EXPECT_EQ(*CanonicalEncodingName("GBK"), "gb18030");
  EXPECT_EQ(*CanonicalEncodingName("Big5"), "big5");
  EXPECT_EQ(*CanonicalEncodingName("UTF-16LE"), "utf-16le");
  EXPECT_EQ(*CanonicalEncodingName("UTF8"), "utf-8");
  EXPECT_FALSE(CanonicalEncodingName("latin-1").ok());
  EXPECT_EQ(EscapeInvalidUtf8("a\xFF"
                              "b"),
            "a\\xFFb");
}

}  // namespace faultgraph::connectors
