#include <gtest/gtest.h>

#include "connectors/connector_config.h"
#include "connectors/runner.h"
#include "ingest/test_pipeline.h"

namespace faultgraph::connectors {
namespace {

// Issue 23: the MQTT source read its committed spool position with
// std::stoull; a damaged checkpoint threw on the run's thread. It is now
// Corruption, naming the position.
using MqttSourceTest = ingest::PipelineTest;

TEST_F(MqttSourceTest, RefusesABadCheckpoint) {
  ConnectorConfig c;
  c.name = "alarms";
  c.type = "mqtt";
  c.mapping.source = "iot";
  graph::storage::Checkpoint cp;
  cp.source = "iot";
  cp.stream = MqttStream(c);
  cp.position = "12x";
  graph::GraphBatch b = store_->NewBatch();
  b.PutCheckpoint(cp);
  ASSERT_TRUE(store_->Commit(b).ok());
  auto src = NewMqttSource(*pipeline_, *store_, c);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.status().code(), Status::Code::kCorruption) << src.status().ToString();
  EXPECT_NE(src.status().message().find("'12x'"), std::string::npos);
}

}  // namespace
}  // namespace faultgraph::connectors
