#include "api/server.h"

#include <gtest/gtest.h>
#include <thrift/transport/TTransportException.h>

#include "api/client.h"
#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    ServerOptions options;
    options.port = 0;
    options.max_message_bytes = 1 << 20;
    options.max_string_bytes = 256 * 1024;
    auto s = Server::Start(std::make_shared<Handler>(store_.get(), pipeline_.get(), nullptr), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  void TearDown() override {
    server_->Stop();
    server_.reset();
    pipeline_.reset();
    store_.reset();
  }
  std::shared_ptr<FaultGraphIf> Connect() {
    auto c = ConnectToServer("127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }
  std::string Write(const std::string& name, const std::string& content) {
    return dir_.Write(name, content);
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, IngestsAndAnswersOverThrift) {
  std::string mapping = Write("p.toml", R"(
[source]
name = "erp_products"
record = "product"
[key]
columns = ["model"]
[fields]
model = "model"
name = "name"
family = "family"
)");
  std::string csv = Write("p.csv", "model,name,family\nAC-200,Split AC 2kW,ac\nAC-300,,ac\n");
  auto fg = Connect();
  IngestResult r;
  fg->ingestFile(r, mapping, csv);
  EXPECT_EQ(r.applied, 2);
  Product p;
  fg->getProduct(p, "AC-200");
  EXPECT_EQ(p.name, "Split AC 2kW");
  EXPECT_EQ(p.family, "AC");
  std::vector<Neighbour> members;
  NeighboursRequest req;
  req.edgeType = "in_family";
  req.id = "AC";
  fg->neighbours(members, req);
  ASSERT_EQ(members.size(), 2u);
  IngestStatus st;
  fg->ingestStatus(st);
  ASSERT_EQ(st.sources.size(), 1u);
  EXPECT_EQ(st.sources[0].applied, 2);
}

TEST_F(ServerTest, BadArgumentsGetTypedErrors) {
  auto fg = Connect();
  Product p;
  try {
    fg->getProduct(p, "");
    FAIL() << "empty model accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "model");
  }
  EXPECT_THROW(fg->getProduct(p, "NOPE"), NotFound);
  std::vector<Neighbour> out;
  NeighboursRequest req;
  req.edgeType = "LIKES";
  req.id = "x";
  try {
    fg->neighbours(out, req);
    FAIL() << "unknown edge type accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "edgeType");
    EXPECT_NE(e.message.find("unknown edge type 'LIKES'"), std::string::npos);
  }
  req.edgeType = "CAUSED_BY";
  req.limit = 0;
  EXPECT_THROW(fg->neighbours(out, req), BadRequest);
  IngestResult r;
  try {
    fg->ingestFile(r, Write("bad.toml", "[source]\nname = \"x\"\nrecord = \"nope\"\n"), "/x");
    FAIL() << "bad mapping accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "mappingPath");
    EXPECT_NE(e.message.find("bad.toml:3"), std::string::npos) << e.message;
  }
  // The same connection still works after every error.
  IngestStatus st;
  fg->ingestStatus(st);
  EXPECT_TRUE(st.sources.empty());
}

TEST_F(ServerTest, OversizedRequestIsRefusedAndServerStaysUp) {
  auto fg = Connect();
  Product p;
  // A 600 KiB argument: a typed error while under the transport bound ...
  try {
    fg->getProduct(p, std::string(600 * 1024 / 2, 'x'));
    FAIL() << "oversized id accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "model");
  } catch (const apache::thrift::TException&) {
    // ... or the string limit closes the connection; either way not served.
  }
  // ... and a 2 MiB one is cut off by the message bound.
  auto big = Connect();
  EXPECT_THROW(big->getProduct(p, std::string(2 << 20, 'x')), apache::thrift::TException);
  // Other clients are still served.
  auto again = Connect();
  IngestStatus st;
  again->ingestStatus(st);
  EXPECT_EQ(st.records, 0);
  // A second server on the same port is refused with a clear error.
  ServerOptions same;
  same.port = server_->port();
  auto clash = Server::Start(std::make_shared<Handler>(store_.get(), pipeline_.get(), nullptr), same);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos);
  EXPECT_THROW(again->getProduct(p, std::string(1000, 'y')), BadRequest);
}

}  // namespace faultgraph::api
