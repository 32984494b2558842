#include "common/redact.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>

namespace faultgraph {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// Characters of a credential after "Bearer" (RFC 6750 b64token).
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-._~+/=", c) != nullptr;
}

bool StartsWithNoCase(std::string_view s, size_t at, std::string_view word) {
  if (s.size() - at < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(s[at + k])) != word[k]) return false;
  }
  return true;
}

// A span of `text` to hide.
struct Span {
  size_t begin = 0, end = 0;
};

std::string Replace(std::string_view text, const std::vector<Span>& spans) {
  std::string out;
  size_t at = 0;
  for (const Span& s : spans) {
    if (s.begin < at) continue;  // overlaps the one before
    out.append(text.substr(at, s.begin - at));
    out.append(kRedacted);
    at = s.end;
  }
  out.append(text.substr(at));
  return out;
}

// The userinfo of every "scheme://userinfo@host": what is before the last
// '@' of the authority (which ends at '/', '?', '#', a space or a quote).
std::vector<Span> UserinfoSpans(std::string_view text) {
  std::vector<Span> out;
  for (size_t p = text.find("://"); p != std::string_view::npos; p = text.find("://", p + 3)) {
    size_t a = p + 3, e = a;
    while (e < text.size() && std::strchr("/?#\"'<> \t\r\n", text[e]) == nullptr) ++e;
    size_t at = text.substr(a, e - a).rfind('@');
    if (at != std::string_view::npos && at > 0 && text.substr(a, at) != kRedacted)
      out.push_back({a, a + at});
  }
  return out;
}

// Where the value after `name=` / `name: ` / `"name": ` starting at `v`
// ends; a quoted value's span excludes its quotes.
Span ValueSpan(std::string_view text, size_t v, bool to_line_end) {
  if (v < text.size() && (text[v] == '"' || text[v] == '\'')) {
    char q = text[v];
    size_t e = v + 1;
    while (e < text.size() && text[e] != q) e += text[e] == '\\' ? 2 : 1;
    return {v + 1, std::min(e, text.size())};
  }
  const char* stop = to_line_end ? "\"'\r\n" : "&#,;\"'<>(){}[] \t\r\n";
  size_t e = v;
  while (e < text.size() && std::strchr(stop, text[e]) == nullptr) ++e;
  return {v, e};
}

bool IsAuthorizationName(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n == "authorization" || n == "proxy-authorization" || n == "proxy_authorization";
}

// The values of secret-named parameters: `name=value` (URL queries,
// conninfo, forms), `name: value` (headers) and `"name": "value"` (JSON).
// An Authorization value keeps its scheme word ("Bearer ***").
std::vector<Span> NamedValueSpans(std::string_view text) {
  std::vector<Span> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsNameChar(text[i]) || (i > 0 && IsNameChar(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsNameChar(text[j])) ++j;
    std::string_view name = text.substr(i, j - i);
    size_t k = j;
    bool quoted = i > 0 && k < text.size() && (text[i - 1] == '"' || text[i - 1] == '\'') &&
                  text[k] == text[i - 1];
    if (quoted) ++k;
    while (k < text.size() && IsSpace(text[k])) ++k;
    bool auth = IsAuthorizationName(name);
    // "name:" unquoted is a header only when it looks like one (X-Api-Key:,
    // Authorization:); "holds a password: put it ..." is prose.
    bool colon_ok = quoted || auth || name.find_first_of("-_") != std::string_view::npos;
    if (k >= text.size() || !(text[k] == '=' || (text[k] == ':' && colon_ok)) ||
        !IsSecretName(name)) {
      i = j;
      continue;
    }
    size_t v = k + 1;
    while (v < text.size() && IsSpace(text[v])) ++v;
    Span s = ValueSpan(text, v, auth);
    if (auth) {  // keep "Bearer", "Basic" ...
      size_t w = s.begin;
      while (w < s.end && std::isalpha(static_cast<unsigned char>(text[w]))) ++w;
      if (w < s.end && IsSpace(text[w]) && w > s.begin) {
        while (w < s.end && IsSpace(text[w])) ++w;
        s.begin = w;
      }
    }
    if (s.end > s.begin && text.substr(s.begin, s.end - s.begin) != kRedacted) out.push_back(s);
    i = std::max(j, s.end);
  }
  return out;
}

// The credential after every "Bearer ".
std::vector<Span> BearerSpans(std::string_view text) {
  std::vector<Span> out;
  for (size_t i = 0; i + 6 < text.size(); ++i) {
    if ((i > 0 && IsNameChar(text[i - 1])) || !StartsWithNoCase(text, i, "bearer")) continue;
    size_t v = i + 6;
    if (v >= text.size() || !IsSpace(text[v])) continue;
    while (v < text.size() && IsSpace(text[v])) ++v;
    size_t e = v;
    while (e < text.size() && IsTokenChar(text[e])) ++e;
    if (e > v) out.push_back({v, e});
    i = e;
  }
  return out;
}

std::string PercentEncode(std::string_view s, bool upper, bool plus_for_space) {
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::strchr("-._~", c) != nullptr) {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

int HexDigit(char c) {
  return std::isdigit(static_cast<unsigned char>(c))
             ? c - '0'
             : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::string Base64(std::string_view s) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(s[i]) << 16) |
                 (static_cast<unsigned char>(s[i + 1]) << 8) | static_cast<unsigned char>(s[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < s.size()) {
    uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string JsonEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A quoted conninfo value ('a\'b') as libpq reads it.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool IsSecretName(std::string_view name) {
  std::string n;
  for (char c : name) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n += l == '-' ? '_' : l;
  }
  if (size_t dot = n.rfind('.'); dot != std::string::npos) n = n.substr(dot + 1);
  while (!n.empty() && n.front() == '_') n.erase(0, 1);
  while (!n.empty() && n.back() == '_') n.pop_back();
  // Settings that name where a secret is, not the secret.
  for (std::string_view pointer : {"_file", "_field", "_param", "_path", "_column", "_env"}) {
    if (n.ends_with(pointer)) return false;
  }
  for (std::string_view exact : {"key", "pwd", "pass", "sig", "auth", "authorization", "session",
                                 "sessionid", "jwt", "proxy_authorization"}) {
    if (n == exact) return true;
  }
  for (std::string_view word : {"password", "passwd", "secret", "token", "apikey", "api_key",
                                "signature", "credential", "private_key", "access_key"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  for (std::string_view suffix : {"_key", "_sig", "_pwd", "_pass", "_auth"}) {
    if (n.ends_with(suffix)) return true;
  }
  return false;
}

std::string RedactPatterns(std::string_view text) {
  std::string a = Replace(text, UserinfoSpans(text));
  std::string b = Replace(a, NamedValueSpans(a));
  return Replace(b, BearerSpans(b));
}

void Redactor::AddSecret(std::string_view value) {
  value = Trim(value);
  if (value.size() < kMinSecretBytes || value.find_first_not_of('*') == std::string_view::npos)
    return;
  std::vector<std::string> forms = {
      std::string(value), JsonEscaped(value), PercentEncode(value, true, false),
      PercentEncode(value, false, false), PercentEncode(value, true, true)};
  std::unique_lock lock(mu_);
  for (auto& f : forms) {
    if (std::find(literals_.begin(), literals_.end(), f) == literals_.end())
      literals_.push_back(std::move(f));
  }
  std::stable_sort(literals_.begin(), literals_.end(),
                   [](const std::string& x, const std::string& y) { return x.size() > y.size(); });
}

void Redactor::AddBasicAuth(std::string_view user, std::string_view password) {
  if (password.empty()) return;
  AddSecret(password);
  AddSecret(Base64(std::string(user) + ":" + std::string(password)));
}

void Redactor::AddSecretsOf(std::string_view s) {
  for (const Span& u : UserinfoSpans(s)) {
    std::string_view info = s.substr(u.begin, u.end - u.begin);
    size_t colon = info.find(':');
    if (colon == std::string_view::npos) continue;
    AddSecret(info.substr(colon + 1));
    AddBasicAuth(PercentDecode(info.substr(0, colon), false),
                 PercentDecode(info.substr(colon + 1), false));
  }
  for (const Span& v : NamedValueSpans(s)) {
    std::string_view value = s.substr(v.begin, v.end - v.begin);
    AddSecret(value);
    AddSecret(Unescape(value));
    AddSecret(PercentDecode(value, true));
  }
}

std::string Redactor::RedactLiterals(std::string_view text) const {
  std::string out(text);
  std::shared_lock lock(mu_);
  for (const auto& secret : literals_) {
    for (size_t p = out.find(secret); p != std::string::npos; p = out.find(secret, p)) {
      out.replace(p, secret.size(), kRedacted);
      p += kRedacted.size();
    }
  }
  return out;
}

std::string Redactor::Redact(std::string_view text) const {
  return RedactPatterns(RedactLiterals(text));
}

Redactor& ProcessRedactor() {
  static Redactor* redactor = new Redactor();  // never destroyed: threads log at exit
  return *redactor;
}

std::string Redact(std::string_view text) { return ProcessRedactor().Redact(text); }

}  // namespace faultgraph
