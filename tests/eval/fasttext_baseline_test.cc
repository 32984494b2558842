#include "tests/eval/fasttext_baseline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

#include "common/test_dir.h"

namespace faultgraph::eval {
namespace {

using ::testing::ElementsAre;

TEST(FastTextBaseline, TheIssuesSettings) {
  EXPECT_THAT(FastTextBaseline::Flags(),
              ElementsAre("-epoch", "50", "-lr", "0.5", "-wordNgrams", "2", "-minn", "3", "-maxn",
                          "5", "-dim", "50", "-thread", "1", "-seed", "1"));
  EXPECT_EQ(FastTextBaseline::Line("L/H Pump LEAKING"), "l h pump leaking");
  EXPECT_EQ(FastTextBaseline::Line("主机宕机 CPU"), "主机 机宕 宕机 cpu");
}

// Each label with its own words, in English and Chinese.
std::vector<LabelledText> Tiny() {
  std::vector<LabelledText> out;
  for (int i = 0; i < 10; ++i) {
    out.push_back({"", "hydraulic hose burst", "Hydraulic System"});
    out.push_back({"", "hose leaking oil", "Hydraulic System"});
    out.push_back({"", "engine will not start", "Engine"});
    out.push_back({"", "engine overheating", "Engine"});
    out.push_back({"", "数据库表空间满", "数据库软件"});
    out.push_back({"", "主机宕机", "主机"});
  }
  out.push_back({"", "no label", ""});
  out.push_back({"", "?!", "Engine"});  // no token: left out
  return out;
}

// One model for the tests below: a training allocates fastText's 2M
// n-gram buckets (400 MB at dim 50) and takes seconds. ctest runs each test
// in its own process, two at a time: the scratch folder is this process's
// own (fastText reads its input file in a loop; another process rewriting
// the same file under it made it spin forever).
class TrainedBaseline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scratch_ = ::testing::TempDir() + "/fasttext_baseline_test_" + std::to_string(::getpid());
    auto ft = FastTextBaseline::Train(Tiny(), scratch_);
    ASSERT_TRUE(ft.ok()) << ft.status().ToString();
    model_ = ft->release();
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
  }
  static FastTextBaseline* model_;
  static std::string scratch_;
};
FastTextBaseline* TrainedBaseline::model_ = nullptr;
std::string TrainedBaseline::scratch_;

TEST_F(TrainedBaseline, LearnsTheLabelsOfTheWords) {
  ASSERT_NE(model_, nullptr);
  EXPECT_EQ(model_->Rank("hose burst", 1), std::vector<std::string>{"Hydraulic System"});
  EXPECT_EQ(model_->Rank("ENGINE overheating", 1), std::vector<std::string>{"Engine"});
  EXPECT_EQ(model_->Rank("表空间满了", 1), std::vector<std::string>{"数据库软件"});
  EXPECT_EQ(model_->Rank("主机宕机重启", 1), std::vector<std::string>{"主机"});
  auto all = model_->Rank("engine", 10);
  EXPECT_EQ(all.size(), 4u);  // every label, most likely first
  EXPECT_EQ(all[0], "Engine");
  EXPECT_TRUE(model_->Rank("...", 3).empty());  // no token: no answer
}

TEST_F(TrainedBaseline, SameRowsSameModel) {
  ASSERT_NE(model_, nullptr);
  TestDir dir;
  auto again = FastTextBaseline::Train(Tiny(), dir / "again");
  ASSERT_TRUE(again.ok());
  for (const char* q : {"hose", "engine leaking", "数据库", "宕机 overheating"})
    EXPECT_EQ(model_->Rank(q, 4), (*again)->Rank(q, 4)) << q;
}

TEST(FastTextBaseline, NothingToLearnIsAnError) {
  TestDir dir;
  auto ft = FastTextBaseline::Train({{"", "...", "A"}, {"", "text", ""}}, dir / "scratch");
  EXPECT_FALSE(ft.ok());
}

}  // namespace
}  // namespace faultgraph::eval
