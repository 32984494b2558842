#include "api/client.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include <cstdlib>

#include "api/principals.h"

namespace faultgraph::api {
namespace {

// Keeps the transport open as long as the client lives.
class OwningClient : public FaultGraphClient {
 public:
  OwningClient(std::shared_ptr<apache::thrift::transport::TTransport> transport,
               std::shared_ptr<apache::thrift::protocol::TProtocol> protocol)
      : FaultGraphClient(protocol), transport_(std::move(transport)) {}
  ~OwningClient() override {
    try {
      transport_->close();
    } catch (...) {
    }
  }

 private:
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;
};

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
  try {
    port = std::stoi(address.substr(colon + 1));
  } catch (...) {
    port = -1;
  }
  if (port <= 0 || port > 65535) {
    return Status::InvalidArgument("server address '" + address + "' has no valid port");
  }
  auto socket = std::make_shared<transport::TSocket>(host, port);
  socket->setConnTimeout(5000);
  // Framed: the server is non-blocking (api/server.h).
  auto transport = std::make_shared<transport::TFramedTransport>(socket);
  auto protocol = std::make_shared<protocol::TBinaryProtocol>(transport);
  try {
    transport->open();
  } catch (const TException& e) {
    return Status::IOError("cannot connect to faultgraphd at " + address + ": " + e.what());
  }
  auto client = std::make_shared<OwningClient>(transport, protocol);
  if (!options.token.empty()) {
    try {
      Session session;
      client->authenticate(session, options.token);
    } catch (const Unauthenticated& e) {
      return Status::InvalidArgument("faultgraphd refused the sign-in: " + e.message);
    } catch (const TException& e) {
      return Status::IOError("cannot sign in to faultgraphd at " + address + ": " + e.what());
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

}  // namespace faultgraph::api
