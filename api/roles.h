// Roles and the permission each API method needs. A principal has one
// role; a role grants a fixed set of permissions; admin grants all.
//
//   agent     search, rootcause, cases.read, outcomes.write, graph.read, status
//   rnd       analytics.read, graph.read, status
//   operator  connectors, ingest, dlq, index, graph.read, status
//   admin     all of the above, users, audit.read
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::api {

enum class Role { kAgent, kRnd, kOperator, kAdmin };

std::string_view RoleName(Role role);
// "agent", "rnd", "operator", "admin"; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);
// "agent, rnd, operator or admin", for error messages.
std::string_view RoleNames();

// The permission a method of the FaultGraph service needs; nullopt for a
// method every signed-in caller may call (whoami) or one not in the table
// (refused by the caller of this function: unknown methods need admin).
std::optional<std::string_view> PermissionOf(std::string_view method);
bool RoleGrants(Role role, std::string_view permission);
std::vector<std::string> PermissionsOf(Role role);

}  // namespace faultgraph::api
