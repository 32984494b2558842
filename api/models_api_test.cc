// trainModels / listModels through the handler: both trained models are
// listed, the cause model with its mix instead of the component blend.
#include <gtest/gtest.h>

#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

TEST(ModelsApi, ListsTheComponentAndTheCauseModel) {
  TestDir dir;
  auto store = std::move(graph::GraphStore::Open(dir.Path("db"))).value();
  auto rules = ingest::TextRules::Defaults();
  ingest::IngestPipeline pipeline(store.get(), rules.get());
  const char* kTexts[] = {"雷击后 主板烧毁", "绝缘老化 开裂", "进水 受潮 短路"};
  const char* kCauses[] = {"lightning", "aging", "moisture"};
  std::vector<ingest::Record> cases;
  for (int i = 0; i < 90; ++i) {
    ingest::Case c;
    c.case_id = "T" + std::to_string(i);
    c.product = "AC-1";
    c.opened_ms = 1'700'000'000'000 + i;
    c.symptom_text = std::string(kTexts[i % 3]) + " 工单" + std::to_string(i);
    c.components = {i % 2 ? "PCB" : "FAN"};
    c.failure_cause = kCauses[i % 3];
    cases.push_back({"crm", c.case_id, "1", c});
  }
  ASSERT_TRUE(pipeline.ApplyRecords("crm", "s", std::move(cases), "1").ok());
  Handler handler(store.get(), &pipeline, nullptr);
  handler.set_models_dir(dir.Path("models"));
  diagnosis::TrainOptions small;
  small.classifier.bucket = 10'000;  // seconds less per training than 300k
  small.held_back_max = 40;          // two folds of five, not all five
  handler.set_train_options(small);

  std::vector<ModelSummary> list;
  handler.listModels(list);
  EXPECT_TRUE(list.empty());
  ModelSummary trained;
  handler.trainModels(trained);
  EXPECT_EQ(trained.kind, "component");
  handler.listModels(list);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].kind, "component");
  EXPECT_EQ(list[0].labels, 2);
  EXPECT_TRUE(list[0].weights.count("classifier"));
  EXPECT_EQ(list[1].kind, "cause");
  EXPECT_EQ(list[1].labels, 3);
  EXPECT_EQ(list[1].cases, 90);
  ASSERT_TRUE(list[1].weights.count("classifier share"));
  EXPECT_NEAR(list[1].weights.at("classifier share") + list[1].weights.at("evidence share"), 1.0,
              1e-9);
}

}  // namespace
}  // namespace faultgraph::api
