#include "diagnosis/models.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/hash.h"
#include "common/test_dir.h"
#include "diagnosis/blend.h"
#include "diagnosis/classifier.h"

namespace faultgraph::diagnosis {
namespace {

// Three components, each with its own words (Chinese and English), and a
// little noise shared by all.
std::vector<Example> Examples() {
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"FAN-OD1", {"外机风扇不转", "fan not spinning", "风扇异响 fan noise", "风机不转"}},
      {"COMP-R32A", {"压缩机不启动 不制冷", "compressor will not start", "压缩机过热", "no cooling compressor"}},
      {"PCB-AC1", {"主板烧坏 无显示", "control board dead", "显示屏不亮 主板", "pcb burnt"}},
  };
  std::vector<Example> out;
  for (int round = 0; round < 10; ++round) {
    for (const auto& [label, texts] : kinds) {
      for (const auto& t : texts)
        out.push_back({"AC-350", t + (round % 2 ? " 客户来电" : " please check"), {label}});
    }
  }
  return out;
}

class ModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClassifierOptions o;
    o.epoch = 30;
    o.bucket = 10'000;
    auto m = TextClassifier::Train(Examples(), o, dir_.Path("scratch"));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = std::move(*m);
    info_.kind = "component";
    info_.created_ms = 1'700'000'000'000;
    info_.cases = Examples().size();
    info_.label_cases.assign(model_->labels().size(), 40);
    info_.has_blend = true;
    info_.blend.w[kFeatClassifier] = 1.0;
  }

  std::string Models() const { return dir_.Path("models"); }
  std::string InfoPath() const { return Models() + "/component.json"; }
  nlohmann::json Info() const {
    return nlohmann::json::parse(*ReadFileToString(InfoPath(), "info"));
  }
  void WriteInfo(const nlohmann::json& j) const { std::ofstream(InfoPath()) << j.dump(); }
  std::string ModelFile() const { return Models() + "/" + Info()["file"].get<std::string>(); }

  TestDir dir_;
  std::unique_ptr<TextClassifier> model_;
  ModelInfo info_;
};

TEST_F(ModelsTest, ClassifierLearnsTheWordsOfEachComponent) {
  auto p = model_->Predict("AC-350", "风扇不转了", 3);
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].label, "FAN-OD1");
  EXPECT_EQ(model_->Predict("AC-350", "the compressor does not start", 1)[0].label, "COMP-R32A");
  EXPECT_EQ(model_->Predict("AC-350", "主板 烧了", 1)[0].label, "PCB-AC1");
  double sum = 0;
  for (const auto& x : model_->Predict("AC-350", "风扇", 3)) sum += x.probability;
  EXPECT_NEAR(sum, 1.0, 0.01);
  EXPECT_TRUE(model_->Predict("AC-350", "", 3).size() <= 3);  // no text: no crash
}

TEST_F(ModelsTest, SavedModelLoadsWithItsInfoAndAnswersTheSame) {
  ASSERT_TRUE(SaveModel(Models(), *model_, info_).ok());
  auto loaded = LoadModels(Models());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->component_info.cases, info_.cases);
  EXPECT_EQ((*loaded)->component->labels(), model_->labels());
  EXPECT_EQ((*loaded)->component->Predict("AC-350", "风扇不转", 1)[0].label, "FAN-OD1");
  EXPECT_EQ((*loaded)->most_frequent.size(), 3u);
  auto list = ListModels(Models());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, "component");
  // A second save replaces the first; the old file goes.
  const std::string first = ModelFile();
  info_.created_ms += 1000;
  ASSERT_TRUE(SaveModel(Models(), *model_, info_).ok());
  EXPECT_NE(ModelFile(), first);
  EXPECT_FALSE(std::filesystem::exists(first));
}

// The product is a word of the model only when the cases come from more
// than one product: a word in every line tells nothing and dilutes short
// texts. The choice survives a save and a load.
TEST_F(ModelsTest, ProductIsAWordOnlyWhenTheCasesHaveSeveral) {
  EXPECT_FALSE(model_->uses_product());  // every example is AC-350
  EXPECT_EQ(TextClassifier::Tokens("AC-350", "fan", false), "fan ");
  EXPECT_EQ(TextClassifier::Tokens("AC-350", "fan"), "fan __product_AC-350");

  // The same words mean a different part on another product.
  std::vector<Example> two = Examples();
  for (int i = 0; i < 20; ++i) two.push_back({"HP-900", "fan not spinning", {"FAN-HP9"}});
  ClassifierOptions o;
  o.epoch = 30;
  o.bucket = 10'000;
  auto m = TextClassifier::Train(two, o, dir_.Path("scratch2"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE((*m)->uses_product());
  EXPECT_EQ((*m)->Predict("HP-900", "fan not spinning", 1)[0].label, "FAN-HP9");
  EXPECT_EQ((*m)->Predict("AC-350", "fan not spinning", 1)[0].label, "FAN-OD1");

  ASSERT_TRUE((*m)->Save(dir_.Path("two.bin")).ok());
  auto loaded = TextClassifier::Load(dir_.Path("two.bin"), (*m)->labels());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE((*loaded)->uses_product());
  EXPECT_EQ((*loaded)->Predict("HP-900", "fan not spinning", 1)[0].label, "FAN-HP9");
  ASSERT_TRUE(model_->Save(dir_.Path("one.bin")).ok());
  auto one = TextClassifier::Load(dir_.Path("one.bin"), model_->labels());
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE((*one)->uses_product());
}

TEST_F(ModelsTest, NoModelIsNotFound) {
  EXPECT_TRUE(LoadModels(Models()).status().IsNotFound());
  auto list = ListModels(Models());
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

TEST_F(ModelsTest, DamagedOrForeignModelsAreRefusedByName) {
  ASSERT_TRUE(SaveModel(Models(), *model_, info_).ok());
  const nlohmann::json good = Info();
  auto refused = [&](const std::string& want) {
    auto m = LoadModels(Models());
    ASSERT_FALSE(m.ok()) << want;
    EXPECT_NE(m.status().message().find(want), std::string::npos) << m.status().ToString();
  };
  // Truncated, emptied, or overwritten with other bytes of the same size.
  const std::string file = ModelFile();
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size / 2);
  refused("bytes, its info says");
  std::ofstream(file, std::ios::trunc).close();
  refused("bytes, its info says");
  std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(size, 'x');
  refused("does not match the hash");
  // A file that passes the checks but is not a fastText model.
  auto j = good;
  j["file_bytes"] = size;
  j["file_hash"] = Fnv1a64(std::string(size, 'x'));
  WriteInfo(j);
  refused("cannot be read");
  ASSERT_TRUE(SaveModel(Models(), *model_, info_).ok());
  const nlohmann::json fresh = Info();
  // An older layout, labels the model does not match, junk JSON, a path.
  j = fresh;
  j["layout"] = 0;
  WriteInfo(j);
  refused("train again");
  j = fresh;
  j["labels"] = {"ONLY-ONE"};
  j["label_cases"] = {1};
  WriteInfo(j);
  refused("that its label list does not name");
  j = fresh;
  j["label_cases"] = {1};
  WriteInfo(j);
  refused("label counts");
  j = fresh;
  j["file"] = "../../etc/passwd";
  WriteInfo(j);
  refused("expected a plain name");
  std::ofstream(InfoPath()) << "{not json";
  refused("not a JSON object");
  EXPECT_FALSE(ListModels(Models()).ok());
}

// A damaged cause model costs the cause model only: the component model
// still answers, and the load says what was left out and why.
TEST_F(ModelsTest, ADamagedCauseModelLeavesTheComponentModel) {
  ASSERT_TRUE(SaveModel(Models(), *model_, info_).ok());
  ModelInfo cause = info_;
  cause.kind = "cause";
  ASSERT_TRUE(SaveModel(Models(), *model_, cause).ok());
  for (const auto& e : std::filesystem::directory_iterator(Models())) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("cause-") && name.ends_with(".bin"))
      std::filesystem::resize_file(e.path(), std::filesystem::file_size(e.path()) / 2);
  }
  auto m = LoadModels(Models());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NE((*m)->component, nullptr);
  EXPECT_EQ((*m)->cause, nullptr);
  ASSERT_EQ((*m)->warnings.size(), 1u);
  EXPECT_NE((*m)->warnings[0].find("cause model not used"), std::string::npos);
  EXPECT_NE((*m)->warnings[0].find("bytes, its info says"), std::string::npos) << (*m)->warnings[0];
}

TEST(Blend, FitWeighsTheFeatureThatPicksTheDiagnosis) {
  // Feature "classifier" ranks the diagnosis first; "similar cases" is noise.
  std::vector<BlendExample> ex;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> noise(-4.0, 0.0);
  for (int i = 0; i < 200; ++i) {
    BlendExample e;
    for (int c = 0; c < 5; ++c) {
      CandidateFeatures f;
      f.component = "C" + std::to_string(c);
      f.x[kFeatClassifier] = c == i % 5 ? -0.2 : -2.0 - c * 0.1;
      f.x[kFeatSimilarCases] = noise(rng);
      e.candidates.push_back(f);
    }
    e.truth = {"C" + std::to_string(i % 5)};
    ex.push_back(e);
  }
  auto fit = FitBlend(ex);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->queries, 200u);
  EXPECT_GT(fit->weights.w[kFeatClassifier], 0.5);
  EXPECT_GT(fit->weights.w[kFeatClassifier], 5 * std::abs(fit->weights.w[kFeatSimilarCases]));
  EXPECT_EQ(ScoreBlend(ex, fit->weights).top1, 200u);
  auto refined = RefineBlend(ex, fit->weights);
  EXPECT_EQ(ScoreBlend(ex, refined).top1, 200u);
  // No example with its diagnosis among the candidates: nothing to fit.
  for (auto& e : ex) e.truth = {"elsewhere"};
  EXPECT_FALSE(FitBlend(ex).ok());
}

}  // namespace
}  // namespace faultgraph::diagnosis
