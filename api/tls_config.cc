#include "api/tls_config.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <thrift/transport/TSSLSocket.h>

#include <fstream>
#include <sstream>

#include "connectors/secret_file.h"

namespace faultgraph::api {
namespace {

using apache::thrift::TException;
using apache::thrift::transport::TSSLSocket;
using apache::thrift::transport::TSSLSocketFactory;

// A factory whose OpenSSL context this file configures beyond what
// TSSLSocketFactory offers (minimum version, optional client certificates).
class ConfiguredFactory : public TSSLSocketFactory {
 public:
  ConfiguredFactory() : TSSLSocketFactory(apache::thrift::transport::SSLTLS) {}
  SSL_CTX* ctx() { return ctx_->get(); }
};

Status CheckReadable(const std::string& path, const std::string& flag) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::InvalidArgument(flag + " " + path + ": no such file");
  if (!S_ISREG(st.st_mode))
    return Status::InvalidArgument(flag + " " + path + ": not a regular file");
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument(flag + " " + path + ": cannot be read");
  return Status::Ok();
}

int MinVersionConstant(const std::string& v) {
  if (v == "1.2") return TLS1_2_VERSION;
  if (v == "1.3") return TLS1_3_VERSION;
  return 0;
}

std::string Describe(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return "no certificate";
  char subject[512];
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  std::string expires = "?";
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    if (ASN1_TIME_print(bio, X509_get0_notAfter(cert)) == 1) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      expires.assign(data, static_cast<size_t>(n));
    }
    BIO_free(bio);
  }
  return std::string("subject ") + subject + ", expires " + expires;
}

// A file that did not load, named. OpenSSL 3 checks a key against the
// certificate as it loads it ("key values mismatch"): said plainly.
Status LoadError(const std::string& step, const std::string& what, const std::string& cert,
                 const std::string& key) {
  if (what.find("key values mismatch") != std::string::npos)
    return Status::InvalidArgument("--tls-key " + key +
                                   " is not the key of the certificate in --tls-cert " + cert);
  return Status::InvalidArgument(step + ": cannot be loaded: " + what);
}

// Loads a certificate and its key into `f` (server or client side); `step`
// names the file being read, for LoadError when loading throws.
Status LoadCertAndKey(ConfiguredFactory& f, const std::string& cert, const std::string& key,
                      std::string* step) {
  *step = "--tls-cert " + cert;
  f.loadCertificate(cert.c_str());
  *step = "--tls-key " + key;
  f.loadPrivateKey(key.c_str());
  if (SSL_CTX_check_private_key(f.ctx()) != 1)
    return Status::InvalidArgument("--tls-key " + key +
                                   " is not the key of the certificate in --tls-cert " + cert);
  return Status::Ok();
}

// Loads the server's certificate, key and client CAs into a new context.
Result<std::shared_ptr<ConfiguredFactory>> BuildServerFactory(const TlsServerOptions& o) {
  if (auto s = CheckTlsServerOptions(o); !s.ok()) return s;
  auto f = std::make_shared<ConfiguredFactory>();
  f->server(true);
  std::string step = "--tls-cert " + o.cert_file;
  try {
    if (auto st = LoadCertAndKey(*f, o.cert_file, o.key_file, &step); !st.ok()) return st;
    if (o.client_cert != ClientCertMode::kNone) {
      step = "--tls-ca " + o.ca_file;
      f->loadTrustedCertificates(o.ca_file.c_str());
      // Tells clients which CAs their certificate must come from.
      SSL_CTX_set_client_CA_list(f->ctx(), SSL_load_client_CA_file(o.ca_file.c_str()));
      if (o.client_cert == ClientCertMode::kRequired) {
        f->authenticate(true);
      } else {  // checked when presented, not asked for
        SSL_CTX_set_verify(f->ctx(), SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, nullptr);
      }
    }
  } catch (const TException& e) {
    return LoadError(step, e.what(), o.cert_file, o.key_file);
  }
  SSL_CTX_set_min_proto_version(f->ctx(), MinVersionConstant(o.min_version));
  return f;
}

}  // namespace

Result<ClientCertMode> ParseClientCertMode(const std::string& text) {
  if (text == "required") return ClientCertMode::kRequired;
  if (text == "optional") return ClientCertMode::kOptional;
  if (text == "none") return ClientCertMode::kNone;
  return Status::InvalidArgument("--tls-client-cert must be required, optional or none, not '" +
                                 text + "'");
}

Status CheckTlsServerOptions(const TlsServerOptions& o) {
  if (o.cert_file.empty() != o.key_file.empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  if (!o.enabled()) {
    if (!o.ca_file.empty() || o.client_cert != ClientCertMode::kNone)
      return Status::InvalidArgument(
          "--tls-ca and --tls-client-cert need --tls-cert and --tls-key");
    return Status::Ok();
  }
  if (MinVersionConstant(o.min_version) == 0)
    return Status::InvalidArgument("--tls-min must be 1.2 or 1.3, not '" + o.min_version + "'");
  if (o.client_cert != ClientCertMode::kNone && o.ca_file.empty())
    return Status::InvalidArgument(
        "--tls-client-cert needs --tls-ca FILE: the CAs client certificates must come from");
  if (auto s = CheckReadable(o.cert_file, "--tls-cert"); !s.ok()) return s;
  if (auto s = connectors::CheckSecretFile(o.key_file, "--tls-key"); !s.ok()) return s;
  if (!o.ca_file.empty()) {
    if (o.client_cert == ClientCertMode::kNone)
      return Status::InvalidArgument(
          "--tls-ca is for client certificates: give --tls-client-cert required|optional too");
    if (auto s = CheckReadable(o.ca_file, "--tls-ca"); !s.ok()) return s;
  }
  return Status::Ok();
}

Status CheckTlsClientOptions(const TlsClientOptions& o) {
  if (o.cert_file.empty() != o.key_file.empty())
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  if (!o.ca_file.empty())
    if (auto s = CheckReadable(o.ca_file, "--tls-ca"); !s.ok()) return s;
  if (!o.cert_file.empty()) {
    if (auto s = CheckReadable(o.cert_file, "--tls-cert"); !s.ok()) return s;
    if (auto s = connectors::CheckSecretFile(o.key_file, "--tls-key"); !s.ok()) return s;
  }
  return Status::Ok();
}

bool IsLoopbackAddress(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
  return (ntohl(a.s_addr) >> 24) == 127;
}

Status CheckPlainListenAddress(const std::string& host, bool tls, bool insecure) {
  if (tls || insecure || IsLoopbackAddress(host)) return Status::Ok();
  return Status::InvalidArgument(
      "refusing to serve plain TCP on " + host +
      ": API tokens and case data would cross the network in clear. Give --tls-cert FILE "
      "--tls-key FILE (see docs/SECURITY.md, TLS), bind to 127.0.0.1, or pass --insecure "
      "if the network is private");
}

// The factory the server socket holds: every accepted socket gets the
// context current at accept time.
class ServerTlsContext::Forwarding : public TSSLSocketFactory {
 public:
  explicit Forwarding(std::shared_ptr<ConfiguredFactory> current) : current_(std::move(current)) {
    server(true);
  }
  std::shared_ptr<TSSLSocket> createSocket(THRIFT_SOCKET socket) override {
    return Current()->createSocket(socket);
  }
  std::shared_ptr<ConfiguredFactory> Current() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Replace(std::shared_ptr<ConfiguredFactory> next) {
    std::lock_guard<std::mutex> lock(mu_);
    // Sockets of the old context keep it alive through their SSLContext.
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<ConfiguredFactory> current_;
};

Result<std::shared_ptr<ServerTlsContext>> ServerTlsContext::Create(const TlsServerOptions& o) {
  auto first = BuildServerFactory(o);
  if (!first.ok()) return first.status();
  auto ctx = std::shared_ptr<ServerTlsContext>(new ServerTlsContext());
  ctx->options_ = o;
  ctx->outer_ = std::make_shared<Forwarding>(std::move(first).value());
  return ctx;
}

Result<std::string> ServerTlsContext::Reload() {
  auto next = BuildServerFactory(options_);
  if (!next.ok()) return next.status();
  std::string line =
      "TLS certificate " + options_.cert_file + " reloaded: " + api::Describe((*next)->ctx());
  outer_->Replace(std::move(next).value());
  return line;
}

std::shared_ptr<TSSLSocketFactory> ServerTlsContext::factory() const { return outer_; }

std::string ServerTlsContext::Describe() const { return api::Describe(outer_->Current()->ctx()); }

Result<std::shared_ptr<TSSLSocketFactory>> MakeClientTlsFactory(const TlsClientOptions& o) {
  if (auto s = CheckTlsClientOptions(o); !s.ok()) return s;
  auto f = std::make_shared<ConfiguredFactory>();
  f->server(false);
  std::string step = "--tls-ca " + o.ca_file;
  try {
    if (!o.ca_file.empty()) {
      f->loadTrustedCertificates(o.ca_file.c_str());
    } else if (SSL_CTX_set_default_verify_paths(f->ctx()) != 1) {
      return Status::InvalidArgument("cannot load the system's trusted CAs: give --tls-ca FILE");
    }
    if (!o.cert_file.empty()) {
      if (auto st = LoadCertAndKey(*f, o.cert_file, o.key_file, &step); !st.ok()) return st;
    }
  } catch (const TException& e) {
    return LoadError(step, e.what(), o.cert_file, o.key_file);
  }
  // The server's certificate must chain to the CA and name the host dialled.
  f->authenticate(true);
  f->access(std::make_shared<apache::thrift::transport::DefaultClientAccessManager>());
  SSL_CTX_set_min_proto_version(f->ctx(), TLS1_2_VERSION);
  return std::shared_ptr<TSSLSocketFactory>(f);
}

Result<std::string> ReadPemFile(const std::string& path, const std::string& what, bool owner_only) {
  Status s = owner_only ? connectors::CheckSecretFile(path, what) : CheckReadable(path, what);
  if (!s.ok()) return s;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return Status::IOError(what + " " + path + ": cannot be read");
  return text.str();
}

}  // namespace faultgraph::api
