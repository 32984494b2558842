// The Thrift server of faultgraphd: libevent's non-blocking server
// (TNonblockingServer, framed binary protocol) with a bounded pool of
// worker threads, so that idle and slow connections cost a socket and a
// buffer but no thread; a connection cap with a clear refusal; idle and
// slow-request timeouts (api/connection_tracker.h); bounded message, string
// and container sizes; TLS when configured. Each connection gets a handler of its own from a
// factory, so that what a connection signed in as stays with it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "api/connection_tracker.h"
#include "api/gen-cpp/FaultGraph.h"
#include "api/tls_config.h"
#include "common/status.h"

namespace apache::thrift::server {
class TNonblockingServer;
}
namespace apache::thrift::concurrency {
class ThreadManager;
}

namespace faultgraph::api {

struct ServerOptions {
  std::string host = "127.0.0.1";            // listen address
  int port = 9090;                           // 0 = pick a free port (see Server::port)
  int max_message_bytes = 16 * 1024 * 1024;  // a larger request closes its connection
  int max_string_bytes = 4 * 1024 * 1024;    // per string argument
  int max_container_items = 100'000;         // per list/map argument
  int worker_threads = 8;                    // calls run at once; more wait their turn
  ConnectionLimits connections;              // cap and idle timeout
  // TLS on the port when set (api/tls_config.h); plain TCP otherwise.
  std::shared_ptr<ServerTlsContext> tls;
};

// Who is on the other end of a connection, for the handler made for it.
struct ConnectionInfo {
  uint64_t id = 0;   // unique while the server runs
  std::string peer;  // "ADDR:PORT"
};

// Makes the handler of one new connection (called on the server's IO
// thread: keep it cheap).
using HandlerFactory = std::function<std::shared_ptr<FaultGraphIf>(const ConnectionInfo&)>;

class Server {
 public:
  // Starts serving on a thread of its own and returns once the socket
  // listens, so that port() is known and clients can connect. IOError when
  // the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(HandlerFactory handlers,
                                               const ServerOptions& options);
  // Every connection served by the one handler.
  static Result<std::unique_ptr<Server>> Start(std::shared_ptr<FaultGraphIf> handler,
                                               const ServerOptions& options);
  // Stops if still serving.
  ~Server();
  // Stops accepting calls, closes idle connections, waits for every open
  // call to finish and its response to go out, then stops. Idempotent.
  void Stop();
  int port() const { return port_; }
  const ConnectionTracker& connections() const { return *tracker_; }

 private:
  Server() = default;
  std::unique_ptr<ConnectionTracker> tracker_;  // outlives server_ (it closes connections)
  std::shared_ptr<apache::thrift::concurrency::ThreadManager> workers_;
  std::unique_ptr<apache::thrift::server::TNonblockingServer> server_;
  std::thread thread_;
  // Set by the serving thread as it ends (Stop repeats its request until then).
  std::shared_ptr<std::atomic<bool>> served_ = std::make_shared<std::atomic<bool>>(false);
  int port_ = 0;
};

}  // namespace faultgraph::api
