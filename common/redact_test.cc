#include "common/redact.h"

#include <gtest/gtest.h>

namespace faultgraph {
namespace {

TEST(Redact, UrlUserinfo) {
  EXPECT_EQ(RedactPatterns("GET https://alice:s3cr3t@api.example.com/v2?limit=5 failed"),
            "GET https://***@api.example.com/v2?limit=5 failed");
  EXPECT_EQ(RedactPatterns("postgresql://fg:pw%40x@db:5432/crm"), "postgresql://***@db:5432/crm");
  // An '@' in the path or query is not userinfo.
  EXPECT_EQ(RedactPatterns("https://host/a?mail=x@y.cn"), "https://host/a?mail=x@y.cn");
}

TEST(Redact, SecretNamedParameters) {
  EXPECT_EQ(RedactPatterns("https://h/t?limit=5&api_key=K123&APIKEY=z9&Token=t0k#f"),
            "https://h/t?limit=5&api_key=***&APIKEY=***&Token=***#f");
  EXPECT_EQ(RedactPatterns("https://h/t?X-Amz-Signature=abc&sig=9&cursor=40"),
            "https://h/t?X-Amz-Signature=***&sig=***&cursor=40");
  EXPECT_EQ(RedactPatterns("host=db user=fg password='it\\'s x' dbname=crm"),
            "host=db user=fg password='***' dbname=crm");
  EXPECT_EQ(RedactPatterns("host=db password = plain dbname=crm"),
            "host=db password = *** dbname=crm");
  EXPECT_EQ(RedactPatterns(R"({"error":"bad","client_secret": "cs-1", "access_token":"a\"b"})"),
            R"({"error":"bad","client_secret": "***", "access_token":"***"})");
  EXPECT_EQ(RedactPatterns("X-Api-Key: k-77\r\nAccept: */*"), "X-Api-Key: ***\r\nAccept: */*");
  // Prose is not a header; settings that name a secret's place, and
  // ordinary words, stay.
  EXPECT_EQ(RedactPatterns("'conninfo' holds a password: put it in a file; bad token: expired"),
            "'conninfo' holds a password: put it in a file; bad token: expired");
  EXPECT_EQ(RedactPatterns("token_file=/etc/fg/crm.token key_field=id cursor=3 monkey=1"),
            "token_file=/etc/fg/crm.token key_field=id cursor=3 monkey=1");
}

TEST(Redact, AuthorizationAndBearer) {
  EXPECT_EQ(RedactPatterns("Authorization: Bearer eyJ.abc-_~+/=\r\nHost: h"),
            "Authorization: Bearer ***\r\nHost: h");
  EXPECT_EQ(RedactPatterns(R"({"authorization": "Basic dXNlcjpwYXNz"})"),
            R"({"authorization": "Basic ***"})");
  EXPECT_EQ(RedactPatterns("you sent bearer  tok.en9 which expired"),
            "you sent bearer  *** which expired");
}

TEST(Redact, IsSecretName) {
  for (const char* yes : {"key", "api_key", "apikey", "API-KEY", "token", "access_token", "secret",
                          "client_secret", "password", "passwd", "pwd", "signature", "sig", "auth",
                          "x-amz-signature", "db_password", "subscription-key"})
    EXPECT_TRUE(IsSecretName(yes)) << yes;
  for (const char* no : {"limit", "cursor", "modified_since", "token_file", "password_file",
                         "key_field", "monkey", "user", "host", "keyboard"})
    EXPECT_FALSE(IsSecretName(no)) << no;
}

TEST(Redact, RegisteredLiteralsInEveryForm) {
  Redactor r;
  r.AddSecret("  tok/en+42 \n");  // as read from a file
  EXPECT_EQ(r.Redact("echo tok/en+42 and tok%2Fen%2B42 and tok%2fen%2b42"),
            "echo *** and *** and ***");
  r.AddSecret("p\"q\\rs");
  EXPECT_EQ(r.Redact(R"({"echo": "p\"q\\rs"})"), R"({"echo": "***"})");
  r.AddBasicAuth("alice", "open sesame");
  // base64("alice:open sesame")
  EXPECT_EQ(r.Redact("got YWxpY2U6b3BlbiBzZXNhbWU= and open+sesame"), "got *** and ***");
  // Too short to tell from ordinary text: not registered.
  r.AddSecret("abc");
  EXPECT_EQ(r.Redact("abcdef"), "abcdef");
  // Literals only: field names survive.
  EXPECT_EQ(r.RedactLiterals(R"({"key": "T1", "x": "tok/en+42"})"), R"({"key": "T1", "x": "***"})");
}

TEST(Redact, SecretsOfUrlsAndConninfo) {
  Redactor r;
  r.AddSecretsOf("https://bob:pa%24%24word@h.example/api?api_key=Q-KEY-1&limit=5");
  EXPECT_EQ(r.Redact("server said: pa$$word / pa%24%24word / Q-KEY-1"),
            "server said: *** / *** / ***");
  EXPECT_EQ(r.Redact("Basic Ym9iOnBhJCR3b3Jk"), "Basic ***");  // base64("bob:pa$$word")
  EXPECT_EQ(r.Redact("bob"), "bob");                           // a user name is not a secret
  r.AddSecretsOf("host=db user=fg password='it\\'s-long' dbname=crm");
  EXPECT_EQ(r.Redact("denied for it's-long"), "denied for ***");
  r.AddSecretsOf("postgresql://fg:uri-pass-9@db/crm");
  EXPECT_EQ(r.Redact("uri-pass-9"), "***");
}

TEST(Redact, IsIdempotentAndLeavesOrdinaryTextAlone) {
  Redactor r;
  r.AddSecret("s3cret-token");
  const std::string text =
      "connector crm_api: https://u:p@h/t?api_key=K&limit=40 answered HTTP 401: "
      "{\"error\": \"bad token s3cret-token\", \"token\": \"x\"} Authorization: Bearer zz";
  std::string once = r.Redact(text);
  EXPECT_EQ(r.Redact(once), once);
  EXPECT_EQ(once.find("s3cret-token"), std::string::npos);
  EXPECT_EQ(once.find("api_key=K"), std::string::npos);
  EXPECT_EQ(once.find("u:p@"), std::string::npos);
  const std::string plain =
      "connector calls_drop: ok, read 120, written 118, rejected 2 (updated_at 2024-06-01 "
      "10:00:00, page 3)";
  EXPECT_EQ(r.Redact(plain), plain);
}

}  // namespace
}  // namespace faultgraph
