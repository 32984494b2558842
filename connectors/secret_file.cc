#include "connectors/secret_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/file_util.h"
#include "common/redact.h"
#include "ingest/text.h"

namespace faultgraph::connectors {
namespace {

// A token or password; anything longer is not a secret file (and a device or
// a FIFO named by mistake must not hang loading the connectors file).
constexpr off_t kMaxSecretFileBytes = 64 * 1024;

}  // namespace

Status CheckSecretFile(const std::string& path, const std::string& what) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound(what + " " + path + " does not exist");
    return Status::IOError("cannot stat " + what + " " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(what + " " + path + " is not a file");
  if (st.st_size > kMaxSecretFileBytes)
    return Status::InvalidArgument(what + " " + path + " holds " + std::to_string(st.st_size) +
                                   " bytes; a secret file holds one secret (at most " +
                                   std::to_string(kMaxSecretFileBytes) + " bytes)");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::InvalidArgument(what + " " + path + " is open to group or others (mode " + mode +
                                   "): chmod 600 " + path);
  }
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const std::string& path, const std::string& what) {
  FG_RETURN_IF_ERROR(CheckSecretFile(path, what));
  auto text = ReadFileToString(path, what);
  if (!text.ok()) return text.status();
  std::string secret(ingest::Trim(*text));
  ProcessRedactor().AddSecret(secret);
  return secret;
}

std::vector<SecretFileSetting> SecretFiles(const ConnectorConfig& c) {
  std::vector<SecretFileSetting> out;
  auto add = [&](const std::string& path, const char* key) {
    if (!path.empty())
      out.push_back({key, path, std::string(key) + " of connector '" + c.name + "'"});
  };
  if (c.type == "postgres") add(c.postgres.password_file, "password_file");
  if (c.type == "http") add(c.http.token_file, "token_file");
  if (c.type == "mqtt") add(c.mqtt.password_file, "password_file");
  return out;
}

void RegisterSecrets(const ConnectorConfig& c) {
  Redactor& r = ProcessRedactor();
  if (c.type == "http") r.AddSecretsOf(c.http.url);
  if (c.type == "postgres") r.AddSecretsOf(c.postgres.conninfo);
  for (const auto& f : SecretFiles(c)) {
    // Even one open to others: old records may hold its secret.
    struct stat st;
    if (::stat(f.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > kMaxSecretFileBytes)
      continue;
    auto text = ReadFileToString(f.path, f.what);
    if (text.ok()) r.AddSecret(*text);
  }
}

}  // namespace faultgraph::connectors
