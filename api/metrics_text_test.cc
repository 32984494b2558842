#include "api/metrics_text.h"

#include <gtest/gtest.h>

#include <regex>

#include "common/test_dir.h"
#include "diagnosis/classifier.h"
#include "graph/raw_batch_writes.h"
#include "graph/schema.h"
#include "graph/thrift_codec.h"

namespace faultgraph::api {
namespace {

double Value(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

class StorageTextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = graph::GraphStore::Open(paths_.graph);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void AddCases(int n) {
    for (int i = 0; i < n; ++i) {
      graph::storage::CaseDoc c;
      c.case_id = "C" + std::to_string(next_++);
      c.product = "AC-1";
      c.symptom_text = "compressor rattles " + c.case_id;
      c.opened_ms = 1700000000000LL;
      graph::GraphBatch b = store_->NewBatch();
      graph::RawBatchWrites::Put(b, graph::Cf::kCase, graph::keys::CaseDoc(c.case_id),
                                 graph::Encode(c));
      b.AddOutbox("case", c.case_id);
      ASSERT_TRUE(store_->Commit(b).ok());
    }
  }

  TestDir dir_;
  DataPaths paths_{dir_.Path("data")};
  std::unique_ptr<graph::GraphStore> store_;
  int next_ = 0;
};

// Issue 19: /metrics tells how big the store is and how far the index is
// behind the graph.
TEST_F(StorageTextTest, BytesOnDiskAndTheIndexLag) {
  AddCases(5);
  auto search = SearchService::Open(store_.get(), paths_.index, /*background=*/false);
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  std::string text = StorageText(*store_, **search, paths_, nullptr);
  EXPECT_GT(Value(text, "faultgraph_store_bytes{part=\"graph\"}"), 1000) << text;
  EXPECT_GT(Value(text, "faultgraph_store_bytes{part=\"index\"}"), 1000) << text;
  EXPECT_EQ(Value(text, "faultgraph_store_bytes{part=\"models\"}"), 0) << text;  // none trained
  EXPECT_EQ(Value(text, "faultgraph_index_lag_entries"), 0) << text;
  EXPECT_EQ(text.find("faultgraph_model_"), std::string::npos) << "no model, no model lines";

  AddCases(3);  // committed, not indexed yet
  text = StorageText(*store_, **search, paths_, nullptr);
  EXPECT_EQ(Value(text, "faultgraph_index_lag_entries"), 3) << text;
  ASSERT_TRUE((*search)->CatchUp().ok());
  text = StorageText(*store_, **search, paths_, nullptr);
  EXPECT_EQ(Value(text, "faultgraph_index_lag_entries"), 0) << text;
}

TEST_F(StorageTextTest, ModelAgeAndRecordsSinceTraining) {
  AddCases(4);
  auto search = SearchService::Open(store_.get(), paths_.index, /*background=*/false);
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  std::vector<diagnosis::Example> examples;
  for (int i = 0; i < 20; ++i) {
    examples.push_back({"AC-1", "compressor rattles", {"COMP"}});
    examples.push_back({"AC-1", "fan noise", {"FAN"}});
  }
  diagnosis::ClassifierOptions o;
  o.epoch = 5;
  o.bucket = 1000;
  auto trained = diagnosis::TextClassifier::Train(examples, o, dir_.Path("scratch"));
  ASSERT_TRUE(trained.ok()) << trained.status().ToString();
  auto models = std::make_shared<diagnosis::Models>();
  models->component = std::move(trained).value();
  models->component_info.kind = "component";
  models->component_info.created_ms = SystemClock()->NowMillis() - 90'000;
  models->component_info.graph_seq = store_->LastOutboxSeq() - 1;
  std::string text = StorageText(*store_, **search, paths_, models);
  double age = Value(text, "faultgraph_model_age_seconds{kind=\"component\"}");
  EXPECT_GE(age, 90) << text;
  EXPECT_LT(age, 900) << text;
  EXPECT_EQ(Value(text, "faultgraph_model_records_behind{kind=\"component\"}"), 1) << text;
  EXPECT_EQ(text.find("kind=\"cause\""), std::string::npos) << "no cause model loaded";
  // Each family's samples follow its own HELP and TYPE lines.
  EXPECT_TRUE(std::regex_search(
      text, std::regex("# TYPE faultgraph_model_age_seconds gauge\nfaultgraph_model_age_seconds")))
      << text;
}

}  // namespace
}  // namespace faultgraph::api
