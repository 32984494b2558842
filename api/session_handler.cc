#include "api/session_handler.h"

#include <sys/stat.h>

#include <chrono>
#include <climits>
#include <cstdlib>

#include "common/clock.h"

namespace faultgraph::api {
namespace {

constexpr int kMaxFailedSignIns = 5;

// How a call ended, for the audit trail.
std::string OutcomeOf(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const BadRequest&) {
    return "bad_request";
  } catch (const NotFound&) {
    return "not_found";
  } catch (const Unavailable&) {
    return "unavailable";
  } catch (const Unauthenticated&) {
    return "unauthenticated";
  } catch (const Forbidden&) {
    return "forbidden";
  } catch (...) {
    return "error";
  }
}

[[noreturn]] void ThrowUnauthenticated(std::string message) {
  Unauthenticated e;
  e.message = std::move(message);
  throw e;
}

std::string Target(const char* name, const std::string& value) {
  return std::string(name) + "=" + value.substr(0, 200);
}

// The targets of a call that names nothing but optional filters.
std::vector<std::string> Targets(
    std::initializer_list<std::pair<const char*, const std::string*>> v) {
  std::vector<std::string> out;
  for (const auto& [name, value] : v) {
    if (!value->empty()) out.push_back(Target(name, *value));
  }
  return out;
}

}  // namespace

std::optional<std::string> ResolveUnder(const std::vector<std::string>& dirs,
                                        const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  std::string real = buf;
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  for (const auto& dir : dirs) {
    if (real.size() > dir.size() + 1 && real.compare(0, dir.size(), dir) == 0 &&
        (dir.back() == '/' || real[dir.size()] == '/'))
      return real;
  }
  return std::nullopt;
}

void SessionHandler::FillSession(Session& out) const {
  out.principal = signed_in_->principal;
  out.role = std::string(RoleName(signed_in_->role));
  out.permissions = PermissionsOf(signed_in_->role);
}

void SessionHandler::Authorize(const char* method) {
  if (!signed_in_) {
    ThrowUnauthenticated(
        "sign in first: this connection has not authenticated (faultgraph: --token-file FILE or "
        "$FAULTGRAPH_TOKEN)");
  }
  if (s_->principals->revocations() != signed_in_->revocations) {
    auto p = s_->principals->Get(signed_in_->principal);
    if (!p.ok() || p->revoked) {
      std::string who = signed_in_->principal;
      signed_in_.reset();
      ThrowUnauthenticated("principal '" + who + "' was revoked; sign in again");
    }
    signed_in_->revocations = s_->principals->revocations();
  }
  auto permission = PermissionOf(method);
  std::string needed = permission ? std::string(*permission) : "admin";
  if (!RoleGrants(signed_in_->role, needed)) {
    Forbidden f;
    f.permission = needed;
    f.message = std::string(method) + " needs permission '" + needed + "', which role '" +
                std::string(RoleName(signed_in_->role)) + "' of principal '" +
                signed_in_->principal + "' does not grant";
    throw f;
  }
  if (!s_->limiter->Allow(signed_in_->principal)) {
    Unavailable u;
    u.message = "rate limit: principal '" + signed_in_->principal + "' made more than " +
                std::to_string(static_cast<int>(s_->limiter->rate())) +
                " calls per second; retry shortly";
    throw u;
  }
}

template <typename Call>
void SessionHandler::Run(const char* method, std::vector<std::string> targets, Call&& call) {
  auto started = std::chrono::steady_clock::now();
  AuditEvent event;
  event.time_ms = SystemClock()->NowMillis();
  event.method = method;
  event.targets = std::move(targets);
  event.peer = connection_.peer;
  auto finish = [&](std::string outcome) {
    if (signed_in_) {
      event.principal = signed_in_->principal;
      event.role = std::string(RoleName(signed_in_->role));
    }
    event.outcome = std::move(outcome);
    event.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    if (s_->requests != nullptr)
      s_->requests->Record(event.method, event.outcome, event.duration_us);
    s_->audit->Record(std::move(event));
  };
  try {
    Authorize(method);
    call();
  } catch (...) {
    finish(OutcomeOf(std::current_exception()));
    throw;
  }
  finish("ok");
}

void SessionHandler::authenticate(Session& out, const std::string& token) {
  auto started = std::chrono::steady_clock::now();
  AuditEvent event;
  event.time_ms = SystemClock()->NowMillis();
  event.method = "authenticate";
  event.peer = connection_.peer;
  std::string failure;
  if (failed_sign_ins_ >= kMaxFailedSignIns) {
    failure = "too many failed sign-ins on this connection; open a new one";
  } else {
    auto p = s_->principals->Verify(token);
    if (p.ok()) {
      signed_in_ = SignedIn{p->name, p->role, s_->principals->revocations()};
      event.principal = p->name;
      event.role = std::string(RoleName(p->role));
    } else if (p.status().code() == Status::Code::kIOError) {
      failure = "cannot check the token now: " + p.status().message();
    } else {
      // One message for every kind of wrong token: it tells nothing apart.
      failure = "the token is not valid (malformed, unknown, revoked or wrong)";
      ++failed_sign_ins_;
    }
  }
  if (!failure.empty()) signed_in_.reset();
  event.outcome = failure.empty() ? "ok" : "unauthenticated";
  event.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  s_->audit->Record(std::move(event));
  if (!failure.empty()) ThrowUnauthenticated(failure);
  FillSession(out);
}

void SessionHandler::whoami(Session& out) {
  if (!signed_in_) ThrowUnauthenticated("this connection has not signed in");
  FillSession(out);
}

void SessionHandler::ingestStatus(IngestStatus& out) {
  Run("ingestStatus", {}, [&] { s_->handler->ingestStatus(out); });
}

void SessionHandler::getProduct(Product& out, const std::string& model) {
  Run("getProduct", {Target("model", model)}, [&] { s_->handler->getProduct(out, model); });
}

void SessionHandler::neighbours(std::vector<Neighbour>& out, const NeighboursRequest& request) {
  Run("neighbours", Targets({{"id", &request.id}, {"product", &request.product}}),
      [&] { s_->handler->neighbours(out, request); });
}

void SessionHandler::getCase(CaseView& out, const std::string& caseId) {
  Run("getCase", {Target("caseId", caseId)}, [&] { s_->handler->getCase(out, caseId); });
}

// Who records it is the signed-in principal, never a value the caller sends.
void SessionHandler::recordOutcome(Outcome& out, const OutcomeRequest& request) {
  Run("recordOutcome", Targets({{"caseId", &request.caseId}, {"outcomeId", &request.outcomeId}}),
      [&] {
        if (!s_->record_outcome) {
          Unavailable u;
          u.message = "this server records no outcomes";
          throw u;
        }
        s_->record_outcome(out, request, signed_in_->principal);
      });
}

void SessionHandler::assetHistory(std::vector<TimelineItem>& out, const std::string& serial,
                                  int32_t limit) {
  Run("assetHistory", {Target("serial", serial)},
      [&] { s_->handler->assetHistory(out, serial, limit); });
}

void SessionHandler::assetView(AssetView& out, const std::string& serial, int32_t limit) {
  Run("assetView", {Target("serial", serial)}, [&] { s_->handler->assetView(out, serial, limit); });
}

void SessionHandler::deadLetters(std::vector<DeadLetter>& out, const std::string& source,
                                 int32_t limit) {
  Run("deadLetters", Targets({{"source", &source}}),
      [&] { s_->handler->deadLetters(out, source, limit); });
}

void SessionHandler::deadLetter(DeadLetter& out, const std::string& id) {
  Run("deadLetter", {Target("id", id)}, [&] { s_->handler->deadLetter(out, id); });
}

// Search text is never audited (it is what the customer said).
void SessionHandler::searchFixes(SearchResult& out, const std::string& query,
                                 const SearchFilters& filters, int32_t offset, int32_t limit) {
  Run("searchFixes", Targets({{"product", &filters.product}}),
      [&] { s_->handler->searchFixes(out, query, filters, offset, limit); });
}

void SessionHandler::similarCases(SearchResult& out, const std::string& caseId,
                                  const std::string& text, const SearchFilters& filters,
                                  int32_t limit) {
  Run("similarCases", Targets({{"caseId", &caseId}, {"product", &filters.product}}),
      [&] { s_->handler->similarCases(out, caseId, text, filters, limit); });
}

void SessionHandler::rootCause(RootCauseAnswer& out, const RootCauseRequest& request) {
  Run("rootCause", Targets({{"product", &request.product}, {"serial", &request.serial}}),
      [&] { s_->handler->rootCause(out, request); });
}

void SessionHandler::repeatFailures(std::vector<RepeatRow>& out, const RepeatRequest& request) {
  Run("repeatFailures", Targets({{"product", &request.product}}),
      [&] { s_->handler->repeatFailures(out, request); });
}

void SessionHandler::defectTrends(TrendReport& out, const TrendRequest& request) {
  Run("defectTrends", Targets({{"product", &request.product}, {"component", &request.component}}),
      [&] { s_->handler->defectTrends(out, request); });
}

void SessionHandler::defectFeed(FeedPage& out, const std::string& cursor, int32_t max) {
  Run("defectFeed", Targets({{"cursor", &cursor}}),
      [&] { s_->handler->defectFeed(out, cursor, max); });
}

void SessionHandler::kpis(std::vector<KpiRow>& out, const KpiRequest& request) {
  Run("kpis", Targets({{"product", &request.product}, {"region", &request.region}}),
      [&] { s_->handler->kpis(out, request); });
}

void SessionHandler::repeatContacts(std::vector<RepeatContactRow>& out,
                                    const RepeatContactRequest& request) {
  Run("repeatContacts", Targets({{"product", &request.product}}),
      [&] { s_->handler->repeatContacts(out, request); });
}

void SessionHandler::cohortRates(std::vector<CohortCell>& out, const CohortRequest& request) {
  Run("cohortRates", Targets({{"product", &request.product}, {"component", &request.component}}),
      [&] { s_->handler->cohortRates(out, request); });
}

void SessionHandler::cohortMatrix(CohortMatrix& out, const CohortRequest& request) {
  Run("cohortMatrix", Targets({{"product", &request.product}, {"component", &request.component}}),
      [&] { s_->handler->cohortMatrix(out, request); });
}

void SessionHandler::runConnector(const std::string& name, bool full) {
  Run("runConnector", {Target("connector", name)}, [&] { s_->handler->runConnector(name, full); });
}

void SessionHandler::backfillConnector(const std::string& name, const std::string& fromValue,
                                       const std::string& toValue) {
  Run("backfillConnector", {Target("connector", name)},
      [&] { s_->handler->backfillConnector(name, fromValue, toValue); });
}

void SessionHandler::resetConnector(const std::string& name) {
  Run("resetConnector", {Target("connector", name)}, [&] { s_->handler->resetConnector(name); });
}

void SessionHandler::connectorStatus(std::vector<ConnectorState>& out, const std::string& name) {
  Run("connectorStatus", Targets({{"connector", &name}}),
      [&] { s_->handler->connectorStatus(out, name); });
}

void SessionHandler::connectorRuns(std::vector<ConnectorRun>& out, const std::string& name,
                                   int32_t limit) {
  Run("connectorRuns", Targets({{"connector", &name}}),
      [&] { s_->handler->connectorRuns(out, name, limit); });
}

int64_t SessionHandler::reindex() {
  int64_t n = 0;
  Run("reindex", {}, [&] { n = s_->handler->reindex(); });
  return n;
}

void SessionHandler::verifyIndex(IndexCheck& out, bool repair) {
  Run("verifyIndex", {}, [&] { s_->handler->verifyIndex(out, repair); });
}

void SessionHandler::trainModels(ModelSummary& out) {
  Run("trainModels", {}, [&] { s_->handler->trainModels(out); });
}

void SessionHandler::listModels(std::vector<ModelSummary>& out) {
  Run("listModels", {}, [&] { s_->handler->listModels(out); });
}

// A path a client gives the daemon to read (ingestFile, retryDeadLetters):
// the real path of an existing file under an --import-dir, else BadRequest
// naming `field`. A path outside (or one that does not exist: the two get
// the same answer) is refused before anything is opened, so no byte of it
// can come back in an error or a dead letter.
std::string SessionHandler::ImportPath(const char* field, const std::string& path) const {
  auto real = ResolveUnder(s_->import_dirs, path);
  if (real) return *real;
  BadRequest bad;
  bad.field = field;
  bad.message = s_->import_dirs.empty()
                    ? "this daemon reads no files: start it with --import-dir DIR"
                    : std::string(field) + " must name an existing file under an import " +
                          "folder of the daemon (--import-dir)";
  throw bad;
}

void SessionHandler::ingestFile(IngestResult& out, const std::string& mappingPath,
                                const std::string& filePath) {
  Run("ingestFile", {Target("mappingPath", mappingPath), Target("filePath", filePath)}, [&] {
    std::string mapping = ImportPath("mappingPath", mappingPath);
    std::string file = ImportPath("filePath", filePath);
    s_->handler->ingestFile(out, mapping, file);
  });
}

void SessionHandler::retryDeadLetters(std::vector<DeadLetterRetry>& out,
                                      const std::vector<std::string>& ids,
                                      const std::string& mappingPath) {
  Run("retryDeadLetters",
      {Target("ids", std::to_string(ids.size())), Target("mappingPath", mappingPath)},
      [&] { s_->handler->retryDeadLetters(out, ids, ImportPath("mappingPath", mappingPath)); });
}

void SessionHandler::digest(GraphDigest& out) {
  Run("digest", {}, [&] { s_->handler->digest(out); });
}

void SessionHandler::addPrincipal(NewPrincipal& out, const std::string& name,
                                  const std::string& role) {
  Run("addPrincipal", {Target("principal", name), Target("role", role)},
      [&] { s_->handler->addPrincipal(out, name, role); });
}

void SessionHandler::listPrincipals(std::vector<Principal>& out) {
  Run("listPrincipals", {}, [&] { s_->handler->listPrincipals(out); });
}

void SessionHandler::revokePrincipal(const std::string& name) {
  Run("revokePrincipal", {Target("principal", name)}, [&] { s_->handler->revokePrincipal(name); });
}

void SessionHandler::auditLog(std::vector<AuditRecord>& out, const AuditQuery& query) {
  Run("auditLog", Targets({{"principal", &query.principal}, {"method", &query.method}}), [&] {
    (void)s_->audit->Flush();  // the calls just made are in the answer
    s_->handler->auditLog(out, query);
  });
}

}  // namespace faultgraph::api
