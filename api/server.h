// The Thrift server of faultgraphd: TThreadedServer, binary protocol,
// bounded message, string and container sizes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "api/gen-cpp/FaultGraph.h"
#include "common/status.h"

namespace apache::thrift::server {
class TThreadedServer;
}

namespace faultgraph::api {

struct ServerOptions {
  std::string host = "127.0.0.1";            // listen address
  int port = 9090;                           // 0 = pick a free port (see Server::port)
  int max_message_bytes = 16 * 1024 * 1024;  // a larger request closes its connection
  int max_string_bytes = 4 * 1024 * 1024;    // per string argument
  int max_container_items = 100'000;         // per list/map argument
};

class Server {
 public:
  // Starts serving on a thread of its own and returns once the socket
  // listens, so that port() is known and clients can connect. IOError when
  // the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(std::shared_ptr<FaultGraphIf> handler,
                                               const ServerOptions& options);
  // Stops if still serving.
  ~Server();
  // Stops accepting, interrupts idle connections and returns after every
  // open call has finished. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  Server() = default;
  std::unique_ptr<apache::thrift::server::TThreadedServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace faultgraph::api
