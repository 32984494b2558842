// TLS for faultgraphd's Thrift port and /metrics, and for its clients:
// OpenSSL through Thrift's TSSLSocketFactory (server: certificate, key,
// optional client certificates checked against a CA, a minimum TLS
// version; client: the CA that signed the server's certificate, the
// server's name or address checked against it, an optional client
// certificate). The server's certificate can be reloaded while serving
// (SIGHUP): connections made after it use the new one.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"

namespace apache::thrift::transport {
class TSSLSocketFactory;
}

namespace faultgraph::api {

enum class ClientCertMode { kNone, kOptional, kRequired };

// What faultgraphd serves TLS with. Off when cert_file is empty.
struct TlsServerOptions {
  std::string cert_file;  // PEM: the server's certificate (and its chain)
  std::string key_file;   // PEM: its private key, owner-only (0600)
  std::string ca_file;    // PEM: the CAs client certificates must chain to
  ClientCertMode client_cert = ClientCertMode::kNone;
  std::string min_version = "1.2";  // "1.2" or "1.3"
  bool enabled() const { return !cert_file.empty(); }
};

// What a client connects with. Off unless `enabled`.
struct TlsClientOptions {
  bool enabled = false;
  std::string ca_file;    // trusted CAs (PEM); empty: the system's store
  std::string cert_file;  // a client certificate, for servers that ask for one
  std::string key_file;   // its key, owner-only (0600)
};

// "required" / "optional" / "none"; InvalidArgument otherwise.
Result<ClientCertMode> ParseClientCertMode(const std::string& text);

// The options' consistency and files: the certificate and key both or
// neither, a key file that is owner-only, a CA when client certificates
// are asked for, a known minimum version, files that exist. Every message
// names the flag and the file.
Status CheckTlsServerOptions(const TlsServerOptions& options);
Status CheckTlsClientOptions(const TlsClientOptions& options);

// Plain TCP is allowed on loopback only, unless `insecure`: an error
// saying what to do for any other address when TLS is off.
Status CheckPlainListenAddress(const std::string& host, bool tls, bool insecure);
bool IsLoopbackAddress(const std::string& host);

// The server's socket factory: its OpenSSL context is rebuilt by Reload
// from the same files; a reload that fails keeps the context in use.
class ServerTlsContext {
 public:
  static Result<std::shared_ptr<ServerTlsContext>> Create(const TlsServerOptions& options);
  // Reads the files again; new connections use the new certificate.
  // Returns a line for the log naming the certificate's subject and expiry.
  Result<std::string> Reload();
  // For TNonblockingSSLServerSocket: always hands out the current context.
  std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> factory() const;
  const TlsServerOptions& options() const { return options_; }
  // "subject CN=..., expires ..." of the certificate in use.
  std::string Describe() const;

 private:
  class Forwarding;
  ServerTlsContext() = default;
  TlsServerOptions options_;
  std::shared_ptr<Forwarding> outer_;
};

// A client socket factory configured from `options` (enabled).
Result<std::shared_ptr<apache::thrift::transport::TSSLSocketFactory>> MakeClientTlsFactory(
    const TlsClientOptions& options);

// The PEM text of a certificate file and of an owner-only key file, for
// servers that take them in memory (libmicrohttpd).
Result<std::string> ReadPemFile(const std::string& path, const std::string& what, bool owner_only);

}  // namespace faultgraph::api
