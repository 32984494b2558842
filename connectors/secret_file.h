// Connector secrets: the token and password files a connectors file names,
// and what its URLs and conninfo strings carry. Every secret read is
// registered with the process's redactor (common/redact.h) before it is
// used, so that no log line, run record, stored error or answer shows it.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/connector_config.h"

namespace faultgraph::connectors {

// A secret file's problems: it does not exist, is not a regular file, is
// over 64 KiB, or is open to group or others (any of mode 077) — each
// message names the file,
// `what` (e.g. "token_file of connector 'crm_api'") and, for the mode, the
// mode and the chmod that fixes it. Ok when it is an owner-only file.
Status CheckSecretFile(const std::string& path, const std::string& what);

// The secret in `path` (surrounding whitespace trimmed) once CheckSecretFile
// passes, registered with ProcessRedactor(); IOError naming the file when it
// cannot be read, the problem CheckSecretFile found otherwise.
Result<std::string> ReadSecretFile(const std::string& path, const std::string& what);

struct SecretFileSetting {
  std::string key;   // "token_file", "password_file" (in c's [connector.<type>])
  std::string path;  // as resolved: beside the connectors file when relative
  std::string what;  // "token_file of connector 'crm_api'", for messages
};
// The secret files `c` names.
std::vector<SecretFileSetting> SecretFiles(const ConnectorConfig& c);

// Registers with ProcessRedactor() what `c` holds or names: the password and
// secret parameters of its URL or conninfo, and the contents of its secret
// files that can be read now (a file that cannot is left to the run, which
// refuses it by name).
void RegisterSecrets(const ConnectorConfig& c);

}  // namespace faultgraph::connectors
