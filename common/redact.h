// Keeping secrets out of everything faultgraph writes: logs, run records,
// stored errors, dead letters, API answers and CLI output.
//
// Two kinds of rule:
//  * patterns, which need no registration: URL userinfo
//    (`https://user:pass@host` -> `https://***@host`, also `postgresql://`),
//    secret-looking parameters (`api_key=X`, `token=X`, conninfo
//    `password='X'`, JSON `"secret": "X"` -> value `***`; see IsSecretName),
//    and credentials after `Bearer` or in an `Authorization:` header;
//  * literals: every secret a connector reads (token and password files, the
//    password and secret parameters of a configured URL or conninfo) is
//    registered, and Redact replaces it wherever it appears, also
//    percent-encoded, JSON-escaped and, for user:password pairs, as the
//    base64 of a Basic credential.
//
// The process keeps one Redactor (ProcessRedactor) that connectors register
// into as they are configured and that every log line passes through
// (common/log.cc), so a secret one connector read is also hidden in another's
// messages. Thread-safe.
#pragma once

#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph {

// Literals shorter than this are not registered (they would match ordinary
// text); the pattern rules still hide them where they have a name.
inline constexpr size_t kMinSecretBytes = 4;

// What replaces a secret.
inline constexpr std::string_view kRedacted = "***";

class Redactor {
 public:
  // Registers `value` (trimmed of surrounding whitespace) and its encoded
  // forms. Values under kMinSecretBytes are ignored.
  void AddSecret(std::string_view value);
  // A user:password pair sent as HTTP Basic (or in URL userinfo): the
  // password and base64("user:password").
  void AddBasicAuth(std::string_view user, std::string_view password);
  // The secrets inside a URL or a PostgreSQL conninfo (key=value or URI
  // form): the userinfo's password, secret-named parameters' values.
  void AddSecretsOf(std::string_view url_or_conninfo);

  // `text` with every registered literal and every pattern replaced by
  // kRedacted. Idempotent.
  std::string Redact(std::string_view text) const;
  // Only the registered literals: for stored raw rows, whose field names
  // must survive (a JSON item's "key" is data).
  std::string RedactLiterals(std::string_view text) const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::string> literals_;  // longest first, so a longer one wins
};

// The process's redactor (see above).
Redactor& ProcessRedactor();
// ProcessRedactor().Redact(text).
std::string Redact(std::string_view text);

// Whether a parameter or field name looks like it holds a secret: key,
// api_key, apikey, token, access_token, secret, client_secret, password,
// passwd, pwd, signature, sig, auth, authorization, credential, session,
// and names containing or ending in those words (`X-Api-Key`,
// `x-amz-signature`, `db_password`); case, '-' and '_' do not matter. Names
// of settings that point at a secret (`token_file`, `key_field`) are not.
bool IsSecretName(std::string_view name);

// The pattern rules alone (what Redact does without registered literals).
std::string RedactPatterns(std::string_view text);

}  // namespace faultgraph
