#include "text/text_fold.h"

#include <gtest/gtest.h>
#include <opencc/opencc.h>
#include <utf8proc.h>

#include <cstdio>
#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>

namespace faultgraph::text {

class TextFoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto f = TextFolder::Create();
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    folder_ = std::move(f).value();
  }
  std::unique_ptr<TextFolder> folder_;
};

TEST_F(TextFoldTest, FullWidthAndCaseFoldToHalfWidthLower) {
  EXPECT_EQ(folder_->Fold("ＥＲＲ４ Compressor"), "err4 compressor");
  EXPECT_EQ(TextFolder::Nfkc("ＥＲＲ４"), "ERR4");
}

TEST_F(TextFoldTest, TraditionalFoldsToSimplified) {
  EXPECT_EQ(folder_->Fold("壓縮機不製冷"), "压缩机不制冷");
  EXPECT_EQ(folder_->Fold("風扇異響"), "风扇异响");
  EXPECT_EQ(folder_->Fold("空调压缩机"), "空调压缩机");  // simplified stays
}

std::string Utf8(utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(cp, buf);
  return std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
}

// The shortcut in Fold skips t2s for text it leaves alone: for every CJK
// character and every phrase key of the dictionary, "may not convert"
// must mean "converts to itself" (checked against OpenCC itself).
TEST_F(TextFoldTest, SkippingTheConversionNeverChangesTheResult) {
  opencc::SimpleConverter t2s("t2s.json");
  size_t skipped = 0, checked = 0;
  for (utf8proc_int32_t cp = 0x2E80; cp < 0x2FFFF; ++cp) {
    if (cp >= 0xA000 && cp < 0xF900) cp = 0xF900;
    if (cp >= 0xFB00 && cp < 0x20000) cp = 0x20000;
    if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CN) continue;
    std::string ch = Utf8(cp);
    ++checked;
    if (folder_->MayConvert(ch)) continue;
    ++skipped;
    ASSERT_EQ(t2s.Convert(ch), ch) << "U+" << std::hex << cp;
  }
  EXPECT_GT(checked, 40000u);
  EXPECT_GT(skipped, checked / 2) << "the shortcut skips almost nothing";
  FILE* f = std::fopen("/usr/share/opencc/TSPhrases.ocd2", "rb");
  ASSERT_NE(f, nullptr);
  auto phrases = opencc::MarisaDict::NewFromFile(f)->GetLexicon();
  std::fclose(f);
  size_t phrase_count = 0;
  for (const auto& entry : *phrases) {
    ++phrase_count;
    const std::string key = entry->Key();
    if (!folder_->MayConvert(key)) ASSERT_EQ(t2s.Convert(key), key) << key;
    // And within text: the phrase between simplified words.
    const std::string text = "空调" + key + "不制冷";
    if (!folder_->MayConvert(text)) ASSERT_EQ(t2s.Convert(text), text) << text;
  }
  EXPECT_GT(phrase_count, 100u);
}

std::string Utf8procFold(std::string_view text) {
  utf8proc_uint8_t* out = nullptr;
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &out,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                       UTF8PROC_COMPAT | UTF8PROC_CASEFOLD));
  std::string s = n < 0 ? "" : std::string(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return s;
}

// Fold's own pass for ASCII, full-width ASCII and CJK ideographs must give
// what utf8proc's NFKC with case folding gives: every character of those
// ranges alone, each followed by a combining mark (which makes Fold take
// utf8proc's way), and mixed text.
TEST_F(TextFoldTest, CommonTextFoldsAsUtf8procFoldsIt) {
  opencc::SimpleConverter t2s("t2s.json");
  auto expected = [&](const std::string& s) { return t2s.Convert(Utf8procFold(s)); };
  std::vector<utf8proc_int32_t> common;
  for (utf8proc_int32_t cp = 1; cp < 0x80; ++cp) common.push_back(cp);
  for (utf8proc_int32_t cp = 0xFF01; cp <= 0xFF5E; ++cp) common.push_back(cp);
  for (utf8proc_int32_t cp = 0x3400; cp <= 0x4DBF; ++cp) common.push_back(cp);
  for (utf8proc_int32_t cp = 0x4E00; cp <= 0x9FFF; ++cp) common.push_back(cp);
  common.push_back(0x3001);
  common.push_back(0x3002);
  for (auto cp : common) {
    std::string ch = Utf8(cp);
    ASSERT_EQ(folder_->Fold(ch), expected(ch)) << "U+" << std::hex << cp;
    for (utf8proc_int32_t mark : {0x0301, 0x0308, 0x3099, 0xFF9E})
      ASSERT_EQ(folder_->Fold(ch + Utf8(mark)), expected(ch + Utf8(mark)))
          << "U+" << std::hex << cp;
  }
  uint32_t state = 1;
  for (int n = 0; n < 2000; ++n) {
    std::string text;
    for (int k = 0; k < 12; ++k) {
      state = state * 1103515245u + 12345u;
      text += Utf8(common[(state >> 8) % common.size()]);
    }
    ASSERT_EQ(folder_->Fold(text), expected(text)) << text;
  }
  EXPECT_EQ(folder_->Fold("ＥＲＲ４，空調　E5"), "err4,空调 e5");  // U+3000: utf8proc's way
}

TEST_F(TextFoldTest, SimplifiedTextIsNotConvertedAndTraditionalIs) {
  EXPECT_FALSE(folder_->MayConvert("空调压缩机不制冷，报E4"));
  EXPECT_FALSE(folder_->MayConvert("compressor noise"));
  EXPECT_TRUE(folder_->MayConvert("壓縮機"));
  EXPECT_TRUE(folder_->MayConvert("空调压缩机 風扇"));
  EXPECT_TRUE(folder_->MayConvert("bad \xFF byte"));
  EXPECT_EQ(folder_->Fold("空调 風扇異響"), "空调 风扇异响");
}

TEST_F(TextFoldTest, InvalidBytesAreDropped) {
  EXPECT_EQ(folder_->Fold("ab\xFF"
                          "C"),
            "abc");
}

}  // namespace faultgraph::text
