// The daemon's operations endpoint (libmicrohttpd): GET /metrics (Prometheus
// text format), /healthz (the process answers) and /readyz (the store and
// index are open and the API is serving). HTTPS when given a certificate
// (libmicrohttpd's GnuTLS), reloaded from its files by ReloadTls.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

struct MHD_Daemon;

namespace faultgraph::api {

// HTTPS with this certificate and owner-only key; plain HTTP when
// cert_file is empty.
struct MetricsTls {
  std::string cert_file;
  std::string key_file;
  std::string min_version = "1.2";  // "1.2" or "1.3"
};

class MetricsServer {
 public:
  struct Handlers {
    std::function<std::string()> metrics;  // the exposition text
    // "" when ready; else why not (the body of a 503).
    std::function<std::string()> not_ready;
  };
  // Listens on host:port (port 0: any free port).
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& host, int port,
                                                      Handlers handlers, MetricsTls tls = {});
  ~MetricsServer();
  // Reads the certificate and key again and serves them from now on, on
  // the same listening socket; on an error the old ones stay.
  Status ReloadTls();
  int port() const { return port_; }
  const Handlers& handlers() const { return handlers_; }

 private:
  MetricsServer() = default;
  // Starts a daemon on `listen_fd` (-1: binds host:port) with cert and key.
  Status Launch(int listen_fd, const std::string& cert, const std::string& key);
  MHD_Daemon* daemon_ = nullptr;
  std::string host_;
  MetricsTls tls_;
  struct Pem {
    std::string cert, key;
  };
  std::unique_ptr<Pem> pem_;  // what daemon_ serves (kept while it runs)
  int port_ = 0;
  Handlers handlers_;
};

}  // namespace faultgraph::api
