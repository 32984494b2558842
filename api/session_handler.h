// The handler of one Thrift connection in faultgraphd: nothing is served
// before the connection signs in (authenticate), each call is checked
// against the principal's role (api/roles.h) and rate limit, every call is
// audited (api/audit_log.h), and ingestFile reads only under the import
// folders. Allowed calls go on to the shared Handler. One per connection
// (api/server.h's HandlerFactory); a connection's calls come one at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/audit_log.h"
#include "api/gen-cpp/FaultGraph.h"
#include "api/principals.h"
#include "api/rate_limiter.h"
#include "api/request_metrics.h"
#include "api/server.h"

namespace faultgraph::api {

// What every session shares (not owned; they outlive the server).
struct SessionServices {
  FaultGraphIf* handler = nullptr;  // the shared api::Handler
  PrincipalStore* principals = nullptr;
  AuditLog* audit = nullptr;
  RateLimiter* limiter = nullptr;
  RequestMetrics* requests = nullptr;    // per-method counts and latency (/metrics); may be null
  std::vector<std::string> import_dirs;  // real paths; empty: ingestFile refused
  // recordOutcome as the signed-in principal (api::Handler::RecordOutcome);
  // unset: recordOutcome is Unavailable.
  std::function<void(Outcome&, const OutcomeRequest&, const std::string& principal)> record_outcome;
};

class SessionHandler : public FaultGraphIf {
 public:
  SessionHandler(const SessionServices* services, ConnectionInfo connection)
      : s_(services), connection_(std::move(connection)) {}

  void authenticate(Session& out, const std::string& token) override;
  void whoami(Session& out) override;

  void ingestStatus(IngestStatus& out) override;
  void getProduct(Product& out, const std::string& model) override;
  void neighbours(std::vector<Neighbour>& out, const NeighboursRequest& request) override;
  void getCase(CaseView& out, const std::string& caseId) override;
  void recordOutcome(Outcome& out, const OutcomeRequest& request) override;
  void assetHistory(std::vector<TimelineItem>& out, const std::string& serial,
                    int32_t limit) override;
  void assetView(AssetView& out, const std::string& serial, int32_t limit) override;
  void deadLetters(std::vector<DeadLetter>& out, const std::string& source, int32_t limit) override;
  void deadLetter(DeadLetter& out, const std::string& id) override;
  void retryDeadLetters(std::vector<DeadLetterRetry>& out, const std::vector<std::string>& ids,
                        const std::string& mappingPath) override;
  void digest(GraphDigest& out) override;
  void searchFixes(SearchResult& out, const std::string& query, const SearchFilters& filters,
                   int32_t offset, int32_t limit) override;
  void similarCases(SearchResult& out, const std::string& caseId, const std::string& text,
                    const SearchFilters& filters, int32_t limit) override;
  void rootCause(RootCauseAnswer& out, const RootCauseRequest& request) override;
  void repeatFailures(std::vector<RepeatRow>& out, const RepeatRequest& request) override;
  void defectTrends(TrendReport& out, const TrendRequest& request) override;
  void defectFeed(FeedPage& out, const std::string& cursor, int32_t max) override;
  void kpis(std::vector<KpiRow>& out, const KpiRequest& request) override;
  void repeatContacts(std::vector<RepeatContactRow>& out,
                      const RepeatContactRequest& request) override;
  void cohortRates(std::vector<CohortCell>& out, const CohortRequest& request) override;
  void cohortMatrix(CohortMatrix& out, const CohortRequest& request) override;
  void runConnector(const std::string& name, bool full) override;
  void backfillConnector(const std::string& name, const std::string& fromValue,
                         const std::string& toValue) override;
  void resetConnector(const std::string& name) override;
  void connectorStatus(std::vector<ConnectorState>& out, const std::string& name) override;
  void connectorRuns(std::vector<ConnectorRun>& out, const std::string& name,
                     int32_t limit) override;
  int64_t reindex() override;
  void verifyIndex(IndexCheck& out, bool repair) override;
  void trainModels(ModelSummary& out) override;
  void listModels(std::vector<ModelSummary>& out) override;
  void ingestFile(IngestResult& out, const std::string& mappingPath,
                  const std::string& filePath) override;
  void addPrincipal(NewPrincipal& out, const std::string& name, const std::string& role) override;
  void listPrincipals(std::vector<Principal>& out) override;
  void revokePrincipal(const std::string& name) override;
  void auditLog(std::vector<AuditRecord>& out, const AuditQuery& query) override;

 private:
  struct SignedIn {
    std::string principal;
    Role role;
    uint64_t revocations;  // PrincipalStore::revocations() at sign-in
  };
  // Checks sign-in, role and rate limit for `method`, runs `call`, and
  // audits the call with `targets` whatever the outcome.
  template <typename Call>
  void Run(const char* method, std::vector<std::string> targets, Call&& call);
  void Authorize(const char* method);
  void FillSession(Session& out) const;
  // The real path of an existing file under an --import-dir; else
  // BadRequest naming `field`.
  std::string ImportPath(const char* field, const std::string& path) const;

  const SessionServices* s_;
  const ConnectionInfo connection_;
  std::optional<SignedIn> signed_in_;
  int failed_sign_ins_ = 0;
};

// `path` resolved (realpath: no "..", no symlink out) when it names a
// file under one of `dirs` (real paths); nullopt otherwise.
std::optional<std::string> ResolveUnder(const std::vector<std::string>& dirs,
                                        const std::string& path);

}  // namespace faultgraph::api
