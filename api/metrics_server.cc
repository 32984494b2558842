#include "api/metrics_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "api/tls_config.h"
#include "common/log.h"
#include "common/status.h"

namespace faultgraph::api {
namespace {

MHD_Result Reply(MHD_Connection* conn, unsigned code, const std::string& body, const char* type) {
  MHD_Response* r = MHD_create_response_from_buffer(body.size(), const_cast<char*>(body.data()),
                                                    MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", type);
  MHD_Result ret = MHD_queue_response(conn, code, r);
  MHD_destroy_response(r);
  return ret;
}

MHD_Result Answer(MetricsServer* self, MHD_Connection* conn, const char* url, const char* method) {
  if (std::strcmp(method, "GET") != 0)
    return Reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
  std::string path = url;
  if (path == "/metrics")
    return Reply(conn, MHD_HTTP_OK, self->handlers().metrics(),
                 "text/plain; version=0.0.4; charset=utf-8");
  if (path == "/healthz") return Reply(conn, MHD_HTTP_OK, "ok\n", "text/plain");
  if (path == "/readyz") {
    const std::string why = self->handlers().not_ready();
    return Reply(conn, why.empty() ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                 why.empty() ? "ready\n" : "not ready: " + why + "\n", "text/plain");
  }
  return Reply(conn, MHD_HTTP_NOT_FOUND, "not found: /metrics, /healthz, /readyz\n", "text/plain");
}

// On libmicrohttpd's thread: an exception must not leave it (through C
// code, it would end the process); the request gets a 500 instead.
MHD_Result Handle(void* cls, MHD_Connection* conn, const char* url, const char* method, const char*,
                  const char*, size_t*, void**) {
  try {
    return Answer(static_cast<MetricsServer*>(cls), conn, url, method);
  } catch (...) {
    LogError(
        CurrentExceptionStatus("metrics endpoint " + std::string(url).substr(0, 100)).ToString());
    return Reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n", "text/plain");
  }
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host, int port,
                                                            Handlers handlers, MetricsTls tls) {
  auto s = std::unique_ptr<MetricsServer>(new MetricsServer());
  s->handlers_ = std::move(handlers);
  s->host_ = host;
  s->port_ = port;
  s->tls_ = std::move(tls);
  s->pem_ = std::make_unique<Pem>();
  if (!s->tls_.cert_file.empty()) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
      return Status::InvalidArgument("this libmicrohttpd has no TLS: /metrics cannot serve HTTPS");
    auto c = ReadPemFile(s->tls_.cert_file, "--tls-cert", /*owner_only=*/false);
    if (!c.ok()) return c.status();
    auto k = ReadPemFile(s->tls_.key_file, "--tls-key", /*owner_only=*/true);
    if (!k.ok()) return k.status();
    s->pem_->cert = std::move(c).value();
    s->pem_->key = std::move(k).value();
  }
  if (auto st = s->Launch(-1, s->pem_->cert, s->pem_->key); !st.ok()) return st;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(s->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  if (info != nullptr) s->port_ = info->port;
  return s;
}

Status MetricsServer::Launch(int listen_fd, const std::string& cert, const std::string& key) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  if (inet_pton(AF_INET, host_.c_str(), &addr.sin_addr) != 1)
    return Status::InvalidArgument("metrics address '" + host_ + "' is not an IPv4 address");
  // ITC: ReloadTls hands the listening socket from one daemon to the next.
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
  const char* priorities = tls_.min_version == "1.3" ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                                     : "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
  std::vector<MHD_OptionItem> options;
  options.push_back({MHD_OPTION_CONNECTION_TIMEOUT, 10, nullptr});
  if (listen_fd >= 0) {
    options.push_back({MHD_OPTION_LISTEN_SOCKET, listen_fd, nullptr});
  } else {
    options.push_back({MHD_OPTION_SOCK_ADDR, 0, &addr});
  }
  if (!cert.empty()) {
    flags |= MHD_USE_TLS;
    options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(cert.c_str())});
    options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(key.c_str())});
    options.push_back({MHD_OPTION_HTTPS_PRIORITIES, 0, const_cast<char*>(priorities)});
  }
  options.push_back({MHD_OPTION_END, 0, nullptr});
  MHD_Daemon* d = MHD_start_daemon(flags, static_cast<uint16_t>(port_), nullptr, nullptr, &Handle,
                                   this, MHD_OPTION_ARRAY, options.data(), MHD_OPTION_END);
  if (d == nullptr)
    return Status::IOError("cannot serve metrics on " + host_ + ":" + std::to_string(port_) +
                           (cert.empty() ? "" : " with the certificate in " + tls_.cert_file));
  daemon_ = d;
  return Status::Ok();
}

Status MetricsServer::ReloadTls() {
  if (tls_.cert_file.empty()) return Status::Ok();
  auto c = ReadPemFile(tls_.cert_file, "--tls-cert", /*owner_only=*/false);
  if (!c.ok()) return c.status();
  auto k = ReadPemFile(tls_.key_file, "--tls-key", /*owner_only=*/true);
  if (!k.ok()) return k.status();
  // The old daemon stops accepting and gives up its socket to the new one.
  MHD_Daemon* old = daemon_;
  int fd = MHD_quiesce_daemon(old);
  if (fd < 0) return Status::IOError("cannot hand over the metrics socket");
  auto next = std::make_unique<Pem>(Pem{std::move(c).value(), std::move(k).value()});
  Status started = Launch(fd, next->cert, next->key);
  if (!started.ok()) {
    // The new files were refused (a key that is not the certificate's):
    // serve the old ones again.
    Status again = Launch(fd, pem_->cert, pem_->key);
    MHD_stop_daemon(old);
    if (!again.ok()) daemon_ = nullptr;
    return again.ok() ? started : again;
  }
  MHD_stop_daemon(old);
  pem_ = std::move(next);
  return Status::Ok();
}

MetricsServer::~MetricsServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace faultgraph::api
