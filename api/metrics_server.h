// The daemon's operations endpoint (libmicrohttpd): GET /metrics (Prometheus
// text format), /healthz (the process answers) and /readyz (the store and
// index are open and the API is serving).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

struct MHD_Daemon;

namespace faultgraph::api {

class MetricsServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;  // the exposition text
    std::function<bool()> ready;
  };
  // Listens on host:port (port 0: any free port).
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port,
                                                      Handlers handlers);
  ~MetricsServer();
  int port() const { return port_; }
  const Handlers& handlers() const { return handlers_; }

 private:
  MetricsServer() = default;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  Handlers handlers_;
};

}  // namespace faultgraph::api
