#include "api/server.h"

#include <sys/socket.h>
#include <thrift/TConfiguration.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>

#include <future>

namespace faultgraph::api {
namespace {

using apache::thrift::TConfiguration;
using apache::thrift::transport::TBufferedTransport;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportFactory;

// Buffered transports that carry the configured message-size bound.
class BoundedTransportFactory : public TTransportFactory {
 public:
  explicit BoundedTransportFactory(int max_message_bytes)
      : config_(std::make_shared<TConfiguration>(max_message_bytes)) {}
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> trans) override {
    return std::make_shared<TBufferedTransport>(trans, config_);
  }

 private:
  std::shared_ptr<TConfiguration> config_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(std::shared_ptr<FaultGraphIf> handler,
                                              const ServerOptions& options) {
  using namespace apache::thrift;
  auto socket = std::make_shared<transport::TServerSocket>(options.host, options.port);
  // Shared: the serving thread may outlive this call.
  auto listening = std::make_shared<std::promise<void>>();
  // Thrift calls this just *before* listen(2): listen here already (Linux
  // allows a second listen, which only resets the backlog), so that a
  // client connecting as soon as Start returns is not refused.
  socket->setListenCallback([listening](THRIFT_SOCKET fd) {
    ::listen(fd, 1024);
    listening->set_value();
  });
  auto protocol = std::make_shared<protocol::TBinaryProtocolFactory>();
  protocol->setStringSizeLimit(options.max_string_bytes);
  protocol->setContainerSizeLimit(options.max_container_items);
  auto server = std::unique_ptr<Server>(new Server());
  server->server_ = std::make_unique<server::TThreadedServer>(
      std::make_shared<FaultGraphProcessor>(handler), socket,
      std::make_shared<BoundedTransportFactory>(options.max_message_bytes), protocol);
  auto* threaded = server->server_.get();
  server->thread_ = std::thread([threaded, listening] {
    try {
      threaded->serve();
    } catch (const TException& e) {
      // serve() throws only when it cannot listen; the promise carries it.
      try {
        listening->set_exception(std::current_exception());
      } catch (const std::future_error&) {
      }
    }
  });
  try {
    listening->get_future().get();
  } catch (const std::exception& e) {
    server->thread_.join();
    return Status::IOError("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                           ": " + e.what());
  }
  server->port_ = socket->getPort();
  return server;
}

Server::~Server() { Stop(); }

void Server::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace faultgraph::api
