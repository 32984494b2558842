// `faultgraph users ...` and `faultgraph audit`: principals and their
// tokens, and the audit trail of faultgraphd. Embedded (--data) they work
// on the store directly (the daemon stopped); through --server they need
// an admin's token.
#pragma once

#include <cstdint>
#include <string>

#include "api/gen-cpp/FaultGraph.h"

namespace faultgraph::cli {

struct UsersCommand {
  std::string verb;       // add | list | revoke
  std::string name;       // add, revoke
  std::string role;       // add
  std::string token_out;  // add: write the token to this file (0600) instead of stdout
  bool as_json = false;
};

// Returns the exit code: 0 done, 1 a file could not be written, 2 a bad
// command. Thrift exceptions (BadRequest, Forbidden, ...) propagate.
int RunUsersCommand(const UsersCommand& cmd, api::FaultGraphIf& fg);

struct AuditCommand {
  int64_t since_ms = 0;
  std::string principal;
  std::string method;
  int limit = 100;
  bool as_json = false;
};

int RunAuditCommand(const AuditCommand& cmd, api::FaultGraphIf& fg);

}  // namespace faultgraph::cli
