// Who may call faultgraphd: principals (a name and a role) with an API
// token each, kept in the graph store (Cf::kAudit, keys::Principal) as a
// BLAKE2b hash of the token only. A token is "fg1.NAME.SECRET" with 32
// random bytes of secret (hex): far too much entropy to guess, so a fast
// hash is safe (docs/SECURITY.md says why not a password hash).
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "api/roles.h"
#include "common/status.h"
#include "graph/graph_store.h"

namespace faultgraph::api {

struct PrincipalRecord {
  std::string name;
  Role role = Role::kAgent;
  int64_t created_ms = 0;
  bool revoked = false;
  int64_t revoked_ms = 0;
  std::string token_hash;  // hex BLAKE2b-256 of the secret
};

class PrincipalStore {
 public:
  // Not owned; must outlive this.
  explicit PrincipalStore(graph::GraphStore* store);

  // A new principal and its token (returned once, never stored).
  // InvalidArgument for a name outside [A-Za-z0-9_-]{1,64} or one already
  // used (revoked ones included: names in the audit trail stay unique).
  Result<std::pair<PrincipalRecord, std::string>> Add(const std::string& name, Role role);
  // Every principal, revoked ones included, by name.
  Result<std::vector<PrincipalRecord>> List() const;
  // NotFound for an unknown name; revoking twice is not an error.
  Status Revoke(const std::string& name);
  // The principal of `token`. InvalidArgument when it is malformed;
  // NotFound when unknown, revoked or wrong (callers say the same to all).
  Result<PrincipalRecord> Verify(const std::string& token) const;
  // The principal by name (NotFound when absent).
  Result<PrincipalRecord> Get(const std::string& name) const;
  // Increases on every revocation: sessions signed in before re-check.
  uint64_t revocations() const { return revocations_.load(); }

  // On a first start (no principal at all): creates "admin" and writes its
  // token to `token_path`, readable by this user only (0600). Returns
  // whether it did; IOError when the file cannot be written.
  Result<bool> CreateFirstAdmin(const std::string& token_path);

 private:
  Status Put(const PrincipalRecord& p);
  graph::GraphStore* store_;
  std::mutex write_mu_;  // check-then-write of Add and Revoke
  std::atomic<uint64_t> revocations_{0};
};

// The token in `path` (one line, surrounding blanks ignored). IOError when
// unreadable; InvalidArgument when empty or when other users may read it.
Result<std::string> ReadTokenFile(const std::string& path);

}  // namespace faultgraph::api
