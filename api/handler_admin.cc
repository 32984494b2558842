// Handler: sign-in, users and the audit trail, as the CLI's embedded mode
// and (behind api/session_handler.h's checks) faultgraphd serve them.
#include "api/api_errors.h"
#include "api/audit_log.h"
#include "api/handler.h"

namespace faultgraph::api {
namespace {

constexpr int32_t kMaxAuditLimit = 10'000;

Principal ToApi(const PrincipalRecord& p) {
  Principal out;
  out.name = p.name;
  out.role = std::string(RoleName(p.role));
  out.createdMs = p.created_ms;
  out.revoked = p.revoked;
  out.revokedMs = p.revoked_ms;
  return out;
}

void LocalSession(Session& out) {
  out.principal = "local";
  out.role = std::string(RoleName(Role::kAdmin));
  out.permissions = PermissionsOf(Role::kAdmin);
}

}  // namespace

void Handler::authenticate(Session& out, const std::string&) { LocalSession(out); }

void Handler::whoami(Session& out) { LocalSession(out); }

void Handler::addPrincipal(NewPrincipal& out, const std::string& name, const std::string& role) {
  auto r = ParseRole(role);
  if (!r) ThrowBad("role", "role '" + role + "' is not " + std::string(RoleNames()));
  auto added = Unwrap(principals_.Add(name, *r), "name");
  out.principal = ToApi(added.first);
  out.token = std::move(added.second);
}

void Handler::listPrincipals(std::vector<Principal>& out) {
  for (const auto& p : Unwrap(principals_.List(), "principals")) out.push_back(ToApi(p));
}

void Handler::revokePrincipal(const std::string& name) {
  ThrowIfError(principals_.Revoke(name), "name");
}

void Handler::auditLog(std::vector<AuditRecord>& out, const AuditQuery& query) {
  if (query.limit < 1 || query.limit > kMaxAuditLimit)
    ThrowBad("limit", "limit must be from 1 to " + std::to_string(kMaxAuditLimit));
  if (query.sinceMs < 0) ThrowBad("sinceMs", "sinceMs must not be negative");
  AuditFilter f;
  f.since_ms = query.sinceMs;
  f.principal = query.principal;
  f.method = query.method;
  f.limit = static_cast<size_t>(query.limit);
  for (auto& e : Unwrap(QueryAudit(*store_, f), "audit")) {
    AuditRecord r;
    r.timeMs = e.time_ms;
    r.principal = std::move(e.principal);
    r.role = std::move(e.role);
    r.method = std::move(e.method);
    r.targets = std::move(e.targets);
    r.outcome = std::move(e.outcome);
    r.durationUs = e.duration_us;
    r.peer = std::move(e.peer);
    out.push_back(std::move(r));
  }
}

}  // namespace faultgraph::api
