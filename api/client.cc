#include "api/client.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TSocket.h>

#include <cstdlib>

#include "api/principals.h"
#include "common/parse_number.h"

namespace faultgraph::api {
namespace {

// The TLS factory must outlive the socket it made, which the client's
// protocol holds: a base constructed before FaultGraphClient, destroyed after.
struct TlsFactoryHolder {
  std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls_;
};

// Keeps the transport open as long as the client lives.
class OwningClient : private TlsFactoryHolder, public FaultGraphClient {
 public:
  OwningClient(std::shared_ptr<apache::thrift::transport::TTransport> transport,
               std::shared_ptr<apache::thrift::protocol::TProtocol> protocol,
               std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls)
      : TlsFactoryHolder{std::move(tls)},
        FaultGraphClient(protocol),
        transport_(std::move(transport)) {}
  ~OwningClient() override {
    try {
      transport_->close();
    } catch (...) {
    }
  }

 private:
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;
};

std::string EnvOr(const std::string& given, const char* name) {
  if (!given.empty()) return given;
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

}  // namespace

Result<std::shared_ptr<FaultGraphIf>> ConnectToServer(const std::string& address,
                                                      const ClientOptions& options) {
  using namespace apache::thrift;
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("server address '" + address + "' is not HOST:PORT");
  }
  std::string host = colon == 0 ? "127.0.0.1" : address.substr(0, colon);
  int port = 0;
  if (!ParseInteger(std::string_view(address).substr(colon + 1), &port) || port <= 0 ||
      port > 65535) {
    return Status::InvalidArgument("server address '" + address + "' has no valid port");
  }
  std::shared_ptr<transport::TSSLSocketFactory> tls;
  std::shared_ptr<transport::TSocket> socket;
  if (options.tls.enabled) {
    auto f = MakeClientTlsFactory(options.tls);
    if (!f.ok()) return f.status();
    tls = *f;
    socket = tls->createSocket(host, port);
  } else {
    socket = std::make_shared<transport::TSocket>(host, port);
  }
  socket->setConnTimeout(5000);
  // Framed: the server is non-blocking (api/server.h).
  auto transport = std::make_shared<transport::TFramedTransport>(socket);
  auto protocol = std::make_shared<protocol::TBinaryProtocol>(transport);
  try {
    transport->open();
  } catch (const TException& e) {
    return Status::IOError("cannot connect to faultgraphd at " + address + ": " + e.what());
  }
  auto handshake_failed = [&](const TException& e) {
    return Status::IOError(
        "TLS handshake with faultgraphd at " + address + " failed: " + e.what() +
        " (the server's certificate must come from the CA in --tls-ca or $FAULTGRAPH_TLS_CA "
        "and name " +
        host + "; a server that asks for a client certificate needs --tls-cert and --tls-key)");
  };
  if (tls) {
    // An empty write runs the handshake now, so that its failure is
    // reported as such (and not at the first call).
    try {
      socket->write(nullptr, 0);
    } catch (const TException& e) {
      return handshake_failed(e);
    }
  }
  auto client = std::make_shared<OwningClient>(transport, protocol, tls);
  if (!options.token.empty()) {
    try {
      Session session;
      client->authenticate(session, options.token);
    } catch (const Unauthenticated& e) {
      return Status::InvalidArgument("faultgraphd refused the sign-in: " + e.message);
    } catch (const transport::TSSLException& e) {
      // TLS 1.3: the server checks a client certificate after the client
      // has finished its side of the handshake.
      return handshake_failed(e);
    } catch (const TException& e) {
      std::string hint = tls ? ""
                             : " (if faultgraphd serves TLS, give --tls-ca FILE or set "
                               "$FAULTGRAPH_TLS_CA)";
      return Status::IOError("cannot sign in to faultgraphd at " + address + ": " + e.what() +
                             hint);
    }
  }
  return std::shared_ptr<FaultGraphIf>(client);
}

Result<std::string> FindToken(const std::string& token_file) {
  if (!token_file.empty()) return ReadTokenFile(token_file);
  if (const char* t = std::getenv("FAULTGRAPH_TOKEN"); t != nullptr && *t != '\0')
    return std::string(t);
  if (const char* f = std::getenv("FAULTGRAPH_TOKEN_FILE"); f != nullptr && *f != '\0')
    return ReadTokenFile(f);
  return std::string();
}

TlsClientOptions FindTlsOptions(bool tls, const std::string& ca_file, const std::string& cert_file,
                                const std::string& key_file) {
  TlsClientOptions o;
  o.ca_file = EnvOr(ca_file, "FAULTGRAPH_TLS_CA");
  o.cert_file = EnvOr(cert_file, "FAULTGRAPH_TLS_CERT");
  o.key_file = EnvOr(key_file, "FAULTGRAPH_TLS_KEY");
  o.enabled = tls || !o.ca_file.empty();
  return o;
}

}  // namespace faultgraph::api
