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
    auto search = SearchService::Open(store_.get(), dir_.Path("index"), /*background=*/true);
    ASSERT_TRUE(search.ok()) << search.status().ToString();
    search_ = std::move(search).value();
    ServerOptions options;
    options.port = 0;
    options.max_message_bytes = 1 << 20;
    options.max_string_bytes = 256 * 1024;
    auto s = Server::Start(std::make_shared<Handler>(store_.get(), pipeline_.get(), search_.get()),
                           options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  void TearDown() override {
    server_->Stop();
    server_.reset();
    search_.reset();
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
  std::unique_ptr<SearchService> search_;
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

TEST_F(ServerTest, SearchAndSimilarCasesOverThrift) {
  std::string mapping = Write("t.toml", R"(
[source]
name = "crm"
record = "case"
[key]
columns = ["id"]
[fields]
case_id = "id"
product = "model"
family = { const = "AC" }
opened = "opened"
symptom_text = "text"
components = "part"
)");
  std::string csv = Write("t.csv",
                          "id,model,opened,text,part\n"
                          "T1,AC-200,2024-03-01,空调压缩机不制冷 E4,COMP-1\n"
                          "T2,AC-200,2024-03-02,壓縮機不製冷 E4,COMP-1\n"
                          "T3,AC-300,2024-03-03,fan noise at night,FAN-2\n");
  auto fg = Connect();
  IngestResult r;
  fg->ingestFile(r, mapping, csv);
  ASSERT_EQ(r.applied, 3);
  ASSERT_TRUE(search_->CatchUp().ok());  // the background indexer may not have run yet
  SearchResult found;
  fg->searchFixes(found, "压缩机", SearchFilters(), 0, 10);
  ASSERT_EQ(found.hits.size(), 2u);
  EXPECT_NE(found.hits[0].snippet.find("[压缩机]"), std::string::npos) << found.hits[0].snippet;
  EXPECT_EQ(found.facets["component"].at(0).value, "COMP-1");
  EXPECT_EQ(found.facets["component"].at(0).count, 2);
  SearchResult similar;
  fg->similarCases(similar, "T1", "", SearchFilters(), 5);
  ASSERT_FALSE(similar.hits.empty());
  EXPECT_EQ(similar.hits[0].id, "T2");  // the traditional twin, never T1 itself
  for (const auto& h : similar.hits) EXPECT_NE(h.id, "T1");
  SearchFilters bad;
  bad.kind = "ticket";
  try {
    fg->searchFixes(found, "x", bad, 0, 10);
    FAIL() << "bad kind accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "filters.kind");
  }
  EXPECT_THROW(fg->similarCases(similar, "T1", "text too", SearchFilters(), 5), BadRequest);
  EXPECT_THROW(fg->similarCases(similar, "NOPE", "", SearchFilters(), 5), NotFound);
  EXPECT_THROW(fg->searchFixes(found, "  ", SearchFilters(), 0, 10), BadRequest);
  EXPECT_EQ(fg->reindex(), 3);
  IndexCheck check;
  fg->verifyIndex(check, false);
  EXPECT_TRUE(check.clean);
  EXPECT_EQ(check.graphDocuments, 3);
  EXPECT_EQ(check.indexDocuments, 3);
  EXPECT_EQ(check.missing + check.stale + check.orphaned, 0);
  EXPECT_EQ(check.foundAtOpen, -1);  // a fresh index: nothing to check at open
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
  auto clash =
      Server::Start(std::make_shared<Handler>(store_.get(), pipeline_.get(), nullptr), same);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos);
  EXPECT_THROW(again->getProduct(p, std::string(1000, 'y')), BadRequest);
}

// Stop at once after Start (systemd may stop a service the moment it is
// ready): Start returns when the socket listens, before the serving thread
// has set up what stop() signals; the stop is not lost, Stop returns.
TEST_F(ServerTest, StopRightAfterStartReturns) {
  for (int i = 0; i < 10; ++i) {
    ServerOptions options;
    options.port = 0;
    auto s =
        Server::Start(std::make_shared<Handler>(store_.get(), pipeline_.get(), nullptr), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    (*s)->Stop();
  }
}

}  // namespace faultgraph::api
