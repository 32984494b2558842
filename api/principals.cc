#include "api/principals.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "graph/key_codec.h"

namespace faultgraph::api {
namespace {

constexpr std::string_view kTokenPrefix = "fg1.";
constexpr size_t kSecretBytes = 32;
constexpr size_t kMaxNameBytes = 64;

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string HashSecret(std::string_view secret) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  return Hex(hash, sizeof hash);
}

std::string Encode(const PrincipalRecord& p) {
  return nlohmann::json{{"role", RoleName(p.role)},
                        {"created_ms", p.created_ms},
                        {"revoked", p.revoked},
                        {"revoked_ms", p.revoked_ms},
                        {"token_hash", p.token_hash}}
      .dump();
}

Result<PrincipalRecord> Decode(const std::string& name, std::string_view value) {
  auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  PrincipalRecord p;
  p.name = name;
  if (!j.is_object() || !j.contains("role") || !j["role"].is_string())
    return Status::Corruption("principal '" + name + "' is not readable");
  auto role = ParseRole(j["role"].get<std::string>());
  if (!role) return Status::Corruption("principal '" + name + "' has an unknown role");
  p.role = *role;
  p.created_ms = j.value("created_ms", int64_t{0});
  p.revoked = j.value("revoked", false);
  p.revoked_ms = j.value("revoked_ms", int64_t{0});
  p.token_hash = j.value("token_hash", std::string());
  return p;
}

}  // namespace

PrincipalStore::PrincipalStore(graph::GraphStore* store) : store_(store) {
  // Idempotent and thread-safe; -1 only when no randomness is available,
  // which randombytes_buf then aborts on rather than returning weak bytes.
  (void)sodium_init();
}

Status PrincipalStore::Put(const PrincipalRecord& p) {
  auto batch = store_->NewBatch();
  batch.PutPrincipal(p.name, Encode(p));
  return store_->Commit(batch);
}

Result<PrincipalRecord> PrincipalStore::Get(const std::string& name) const {
  if (!ValidName(name)) return Status::NotFound("no principal '" + name + "'");
  auto rows = store_->ScanRaw(graph::Cf::kAudit, graph::keys::Principal(name), 1, false);
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->front().first != graph::keys::Principal(name))
    return Status::NotFound("no principal '" + name + "'");
  return Decode(name, rows->front().second);
}

Result<std::pair<PrincipalRecord, std::string>> PrincipalStore::Add(const std::string& name,
                                                                    Role role) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("principal name '" + name.substr(0, kMaxNameBytes) +
                                   "' must be 1 to 64 letters, digits, '_' or '-'");
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  auto existing = Get(name);
  if (existing.ok())
    return Status::InvalidArgument("a principal named '" + name + "' exists already" +
                                   (existing->revoked ? " (revoked; names are not reused)" : ""));
  if (!existing.status().IsNotFound()) return existing.status();
  unsigned char secret[kSecretBytes];
  randombytes_buf(secret, sizeof secret);
  std::string secret_hex = Hex(secret, sizeof secret);
  sodium_memzero(secret, sizeof secret);
  PrincipalRecord p;
  p.name = name;
  p.role = role;
  p.created_ms = SystemClock()->NowMillis();
  p.token_hash = HashSecret(secret_hex);
  FG_RETURN_IF_ERROR(Put(p));
  return std::pair{p, std::string(kTokenPrefix) + name + "." + secret_hex};
}

Result<std::vector<PrincipalRecord>> PrincipalStore::List() const {
  std::vector<PrincipalRecord> out;
  Status bad;
  Status s = store_->ForEachRaw(graph::Cf::kAudit, graph::keys::PrincipalPrefix(), false,
                                [&](std::string_view key, std::string_view value) {
                                  graph::KeyReader r(key);
                                  uint8_t tag = 0;
                                  std::string name;
                                  if (!r.Tag(&tag) || !r.Str(&name)) return true;
                                  auto p = Decode(name, value);
                                  if (!p.ok()) {
                                    bad = p.status();
                                    return false;
                                  }
                                  out.push_back(std::move(p).value());
                                  return true;
                                });
  FG_RETURN_IF_ERROR(s);
  FG_RETURN_IF_ERROR(bad);
  return out;
}

Status PrincipalStore::Revoke(const std::string& name) {
  std::lock_guard<std::mutex> lock(write_mu_);
  auto p = Get(name);
  if (!p.ok()) return p.status();
  if (p->revoked) return Status::Ok();
  p->revoked = true;
  p->revoked_ms = SystemClock()->NowMillis();
  p->token_hash.clear();
  FG_RETURN_IF_ERROR(Put(*p));
  ++revocations_;
  return Status::Ok();
}

Result<PrincipalRecord> PrincipalStore::Verify(const std::string& token) const {
  std::string_view t = token;
  size_t dot = t.rfind('.');
  if (!t.starts_with(kTokenPrefix) || dot == std::string_view::npos || dot < kTokenPrefix.size() ||
      t.size() - dot - 1 != kSecretBytes * 2) {
    return Status::InvalidArgument("not a faultgraph token (fg1.NAME.SECRET)");
  }
  std::string name(t.substr(kTokenPrefix.size(), dot - kTokenPrefix.size()));
  auto p = Get(name);
  if (!p.ok()) return p.status();
  std::string hash = HashSecret(t.substr(dot + 1));
  if (p->revoked || p->token_hash.size() != hash.size() ||
      sodium_memcmp(p->token_hash.data(), hash.data(), hash.size()) != 0) {
    return Status::NotFound("token does not match");
  }
  return p;
}

Result<bool> PrincipalStore::CreateFirstAdmin(const std::string& token_path) {
  auto any = store_->ScanRaw(graph::Cf::kAudit, graph::keys::PrincipalPrefix(), 1, false);
  if (!any.ok()) return any.status();
  if (!any->empty()) return false;
  // The file first, so that a failure leaves no admin whose token is lost.
  std::string tmp = token_path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create " + tmp);
  auto added = Add("admin", Role::kAdmin);
  if (!added.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return added.status();
  }
  std::string line = added->second + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                 ::fsync(fd) == 0;
  written = (::close(fd) == 0) && written;
  if (!written || ::rename(tmp.c_str(), token_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    (void)Revoke("admin");
    return Status::IOError("cannot write the admin token to " + token_path);
  }
  return true;
}

Result<std::string> ReadTokenFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::IOError("cannot read token file " + path);
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Status::InvalidArgument("token file " + path +
                                   " may be read by other users; chmod 600 it");
  }
  std::ifstream in(path);
  std::string token;
  if (!in || !(in >> token)) return Status::InvalidArgument("token file " + path + " is empty");
  return token;
}

}  // namespace faultgraph::api
