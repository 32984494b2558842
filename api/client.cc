#include "api/client.h"

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

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

Result<std::shared_ptr<FaultGraphIf>> ConnectToServer(const std::string& address) {
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
  auto transport = std::make_shared<transport::TBufferedTransport>(socket);
  auto protocol = std::make_shared<protocol::TBinaryProtocol>(transport);
  try {
    transport->open();
  } catch (const TException& e) {
    return Status::IOError("cannot connect to faultgraphd at " + address + ": " + e.what());
  }
  return std::shared_ptr<FaultGraphIf>(std::make_shared<OwningClient>(transport, protocol));
}

}  // namespace faultgraph::api
