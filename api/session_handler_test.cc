#include "api/session_handler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/client.h"
#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

constexpr const char* kMapping = R"(
[source]
name = "erp_products"
record = "product"
[key]
columns = ["model"]
[fields]
model = "model"
name = "name"
)";

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    search_ = std::move(SearchService::Open(store_.get(), dir_.Path("index"), false)).value();
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), search_.get());
    audit_ = std::make_unique<AuditLog>(store_.get(), AuditOptions{365, 50, false});
    std::filesystem::create_directories(dir_.Path("imports"));
    services_.handler = handler_.get();
    services_.principals = &handler_->principals();
    services_.audit = audit_.get();
    services_.limiter = &limiter_;
    services_.import_dirs = {std::filesystem::canonical(dir_.Path("imports")).string()};
    services_.record_outcome = [this](api::Outcome& out, const OutcomeRequest& r,
                                      const std::string& principal) {
      handler_->RecordOutcome(out, r, principal);
    };
    ServerOptions options;
    options.port = 0;
    server_ = std::move(Server::Start(
                            [this](const ConnectionInfo& c) {
                              return std::make_shared<SessionHandler>(&services_, c);
                            },
                            options))
                  .value();
  }
  void TearDown() override {
    server_.reset();
    audit_.reset();
  }
  // A principal of `role` and a connection signed in as it.
  std::shared_ptr<FaultGraphIf> As(const std::string& name, Role role) {
    auto added = handler_->principals().Add(name, role);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    ClientOptions o;
    o.token = added->second;
    auto c = ConnectToServer("127.0.0.1:" + std::to_string(server_->port()), o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }
  std::shared_ptr<FaultGraphIf> Anonymous() {
    return *ConnectToServer("127.0.0.1:" + std::to_string(server_->port()));
  }
  // The outcome of the newest audit record of (principal, method).
  std::string Outcome(const std::string& principal, const std::string& method) {
    EXPECT_TRUE(audit_->Flush().ok());
    AuditFilter f;
    f.principal = principal;
    f.method = method;
    f.limit = 1;
    auto r = QueryAudit(*store_, f);
    if (!r.ok() || r->empty()) return "none";
    return r->front().outcome;
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<SearchService> search_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<AuditLog> audit_;
  RateLimiter limiter_{1000, 2000};
  SessionServices services_;
  std::unique_ptr<Server> server_;
};

TEST_F(SessionTest, NothingIsServedBeforeSignIn) {
  auto anon = Anonymous();
  IngestStatus st;
  EXPECT_THROW(anon->ingestStatus(st), Unauthenticated);
  Session s;
  try {
    anon->authenticate(s, "fg1.admin." + std::string(64, '0'));
    FAIL() << "a made-up token signed in";
  } catch (const Unauthenticated& e) {
    EXPECT_NE(e.message.find("not valid"), std::string::npos) << e.message;
  }
  EXPECT_THROW(anon->ingestStatus(st), Unauthenticated);
  EXPECT_EQ(Outcome("", "ingestStatus"), "unauthenticated");
  // After 5 failures even the right token is refused on this connection.
  auto token = handler_->principals().Add("ops", Role::kOperator)->second;
  for (int i = 0; i < 4; ++i) EXPECT_THROW(anon->authenticate(s, "nonsense"), Unauthenticated);
  EXPECT_THROW(anon->authenticate(s, token), Unauthenticated);
  // A new connection with it is served.
  ClientOptions o;
  o.token = token;
  auto ok = *ConnectToServer("127.0.0.1:" + std::to_string(server_->port()), o);
  ok->whoami(s);
  EXPECT_EQ(s.principal, "ops");
  EXPECT_EQ(s.role, "operator");
}

TEST_F(SessionTest, EachRoleGetsItsCallsAndIsRefusedTheRest) {
  auto agent = As("ann", Role::kAgent);
  auto rnd = As("rick", Role::kRnd);
  auto op = As("olga", Role::kOperator);
  auto admin = As("root", Role::kAdmin);
  std::string mapping = dir_.Write("imports/p.toml", kMapping);
  std::string csv = dir_.Write("imports/p.csv", "model,name\nAC-1,Split\n");

  IngestResult r;
  try {
    agent->ingestFile(r, mapping, csv);
    FAIL() << "an agent ingested";
  } catch (const Forbidden& e) {
    EXPECT_EQ(e.permission, "ingest");
    EXPECT_NE(e.message.find("role 'agent'"), std::string::npos) << e.message;
  }
  op->ingestFile(r, mapping, csv);
  EXPECT_EQ(r.applied, 1);
  ASSERT_TRUE(search_->CatchUp().ok());
  SearchResult found;
  agent->searchFixes(found, "split", SearchFilters(), 0, 10);
  FeedPage page;
  rnd->defectFeed(page, "", 10);
  CaseView c;
  try {
    rnd->getCase(c, "T1");
    FAIL() << "rnd read a case";
  } catch (const Forbidden& e) {
    EXPECT_EQ(e.permission, "cases.read");
  }
  NewPrincipal np;
  try {
    op->addPrincipal(np, "eve", "admin");
    FAIL() << "an operator made a user";
  } catch (const Forbidden& e) {
    EXPECT_EQ(e.permission, "users");
  }
  admin->addPrincipal(np, "eve", "agent");
  EXPECT_EQ(np.principal.role, "agent");
  EXPECT_EQ(np.token.rfind("fg1.eve.", 0), 0u);
  std::vector<AuditRecord> trail;
  EXPECT_THROW(agent->auditLog(trail, AuditQuery()), Forbidden);

  EXPECT_EQ(Outcome("ann", "ingestFile"), "forbidden");
  EXPECT_EQ(Outcome("ann", "searchFixes"), "ok");
  EXPECT_EQ(Outcome("rick", "defectFeed"), "ok");
  EXPECT_EQ(Outcome("rick", "getCase"), "forbidden");
  EXPECT_EQ(Outcome("olga", "ingestFile"), "ok");
  EXPECT_EQ(Outcome("olga", "addPrincipal"), "forbidden");
  EXPECT_EQ(Outcome("root", "addPrincipal"), "ok");
  EXPECT_EQ(Outcome("ann", "auditLog"), "forbidden");
  // The admin reads the trail through the API, newest first, filtered.
  AuditQuery q;
  q.principal = "olga";
  admin->auditLog(trail, q);
  ASSERT_GE(trail.size(), 3u);  // authenticate, ingestFile, addPrincipal
  EXPECT_EQ(trail[0].method, "addPrincipal");
  EXPECT_EQ(trail[0].role, "operator");
  for (const auto& t : trail) EXPECT_EQ(t.principal, "olga");
  bool named = false;
  for (const auto& t : trail) {
    for (const auto& target : t.targets) named |= target == "filePath=" + csv;
  }
  EXPECT_TRUE(named);
}

TEST_F(SessionTest, AgentsRecordOutcomesAsThemselvesAndReadOnlyRolesAreRefused) {
  ingest::Case c;
  c.case_id = "T1";
  c.product = "AC-1";
  c.opened_ms = 1'709'303'400'000;
  c.components = {"COMP"};
  c.fixes = {"FX-1"};
  ASSERT_TRUE(pipeline_->ApplyRecords("crm", "s", {ingest::Record{"crm", "T1", "1", c}}, "1").ok());
  auto agent = As("ann", Role::kAgent);
  auto rnd = As("rick", Role::kRnd);
  OutcomeRequest req;
  req.caseId = "T1";
  req.component = "COMP";
  req.fix = "FX-9";
  req.worked = false;
  api::Outcome o;
  try {
    rnd->recordOutcome(o, req);
    FAIL() << "a read-only role recorded an outcome";
  } catch (const Forbidden& e) {
    EXPECT_EQ(e.permission, "outcomes.write");
  }
  try {
    agent->recordOutcome(o, req);
    FAIL() << "an unknown fix was taken";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "fix");
    EXPECT_NE(e.message.find("unknown fix 'FX-9'"), std::string::npos) << e.message;
  }
  EXPECT_EQ(Outcome("ann", "recordOutcome"), "bad_request");
  req.fix = "FX-1";
  agent->recordOutcome(o, req);
  EXPECT_EQ(o.outcomeId, "T1#ann");  // the signed-in principal, not a value sent
  EXPECT_EQ(o.by, "ann");
  EXPECT_FALSE(o.worked);
  CaseView view;
  agent->getCase(view, "T1");
  ASSERT_EQ(view.outcomes.size(), 1u);
  EXPECT_EQ(view.outcomes[0].by, "ann");
  EXPECT_EQ(view.outcomes[0].fix, "FX-1");
  EXPECT_EQ(Outcome("rick", "recordOutcome"), "forbidden");
  EXPECT_EQ(Outcome("ann", "recordOutcome"), "ok");
  ASSERT_TRUE(audit_->Flush().ok());
  AuditFilter f;
  f.principal = "ann";
  f.method = "recordOutcome";
  f.limit = 1;
  auto trail = QueryAudit(*store_, f);
  ASSERT_TRUE(trail.ok() && !trail->empty());
  EXPECT_EQ(trail->front().targets, (std::vector<std::string>{"caseId=T1"}));
}

TEST_F(SessionTest, IngestFileReadsOnlyUnderImportFolders) {
  auto op = As("olga", Role::kOperator);
  std::string mapping = dir_.Write("imports/p.toml", kMapping);
  std::string secret = dir_.Write("secret.csv", "model,name\nTOP-SECRET-LINE,x\n");
  std::filesystem::create_symlink(secret, dir_.Path("imports/link.csv"));
  IngestResult r;
  for (const std::string& path :
       {secret, dir_.Path("imports/../secret.csv"), dir_.Path("imports/link.csv"),
        std::string("/etc/shadow"), dir_.Path("imports/missing.csv")}) {
    try {
      op->ingestFile(r, mapping, path);
      FAIL() << path << " was read";
    } catch (const BadRequest& e) {
      EXPECT_EQ(e.field, "filePath") << path;
      EXPECT_EQ(e.message.find("TOP-SECRET"), std::string::npos) << e.message;
      EXPECT_NE(e.message.find("import folder"), std::string::npos) << e.message;
    }
  }
  EXPECT_THROW(op->ingestFile(r, secret, dir_.Path("imports/p.toml")), BadRequest);
  std::vector<DeadLetter> dead;
  op->deadLetters(dead, "", 100);
  EXPECT_TRUE(dead.empty());
}

TEST_F(SessionTest, RevokedTokenStopsAtOnceAndRateLimitRefuses) {
  auto agent = As("ann", Role::kAgent);
  auto admin = As("root", Role::kAdmin);
  IngestStatus st;
  agent->ingestStatus(st);
  admin->revokePrincipal("ann");
  EXPECT_THROW(agent->ingestStatus(st), Unauthenticated);
  std::vector<Principal> all;
  admin->listPrincipals(all);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "ann");
  EXPECT_TRUE(all[0].revoked);

  RateLimiter tight(1, 3);
  services_.limiter = &tight;
  int refused = 0;
  for (int i = 0; i < 6; ++i) {
    try {
      admin->ingestStatus(st);
    } catch (const Unavailable& e) {
      EXPECT_NE(e.message.find("rate limit"), std::string::npos) << e.message;
      ++refused;
    }
  }
  EXPECT_GE(refused, 2);
  services_.limiter = &limiter_;
}

}  // namespace
}  // namespace faultgraph::api
