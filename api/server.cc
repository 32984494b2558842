#include "api/server.h"

#include <thrift/TApplicationException.h>
#include <thrift/concurrency/ThreadFactory.h>
#include <thrift/concurrency/ThreadManager.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TNonblockingServer.h>
#include <thrift/transport/TNonblockingSSLServerSocket.h>
#include <thrift/transport/TNonblockingServerSocket.h>
#include <thrift/transport/TSocket.h>

#include <chrono>
#include <future>

#include "common/log.h"

namespace faultgraph::api {
namespace {

using apache::thrift::TApplicationException;
using apache::thrift::TConnectionInfo;
using apache::thrift::TProcessor;
using apache::thrift::TProcessorFactory;
using apache::thrift::protocol::TProtocol;

// Counts the calls of one connection, so that its idle time starts when
// the last call ends.
class TrackedProcessor : public TProcessor {
 public:
  TrackedProcessor(std::shared_ptr<TrackedConnection> conn, std::shared_ptr<TProcessor> inner)
      : conn_(std::move(conn)), inner_(std::move(inner)) {}
  bool process(std::shared_ptr<TProtocol> in, std::shared_ptr<TProtocol> out,
               void* context) override {
    ConnectionTracker::BeginCall(*conn_);
    struct End {
      TrackedConnection& c;
      ~End() { ConnectionTracker::EndCall(c); }
    } end{*conn_};
    try {
      return inner_->process(std::move(in), std::move(out), context);
    } catch (...) {
      conn_->condemned = true;
      throw;
    }
  }

 private:
  std::shared_ptr<TrackedConnection> conn_;
  std::shared_ptr<TProcessor> inner_;
};

// A connection over the cap: every call is answered with why, and the
// connection is closed after the refusal grace.
class RefusingProcessor : public TProcessor {
 public:
  RefusingProcessor(std::shared_ptr<TrackedConnection> conn, std::string message)
      : conn_(std::move(conn)), message_(std::move(message)) {}
  bool process(std::shared_ptr<TProtocol> in, std::shared_ptr<TProtocol> out, void*) override {
    ConnectionTracker::BeginCall(*conn_);
    std::string name;
    apache::thrift::protocol::TMessageType type;
    int32_t seqid = 0;
    try {
      in->readMessageBegin(name, type, seqid);
      in->skip(apache::thrift::protocol::T_STRUCT);
      in->readMessageEnd();
      in->getTransport()->readEnd();
      TApplicationException refusal(TApplicationException::INTERNAL_ERROR, message_);
      out->writeMessageBegin(name, apache::thrift::protocol::T_EXCEPTION, seqid);
      refusal.write(out.get());
      out->writeMessageEnd();
      out->getTransport()->writeEnd();
      out->getTransport()->flush();
    } catch (...) {
      ConnectionTracker::EndCall(*conn_);
      throw;
    }
    ConnectionTracker::EndCall(*conn_);
    return false;
  }

 private:
  std::shared_ptr<TrackedConnection> conn_;
  std::string message_;
};

class ProcessorFactory : public TProcessorFactory {
 public:
  ProcessorFactory(ConnectionTracker* tracker, HandlerFactory handlers)
      : tracker_(tracker), handlers_(std::move(handlers)) {}
  std::shared_ptr<TProcessor> getProcessor(const TConnectionInfo& info) override {
    auto socket = std::dynamic_pointer_cast<apache::thrift::transport::TSocket>(info.transport);
    int fd = socket ? socket->getSocketFD() : -1;
    std::string peer =
        socket ? socket->getPeerAddress() + ":" + std::to_string(socket->getPeerPort()) : "?";
    auto conn = tracker_->Open(info.input.get(), fd, std::move(peer));
    if (conn->refused) {
      return std::make_shared<RefusingProcessor>(
          conn, "faultgraphd is serving its maximum of " +
                    std::to_string(tracker_->limits().max_connections) +
                    " connections; try again later");
    }
    auto handler = handlers_(ConnectionInfo{conn->id, conn->peer});
    return std::make_shared<TrackedProcessor>(conn, std::make_shared<FaultGraphProcessor>(handler));
  }

 private:
  ConnectionTracker* tracker_;
  HandlerFactory handlers_;
};

// Tells Start that the socket listens, and the tracker that a connection
// closes.
class ServerEvents : public apache::thrift::server::TServerEventHandler {
 public:
  ServerEvents(ConnectionTracker* tracker, std::shared_ptr<std::promise<void>> listening)
      : tracker_(tracker), listening_(std::move(listening)) {}
  void preServe() override { listening_->set_value(); }
  void deleteContext(void*, std::shared_ptr<TProtocol> input, std::shared_ptr<TProtocol>) override {
    tracker_->Close(input.get());
  }

 private:
  ConnectionTracker* tracker_;
  std::shared_ptr<std::promise<void>> listening_;
};

// Connections beyond the cap that are still accepted (to be told why);
// past that many more, new connections are closed at once.
constexpr int kRefusalSlots = 256;
// After the last call, how long Stop waits for responses to go out.
constexpr int kDrainMs = 2000;

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(std::shared_ptr<FaultGraphIf> handler,
                                              const ServerOptions& options) {
  return Start([handler](const ConnectionInfo&) { return handler; }, options);
}

Result<std::unique_ptr<Server>> Server::Start(HandlerFactory handlers,
                                              const ServerOptions& options) {
  using namespace apache::thrift;
  auto server = std::unique_ptr<Server>(new Server());
  server->tracker_ = std::make_unique<ConnectionTracker>(options.connections);
  std::shared_ptr<transport::TNonblockingServerSocket> socket;
  if (options.tls) {
    socket = std::make_shared<transport::TNonblockingSSLServerSocket>(options.host, options.port,
                                                                      options.tls->factory());
  } else {
    socket = std::make_shared<transport::TNonblockingServerSocket>(options.host, options.port);
  }
  auto protocol = std::make_shared<protocol::TBinaryProtocolFactory>();
  protocol->setStringSizeLimit(options.max_string_bytes);
  protocol->setContainerSizeLimit(options.max_container_items);
  server->workers_ =
      concurrency::ThreadManager::newSimpleThreadManager(std::max(1, options.worker_threads));
  server->workers_->threadFactory(std::make_shared<concurrency::ThreadFactory>());
  server->workers_->start();
  server->server_ = std::make_unique<server::TNonblockingServer>(
      std::make_shared<ProcessorFactory>(server->tracker_.get(), std::move(handlers)), protocol,
      socket, server->workers_);
  auto* nonblocking = server->server_.get();
  nonblocking->setMaxFrameSize(static_cast<size_t>(options.max_message_bytes));
  nonblocking->setMaxConnections(
      static_cast<size_t>(options.connections.max_connections + kRefusalSlots));
  nonblocking->setOverloadAction(server::T_OVERLOAD_CLOSE_ON_ACCEPT);
  // Shared: the serving thread may outlive this call.
  auto listening = std::make_shared<std::promise<void>>();
  nonblocking->setServerEventHandler(
      std::make_shared<ServerEvents>(server->tracker_.get(), listening));
  server->thread_ = std::thread([nonblocking, listening, served = server->served_] {
    struct SetOnExit {
      std::atomic<bool>* flag;
      ~SetOnExit() { *flag = true; }
    } on_exit{served.get()};
    try {
      nonblocking->serve();
    } catch (...) {
      // serve() throws when it cannot listen; the promise carries it. Once
      // listening, the serving thread ends with it, loudly.
      try {
        listening->set_exception(std::current_exception());
      } catch (const std::future_error&) {
        LogError(CurrentExceptionStatus("the Thrift server").ToString() + ": no longer serving");
      }
    }
  });
  try {
    listening->get_future().get();
  } catch (...) {
    Status why = CurrentExceptionStatus("cannot listen on " + options.host + ":" +
                                        std::to_string(options.port));
    server->thread_.join();
    server->workers_->stop();
    return Status::IOError(why.message());
  }
  server->port_ = nonblocking->getListenPort();
  return server;
}

Server::~Server() { Stop(); }

void Server::Stop() {
  if (!thread_.joinable()) return;
  tracker_->Drain(kDrainMs);
  // TNonblockingServer tells Start that it listens (preServe) before its IO
  // thread has made the pipe that stop() writes to: a stop() in between is
  // lost and the loop would run on. Ask again until the thread ends.
  do {
    server_->stop();
    for (int i = 0; i < 20 && !served_->load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (!served_->load());
  thread_.join();
  workers_->stop();
}

}  // namespace faultgraph::api
