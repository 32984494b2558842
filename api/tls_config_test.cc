#include "api/tls_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

TEST(TlsConfigTest, PlainTcpOnlyOnLoopbackUnlessInsecure) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackAddress("127.3.2.1"));
  EXPECT_TRUE(IsLoopbackAddress("localhost"));
  EXPECT_TRUE(IsLoopbackAddress("::1"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5"));
  EXPECT_FALSE(IsLoopbackAddress("128.0.0.1"));
  EXPECT_TRUE(CheckPlainListenAddress("127.0.0.1", /*tls=*/false, /*insecure=*/false).ok());
  Status refused = CheckPlainListenAddress("0.0.0.0", false, false);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("refusing to serve plain TCP on 0.0.0.0"), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("--insecure"), std::string::npos);
  EXPECT_TRUE(CheckPlainListenAddress("0.0.0.0", /*tls=*/true, false).ok());
  EXPECT_TRUE(CheckPlainListenAddress("0.0.0.0", false, /*insecure=*/true).ok());
}

TEST(TlsConfigTest, ParsesClientCertMode) {
  EXPECT_EQ(*ParseClientCertMode("required"), ClientCertMode::kRequired);
  EXPECT_EQ(*ParseClientCertMode("optional"), ClientCertMode::kOptional);
  EXPECT_EQ(*ParseClientCertMode("none"), ClientCertMode::kNone);
  EXPECT_FALSE(ParseClientCertMode("yes").ok());
}

TEST(TlsConfigTest, ChecksFilesAndCombinations) {
  TestDir dir;
  std::string cert = dir.Write("server.pem", "-----BEGIN CERTIFICATE-----\n");
  std::string key = dir.Write("server.key", "-----BEGIN PRIVATE KEY-----\n");
  ::chmod(key.c_str(), 0600);
  TlsServerOptions o;
  o.cert_file = cert;
  EXPECT_NE(CheckTlsServerOptions(o).message().find("--tls-cert and --tls-key go together"),
            std::string::npos);
  o.key_file = key;
  EXPECT_TRUE(CheckTlsServerOptions(o).ok()) << CheckTlsServerOptions(o).message();

  ::chmod(key.c_str(), 0644);
  Status open = CheckTlsServerOptions(o);
  EXPECT_FALSE(open.ok());
  EXPECT_NE(open.message().find(key), std::string::npos) << open.message();
  EXPECT_NE(open.message().find("0644"), std::string::npos) << open.message();
  ::chmod(key.c_str(), 0600);

  o.min_version = "1.1";
  EXPECT_NE(CheckTlsServerOptions(o).message().find("--tls-min must be 1.2 or 1.3"),
            std::string::npos);
  o.min_version = "1.3";
  o.client_cert = ClientCertMode::kRequired;
  EXPECT_NE(CheckTlsServerOptions(o).message().find("needs --tls-ca"), std::string::npos);
  o.ca_file = dir.Path("missing-ca.pem");
  EXPECT_NE(CheckTlsServerOptions(o).message().find("missing-ca.pem: no such file"),
            std::string::npos);

  // A certificate that is not PEM is refused when loaded, naming the flag.
  o.client_cert = ClientCertMode::kNone;
  o.ca_file.clear();
  auto ctx = ServerTlsContext::Create(o);
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("--tls-cert " + cert + ": cannot be loaded"),
            std::string::npos)
      << ctx.status().message();
}

TEST(TlsConfigTest, ClientKeyMustBeOwnerOnly) {
  TestDir dir;
  TlsClientOptions o;
  o.enabled = true;
  o.cert_file = dir.Write("client.pem", "x");
  o.key_file = dir.Write("client.key", "x");
  ::chmod(o.key_file.c_str(), 0640);
  Status s = CheckTlsClientOptions(o);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("client.key"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace faultgraph::api
