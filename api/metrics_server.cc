#include "api/metrics_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>

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

MHD_Result Handle(void* cls, MHD_Connection* conn, const char* url, const char* method, const char*,
                  const char*, size_t*, void**) {
  auto* self = static_cast<MetricsServer*>(cls);
  if (std::strcmp(method, "GET") != 0)
    return Reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n", "text/plain");
  std::string path = url;
  if (path == "/metrics")
    return Reply(conn, MHD_HTTP_OK, self->handlers().metrics(),
                 "text/plain; version=0.0.4; charset=utf-8");
  if (path == "/healthz") return Reply(conn, MHD_HTTP_OK, "ok\n", "text/plain");
  if (path == "/readyz") {
    bool ready = self->handlers().ready();
    return Reply(conn, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE,
                 ready ? "ready\n" : "not ready\n", "text/plain");
  }
  return Reply(conn, MHD_HTTP_NOT_FOUND, "not found: /metrics, /healthz, /readyz\n", "text/plain");
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const std::string& host, int port,
                                                            Handlers handlers) {
  auto s = std::unique_ptr<MetricsServer>(new MetricsServer());
  s->handlers_ = std::move(handlers);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return Status::InvalidArgument("metrics address '" + host + "' is not an IPv4 address");
  s->daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                                static_cast<uint16_t>(port), nullptr, nullptr, &Handle, s.get(),
                                MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&addr),
                                MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  if (s->daemon_ == nullptr)
    return Status::IOError("cannot listen for metrics on " + host + ":" + std::to_string(port));
  const MHD_DaemonInfo* info = MHD_get_daemon_info(s->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  s->port_ = info != nullptr ? info->port : port;
  return s;
}

MetricsServer::~MetricsServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace faultgraph::api
