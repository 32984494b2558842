#include "text/text_fold.h"

#include <gtest/gtest.h>

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

TEST_F(TextFoldTest, InvalidBytesAreDropped) {
  EXPECT_EQ(folder_->Fold("ab\xFF"
                          "C"),
            "abc");
}

}  // namespace faultgraph::text
