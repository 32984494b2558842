#include "api/roles.h"

#include <algorithm>
#include <array>
#include <utility>

namespace faultgraph::api {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 35> kMethodPermissions = {{
    {"searchFixes", "search"},
    {"similarCases", "search"},
    {"rootCause", "rootcause"},
    {"getCase", "cases.read"},
    {"assetHistory", "cases.read"},
    {"assetView", "cases.read"},
    {"recordOutcome", "outcomes.write"},
    {"getProduct", "graph.read"},
    {"neighbours", "graph.read"},
    {"ingestStatus", "status"},
    {"repeatFailures", "analytics.read"},
    {"defectTrends", "analytics.read"},
    {"defectFeed", "analytics.read"},
    {"kpis", "analytics.read"},
    {"repeatContacts", "analytics.read"},
    {"cohortRates", "analytics.read"},
    {"cohortMatrix", "analytics.read"},
    {"runConnector", "connectors"},
    {"backfillConnector", "connectors"},
    {"resetConnector", "connectors"},
    {"connectorRuns", "connectors"},
    {"connectorStatus", "connectors"},
    {"ingestFile", "ingest"},
    {"deadLetters", "dlq"},
    {"deadLetter", "dlq"},
    {"retryDeadLetters", "dlq"},
    {"digest", "index"},
    {"reindex", "index"},
    {"verifyIndex", "index"},
    {"trainModels", "models"},
    {"listModels", "status"},
    {"addPrincipal", "users"},
    {"listPrincipals", "users"},
    {"revokePrincipal", "users"},
    {"auditLog", "audit.read"},
}};

constexpr std::array<std::string_view, 6> kAgent = {"search",         "rootcause",  "cases.read",
                                                    "outcomes.write", "graph.read", "status"};
constexpr std::array<std::string_view, 3> kRnd = {"analytics.read", "graph.read", "status"};
constexpr std::array<std::string_view, 7> kOperator = {
    "connectors", "ingest", "dlq", "index", "models", "graph.read", "status"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view p) {
  return std::find(set.begin(), set.end(), p) != set.end();
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kRnd:
      return "rnd";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "?";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kAgent, Role::kRnd, Role::kOperator, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view RoleNames() { return "agent, rnd, operator or admin"; }

std::optional<std::string_view> PermissionOf(std::string_view method) {
  for (const auto& [m, p] : kMethodPermissions) {
    if (m == method) return p;
  }
  return std::nullopt;
}

bool RoleGrants(Role role, std::string_view permission) {
  switch (role) {
    case Role::kAgent:
      return Contains(kAgent, permission);
    case Role::kRnd:
      return Contains(kRnd, permission);
    case Role::kOperator:
      return Contains(kOperator, permission);
    case Role::kAdmin:
      return true;
  }
  return false;
}

std::vector<std::string> PermissionsOf(Role role) {
  std::vector<std::string> out;
  for (const auto& [m, p] : kMethodPermissions) {
    if (RoleGrants(role, p) && std::find(out.begin(), out.end(), p) == out.end())
      out.emplace_back(p);
  }
  return out;
}

}  // namespace faultgraph::api
