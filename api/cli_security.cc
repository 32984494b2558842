#include "api/cli_security.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/cli_format.h"
#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

using nlohmann::json;

json ToJson(const api::Principal& p) {
  return {{"name", p.name},
          {"role", p.role},
          {"createdMs", p.createdMs},
          {"revoked", p.revoked},
          {"revokedMs", p.revokedMs}};
}

// The token to `path`, readable by this user only.
bool WriteTokenFile(const std::string& path, const std::string& token) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::string line = token + "\n";
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  return (::close(fd) == 0) && ok;
}

}  // namespace

int RunUsersCommand(const UsersCommand& cmd, api::FaultGraphIf& fg) {
  if (cmd.verb == "add") {
    if (cmd.name.empty() || cmd.role.empty()) {
      std::fprintf(stderr, "faultgraph: users add NAME --role agent|rnd|operator|admin\n");
      return 2;
    }
    api::NewPrincipal added;
    fg.addPrincipal(added, cmd.name, cmd.role);
    if (!cmd.token_out.empty()) {
      if (!WriteTokenFile(cmd.token_out, added.token)) {
        std::fprintf(stderr, "faultgraph: cannot write %s; principal '%s' exists, revoke it\n",
                     cmd.token_out.c_str(), cmd.name.c_str());
        return 1;
      }
      std::fprintf(stderr, "principal '%s' (%s): token written to %s\n", cmd.name.c_str(),
                   cmd.role.c_str(), cmd.token_out.c_str());
    } else if (cmd.as_json) {
      json j = ToJson(added.principal);
      j["token"] = added.token;
      std::printf("%s\n", j.dump(2).c_str());
    } else {
      std::fprintf(stderr, "principal '%s' (%s); its token, shown this once:\n", cmd.name.c_str(),
                   cmd.role.c_str());
      std::printf("%s\n", added.token.c_str());
    }
    return 0;
  }
  if (cmd.verb == "list") {
    std::vector<api::Principal> all;
    fg.listPrincipals(all);
    if (cmd.as_json) {
      json out = json::array();
      for (const auto& p : all) out.push_back(ToJson(p));
      std::printf("%s\n", out.dump(2).c_str());
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : all) {
      rows.push_back({p.name, p.role, FormatTime(p.createdMs),
                      p.revoked ? "revoked " + FormatTime(p.revokedMs) : "active"});
    }
    PrintTable(TrAll({"principal", "role", "created", "status"}), rows);
    return 0;
  }
  if (cmd.verb == "revoke") {
    if (cmd.name.empty()) {
      std::fprintf(stderr, "faultgraph: users revoke NAME\n");
      return 2;
    }
    fg.revokePrincipal(cmd.name);
    std::fprintf(stderr, "principal '%s' revoked\n", cmd.name.c_str());
    return 0;
  }
  std::fprintf(stderr, "faultgraph: users takes add, list or revoke\n");
  return 2;
}

int RunAuditCommand(const AuditCommand& cmd, api::FaultGraphIf& fg) {
  api::AuditQuery q;
  q.sinceMs = cmd.since_ms;
  q.principal = cmd.principal;
  q.method = cmd.method;
  q.limit = cmd.limit;
  std::vector<api::AuditRecord> records;
  fg.auditLog(records, q);
  if (cmd.as_json) {
    json out = json::array();
    for (const auto& r : records) {
      out.push_back({{"timeMs", r.timeMs},
                     {"principal", r.principal},
                     {"role", r.role},
                     {"method", r.method},
                     {"targets", r.targets},
                     {"outcome", r.outcome},
                     {"durationUs", r.durationUs},
                     {"peer", r.peer}});
    }
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : records) {
    std::string targets;
    for (const auto& t : r.targets) targets += (targets.empty() ? "" : " ") + t;
    rows.push_back({FormatTime(r.timeMs), r.principal.empty() ? "-" : r.principal, r.role, r.method,
                    r.outcome, std::to_string(r.durationUs / 1000) + " ms", targets, r.peer});
  }
  PrintTable(TrAll({"time", "principal", "role", "method", "outcome", "took", "targets", "client"}),
             rows);
  return 0;
}

}  // namespace faultgraph::cli
