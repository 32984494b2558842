// faultgraphd: the faultgraph daemon. Serves the Thrift API over one data
// directory. SIGTERM/SIGINT: stop accepting, let running calls finish (an
// ingest commits its open batch and returns), close the store, exit 0.
// SIGHUP: reopen --log-file, reload the TLS certificate. Under a systemd
// Type=notify unit it says READY=1, STOPPING=1 and pings the watchdog
// (api/service_notify.h; ops/package/faultgraph.service).
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>

// clang-format off
#include <string>  // Thrift's TOutput.h uses std::string without including it
#include <thrift/TOutput.h>
// clang-format on

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "api/handler.h"
#include "api/metrics_server.h"
#include "api/metrics_text.h"
#include "api/server.h"
#include "api/service_notify.h"
#include "api/session_handler.h"
#include "api/tls_config.h"
#include "common/log.h"
#include "common/private_dir.h"
#include "common/version.h"
#include "connectors/connector_config.h"
#include "connectors/scheduler.h"
#include "diagnosis/retrainer.h"

namespace {

void Usage(FILE* to = stderr) {
  std::fprintf(
      to,
      "usage: faultgraphd --data DIR [--rules FILE] [--host ADDR] [--port N]\n"
      "                   [--max-message-bytes N] [--max-connections N]\n"
      "                   [--idle-timeout SECONDS] [--worker-threads N] [--port-file FILE]\n"
      "                   [--import-dir DIR]... [--rate-limit N]\n"
      "                   [--audit-retention-days N] [--retrain-interval SECONDS]\n"
      "                   [--connectors FILE] [--metrics-port N]\n"
      "                   [--log-file FILE] [--log-level debug|info|warn|error]\n"
      "                   [--tls-cert FILE --tls-key FILE [--tls-ca FILE\n"
      "                    --tls-client-cert required|optional] [--tls-min 1.2|1.3]]\n"
      "                   [--insecure] | --check-config FILE\n"
      "  --data DIR              the data directory (created when missing)\n"
      "  --rules FILE            text rules: codes, PII labels, symptom rules (TOML)\n"
      "  --host ADDR             listen address (default 127.0.0.1)\n"
      "  --port N                listen port (default 9090; 0 = any free port)\n"
      "  --max-message-bytes N   largest request accepted (default 16777216)\n"
      "  --max-connections N     connections served at once; more are refused with a\n"
      "                          message (default 1000)\n"
      "  --idle-timeout SECONDS  close a connection with no call in progress after this\n"
      "                          long, slow requests included (default 60)\n"
      "  --worker-threads N      calls run at once (default 8)\n"
      "  --import-dir DIR        ingestFile reads files under DIR only (repeatable;\n"
      "                          default: none, ingestFile refused)\n"
      "  --rate-limit N          calls per second per principal (default 200; 0 = off)\n"
      "  --audit-retention-days N  keep the audit trail this long (default 365; 0 =\n"
      "                          forever)\n"
      "  --retrain-interval SECONDS  check this often whether the graph has grown by 5 %%\n"
      "                          since root cause's models were trained, and retrain in\n"
      "                          the background (default 600; 0 = never)\n"
      "Sign-in: on a first start (no principal yet) an admin token is written to\n"
      "DIR/admin.token (0600); 'faultgraph users add' makes more.\n"
      "  --port-file FILE        write the bound port to FILE once listening\n"
      "  --connectors FILE       run the connectors of FILE on their cron schedules\n"
      "  --check-config FILE     validate a connectors file (and its mappings), exit\n"
      "  --metrics-port N        serve /metrics, /healthz, /readyz on --host:N\n"
      "                          (0 = any free port; default: not served)\n"
      "  --metrics-port-file FILE  write the metrics port to FILE once listening\n"
      "  --ready-failed-runs N   /readyz answers 503 while a connector has failed its\n"
      "                          last N runs in a row (default 3; 0 = never)\n"
      "  --log-file FILE         append the log (one JSON object a line) to FILE\n"
      "                          instead of stderr; SIGHUP opens FILE again (logrotate)\n"
      "  --log-level LEVEL       debug, info, warn or error: lines below it are dropped\n"
      "                          (default info, or $FAULTGRAPH_LOG)\n"
      "TLS (the Thrift port and /metrics; SIGHUP reloads the certificate and key):\n"
      "  --tls-cert FILE         the server's certificate (PEM, with its chain)\n"
      "  --tls-key FILE          its private key (PEM; owner-only, 0600)\n"
      "  --tls-ca FILE           CAs that client certificates must come from\n"
      "  --tls-client-cert required|optional  ask clients for a certificate (mTLS);\n"
      "                          optional: checked when one is presented\n"
      "  --tls-min 1.2|1.3       lowest TLS version accepted (default 1.2)\n"
      "  --insecure              allow plain TCP on an address other than loopback\n"
      "                          (without it, faultgraphd refuses to start)\n");
}

bool ParseInt(const char* s, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > (1l << 30)) return false;
  *out = static_cast<int>(v);
  return true;
}

const faultgraph::ingest::TextRules* g_log_rules = nullptr;
std::string MaskForLog(std::string_view message) { return g_log_rules->MaskPii(message); }

// Written whole or not at all (readers poll for the file).
bool WritePortFile(const std::string& path, int port) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  return f != nullptr && std::fprintf(f, "%d\n", port) >= 0 && std::fclose(f) == 0 &&
         std::rename(tmp.c_str(), path.c_str()) == 0;
}

// The next SIGTERM, SIGINT or SIGHUP of `signals` (blocked in every thread),
// or -1. While systemd asks for a watchdog, the wait pings it every
// `period`: a main thread that no longer comes back here stops the pings.
int NextSignal(const sigset_t& signals, faultgraph::api::ServiceNotifier& notifier) {
  using Clock = std::chrono::steady_clock;
  const auto period = notifier.watchdog_period();
  if (period.count() == 0) {
    int sig = 0;
    return sigwait(&signals, &sig) == 0 ? sig : -1;
  }
  static Clock::time_point next_ping = Clock::now();
  for (;;) {
    auto now = Clock::now();
    if (now >= next_ping) {
      notifier.WatchdogPing();
      next_ping = now + period;
    }
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(next_ping - now);
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(left.count() / 1000000000);
    wait.tv_nsec = static_cast<long>(left.count() % 1000000000);
    int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig > 0) return sig;
    if (errno != EAGAIN && errno != EINTR) return -1;
  }
}

// Every connection is a descriptor: the soft limit goes up to the hard
// one, and the cap comes down when even that is too low (the store and
// the index keep some descriptors of their own).
bool RaiseOpenFileLimit(int* max_connections) {
  constexpr rlim_t kReserved = 512;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;
  rlim_t want = static_cast<rlim_t>(*max_connections) + 256 + kReserved;
  if (lim.rlim_cur < want && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = std::min(want, lim.rlim_max);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < want) {
    if (lim.rlim_cur <= kReserved + 256 + 16) {
      faultgraph::LogError("the open-file limit (" + std::to_string(lim.rlim_cur) +
                           ") is too low to serve connections; raise ulimit -n");
      return false;
    }
    int cap = static_cast<int>(lim.rlim_cur - kReserved - 256);
    faultgraph::LogWarn("the open-file limit is " + std::to_string(lim.rlim_cur) +
                        ": serving at most " + std::to_string(cap) + " connections");
    *max_connections = cap;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace faultgraph;
  std::string data, port_file, rules_path, connectors_path, metrics_port_file, log_file;
  std::optional<LogLevel> log_level;
  int ready_failed_runs = 3;
  int metrics_port = -1;
  int retrain_seconds = 600;
  api::ServerOptions options;
  std::vector<std::string> import_dirs;
  int rate_limit = 200;
  api::AuditOptions audit_options;
  api::TlsServerOptions tls_options;
  bool insecure = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "faultgraphd: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--data") {
      data = value();
    } else if (a == "--host") {
      options.host = value();
    } else if (a == "--port") {
      if (!ParseInt(value(), &options.port) || options.port > 65535) {
        std::fprintf(stderr, "faultgraphd: --port must be 0..65535\n");
        return 2;
      }
    } else if (a == "--max-message-bytes") {
      if (!ParseInt(value(), &options.max_message_bytes) || options.max_message_bytes < 1024) {
        std::fprintf(stderr, "faultgraphd: --max-message-bytes must be an integer >= 1024\n");
        return 2;
      }
    } else if (a == "--max-connections") {
      if (!ParseInt(value(), &options.connections.max_connections) ||
          options.connections.max_connections < 1) {
        std::fprintf(stderr, "faultgraphd: --max-connections must be an integer >= 1\n");
        return 2;
      }
    } else if (a == "--idle-timeout") {
      int seconds = 0;
      if (!ParseInt(value(), &seconds) || seconds < 1 || seconds > 86400) {
        std::fprintf(stderr, "faultgraphd: --idle-timeout must be 1..86400 seconds\n");
        return 2;
      }
      options.connections.idle_timeout_ms = seconds * 1000;
    } else if (a == "--worker-threads") {
      if (!ParseInt(value(), &options.worker_threads) || options.worker_threads < 1 ||
          options.worker_threads > 1024) {
        std::fprintf(stderr, "faultgraphd: --worker-threads must be 1..1024\n");
        return 2;
      }
    } else if (a == "--import-dir") {
      char real[PATH_MAX];
      const char* dir = value();
      if (::realpath(dir, real) == nullptr) {
        std::fprintf(stderr, "faultgraphd: --import-dir %s does not exist\n", dir);
        return 2;
      }
      import_dirs.emplace_back(real);
    } else if (a == "--rate-limit") {
      if (!ParseInt(value(), &rate_limit)) {
        std::fprintf(stderr, "faultgraphd: --rate-limit must be an integer >= 0\n");
        return 2;
      }
    } else if (a == "--audit-retention-days") {
      if (!ParseInt(value(), &audit_options.retention_days) ||
          audit_options.retention_days > 36500) {
        std::fprintf(stderr, "faultgraphd: --audit-retention-days must be 0..36500\n");
        return 2;
      }
    } else if (a == "--rules") {
      rules_path = value();
    } else if (a == "--port-file") {
      port_file = value();
    } else if (a == "--connectors") {
      connectors_path = value();
    } else if (a == "--check-config") {
      auto file = connectors::LoadConnectors(value(), {.check_secret_files = true});
      if (!file.ok()) {
        std::fprintf(stderr, "faultgraphd: %s\n", file.status().message().c_str());
        return 2;
      }
      std::printf("%s: %zu connectors, all valid\n", file->path.c_str(), file->connectors.size());
      return 0;
    } else if (a == "--ready-failed-runs") {
      if (!ParseInt(value(), &ready_failed_runs) || ready_failed_runs < 0) {
        std::fprintf(stderr, "faultgraphd: --ready-failed-runs must be 0 or more\n");
        return 2;
      }
    } else if (a == "--metrics-port") {
      if (!ParseInt(value(), &metrics_port) || metrics_port > 65535) {
        std::fprintf(stderr, "faultgraphd: --metrics-port must be 0..65535\n");
        return 2;
      }
    } else if (a == "--retrain-interval") {
      if (!ParseInt(value(), &retrain_seconds)) {
        std::fprintf(stderr, "faultgraphd: --retrain-interval must be a number of seconds\n");
        return 2;
      }
    } else if (a == "--tls-cert") {
      tls_options.cert_file = value();
    } else if (a == "--tls-key") {
      tls_options.key_file = value();
    } else if (a == "--tls-ca") {
      tls_options.ca_file = value();
    } else if (a == "--tls-client-cert") {
      auto mode = api::ParseClientCertMode(value());
      if (!mode.ok()) {
        std::fprintf(stderr, "faultgraphd: %s\n", mode.status().message().c_str());
        return 2;
      }
      tls_options.client_cert = *mode;
    } else if (a == "--tls-min") {
      tls_options.min_version = value();
    } else if (a == "--insecure") {
      insecure = true;
    } else if (a == "--metrics-port-file") {
      metrics_port_file = value();
    } else if (a == "--log-file") {
      log_file = value();
      if (log_file.empty()) {
        std::fprintf(stderr, "faultgraphd: --log-file needs a file name\n");
        return 2;
      }
    } else if (a == "--log-level") {
      const char* v = value();
      log_level = ParseLogLevel(v);
      if (!log_level) {
        std::fprintf(stderr,
                     "faultgraphd: --log-level must be debug, info, warn or error, not '%s'\n", v);
        return 2;
      }
    } else if (a == "--help" || a == "-h") {
      Usage(stdout);
      return 0;
    } else if (a == "--version") {
      std::printf("faultgraphd %s (revision %s)\n", FAULTGRAPH_VERSION, FAULTGRAPH_REVISION);
      return 0;
    } else {
      std::fprintf(stderr, "faultgraphd: unknown argument '%s'\n", a.c_str());
      Usage();
      return 2;
    }
  }
  if (data.empty()) {
    Usage();
    return 2;
  }
  if (auto tls_ok = api::CheckTlsServerOptions(tls_options); !tls_ok.ok()) {
    std::fprintf(stderr, "faultgraphd: %s\n", tls_ok.message().c_str());
    return 2;
  }
  if (auto plain = api::CheckPlainListenAddress(options.host, tls_options.enabled(), insecure);
      !plain.ok()) {
    std::fprintf(stderr, "faultgraphd: %s\n", plain.message().c_str());
    return 2;
  }

  // The data directory is the owner's alone (common/private_dir.h).
  UseOwnerOnlyUmask();
  if (log_level) SetLogLevel(*log_level);
  // Thrift's own messages (the server's threads, clients that went away)
  // are log lines too, at debug level: --log-file keeps them with the rest.
  apache::thrift::GlobalOutput.setOutputFunction(
      [](const char* m) { LogDebug(std::string("thrift: ") + m); });
  if (!log_file.empty()) {
    if (Status opened = SetLogFile(log_file); !opened.ok()) {
      std::fprintf(stderr, "faultgraphd: --log-file: %s\n", opened.message().c_str());
      return 2;
    }
  }
  if (!RaiseOpenFileLimit(&options.connections.max_connections)) return 1;
  // OpenSSL and plain sockets can raise SIGPIPE on a closed peer.
  signal(SIGPIPE, SIG_IGN);
  // Block the shutdown signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reopens --log-file, reloads the TLS certificate
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  if (tls_options.enabled()) {
    auto tls = api::ServerTlsContext::Create(tls_options);
    if (!tls.ok()) {
      LogError(tls.status().message());
      return 2;
    }
    options.tls = std::move(tls).value();
  } else if (!api::IsLoopbackAddress(options.host)) {
    LogWarn("--insecure: serving plain TCP on " + options.host +
            ": tokens and case data cross the network in clear");
  }

  std::optional<connectors::ConnectorsFile> connectors_file;
  if (!connectors_path.empty()) {
    auto file = connectors::LoadConnectors(connectors_path);
    if (!file.ok()) {
      LogError(file.status().message());
      return 2;
    }
    connectors_file = std::move(file).value();
  }
  // No --rules: the shipped rules, compiled in (the CLI's default too).
  auto loaded_rules = ingest::TextRules::LoadOrShipped(rules_path);
  if (!loaded_rules.ok()) {
    LogError(loaded_rules.status().ToString());
    return 2;
  }
  std::unique_ptr<ingest::TextRules> rules = std::move(loaded_rules).value();
  api::DataPaths paths(data);
  auto store = graph::GraphStore::Open(paths.graph);
  if (!store.ok()) {
    LogError("cannot open the data directory: " + store.status().ToString());
    return 1;
  }
  if (auto tightened = MakeOwnerOnly(data); !tightened.ok() || *tightened > 0)
    LogWarn(tightened.ok() ? "data directory " + data + ": " + std::to_string(*tightened) +
                                 " entries were open to group or others; now owner-only"
                           : tightened.status().ToString());
  ingest::IngestPipeline pipeline(store->get(), rules.get());
  // From here on, log lines (connector errors can quote rows) are masked.
  g_log_rules = &pipeline.rules();
  SetLogFilter(&MaskForLog);
  auto search = api::SearchService::Open(store->get(), paths.index, /*background=*/true);
  if (!search.ok()) {
    LogError("cannot open the search index: " + search.status().ToString());
    return 1;
  }
  std::atomic<bool> stopping{false};
  auto handler = std::make_shared<api::Handler>(store->get(), &pipeline, search->get(), &stopping);
  // Root cause's trained models: those on disk now, newer ones as the graph grows.
  diagnosis::RetrainOptions retrain;
  retrain.interval = std::chrono::seconds(retrain_seconds);
  diagnosis::Retrainer retrainer(store->get(), &handler->diagnoser(), &pipeline.rules(),
                                 paths.models, retrain, [](const std::string& m) { LogInfo(m); });
  retrainer.LoadExisting();
  handler->set_models_dir(paths.models);
  if (retrain_seconds > 0) retrainer.Start();
  // The scheduler is handed to the handler before any request thread runs.
  std::unique_ptr<connectors::Scheduler> scheduler;
  if (connectors_file) {
    scheduler =
        std::make_unique<connectors::Scheduler>(pipeline, **store, std::move(*connectors_file));
    handler->SetScheduler(scheduler.get());
  }
  // Sign-in: a first start makes the admin whose token opens the rest.
  const std::string admin_token = data + "/admin.token";
  auto first = handler->principals().CreateFirstAdmin(admin_token);
  if (!first.ok()) {
    LogError("cannot create the first admin: " + first.status().ToString());
    return 1;
  }
  if (*first) {
    LogInfo("created principal 'admin'; its token is in " + admin_token +
            " (readable by this user only): faultgraph --server ... --token-file " + admin_token);
  }
  auto audit = std::make_unique<api::AuditLog>(store->get(), audit_options);
  api::RateLimiter limiter(rate_limit, 2.0 * rate_limit);
  api::SessionServices services;
  services.handler = handler.get();
  services.principals = &handler->principals();
  services.audit = audit.get();
  services.limiter = &limiter;
  api::RequestMetrics requests;
  services.requests = &requests;
  services.import_dirs = import_dirs;
  services.record_outcome = [h = handler.get()](api::Outcome& out, const api::OutcomeRequest& r,
                                                const std::string& principal) {
    h->RecordOutcome(out, r, principal);
  };
  auto server = api::Server::Start(
      [&services](const api::ConnectionInfo& c) {
        return std::make_shared<api::SessionHandler>(&services, c);
      },
      options);
  if (!server.ok()) {
    LogError(server.status().ToString());
    return 1;
  }
  int port = (*server)->port();
  if (scheduler) scheduler->Start();
  std::unique_ptr<api::MetricsServer> metrics;
  if (metrics_port >= 0) {
    api::MetricsServer::Handlers h;
    h.metrics = [&] {
      return api::MetricsText(**store, scheduler.get()) +
             api::IndexHealthText((*search)->health()) +
             api::StorageText(**store, **search, paths, handler->diagnoser().models()) +
             requests.Text();
    };
    h.not_ready = [&]() -> std::string {
      if (stopping.load()) return "stopping";
      // A connector that failed its last runs: its source is cut off.
      if (scheduler && ready_failed_runs > 0)
        for (const auto& [name, m] : scheduler->Metrics())
          if (m.failed_in_a_row >= ready_failed_runs)
            return "connector " + name + " failed its last " + std::to_string(m.failed_in_a_row) +
                   " runs";
      return "";
    };
    api::MetricsTls metrics_tls;
    if (tls_options.enabled())
      metrics_tls = {tls_options.cert_file, tls_options.key_file, tls_options.min_version};
    auto m = api::MetricsServer::Start(options.host, metrics_port, std::move(h), metrics_tls);
    if (!m.ok()) {
      LogError(m.status().ToString());
      return 1;
    }
    metrics = std::move(m).value();
    if (!metrics_port_file.empty() && !WritePortFile(metrics_port_file, metrics->port())) {
      LogError("cannot write --metrics-port-file " + metrics_port_file);
      return 1;
    }
    LogInfo(std::string("metrics on ") + (tls_options.enabled() ? "https://" : "http://") +
            options.host + ":" + std::to_string(metrics->port()) +
            " (/metrics, /healthz, /readyz)");
  }
  if (!port_file.empty() && !WritePortFile(port_file, port)) {
    LogError("cannot write --port-file " + port_file);
    return 1;
  }
  const std::string serving =
      "serving " + data + " on " + options.host + ":" + std::to_string(port) +
      (options.tls ? " with TLS (" + options.tls->Describe() + ")" : " without TLS");
  LogInfo("faultgraphd " + serving);
  // The port listens and the store is open: systemd may start what needs us.
  api::ServiceNotifier notifier;
  notifier.Ready(serving);
  if (notifier.watchdog_period().count() > 0)
    LogDebug("systemd watchdog: a ping every " +
             std::to_string(notifier.watchdog_period().count() / 1000) + " ms");

  int sig = 0;
  while ((sig = NextSignal(signals, notifier)) == SIGHUP) {
    // The log first, so that what follows lands in the new file.
    std::string reopened;
    if (!log_file.empty()) {
      if (Status s = ReopenLogFile(); s.ok())
        reopened = "reopened the log file " + log_file;
      else
        LogError("received SIGHUP: kept writing to the log file in use: " + s.message());
    }
    if (!options.tls) {
      LogInfo("received SIGHUP: " +
              (reopened.empty() ? "nothing to reload (TLS is off)" : reopened));
      continue;
    }
    if (!reopened.empty()) LogInfo("received SIGHUP: " + reopened);
    auto reloaded = options.tls->Reload();
    if (!reloaded.ok()) {
      LogError("received SIGHUP: kept the TLS certificate in use: " +
               reloaded.status().message());
      continue;
    }
    if (metrics) {
      if (auto m = metrics->ReloadTls(); !m.ok())
        LogError("metrics kept their TLS certificate: " + m.message());
    }
    LogInfo("received SIGHUP: " + *reloaded);
  }
  LogInfo(std::string("received ") + strsignal(sig) +
          ": finishing open calls and batches, then stopping");
  notifier.Stopping("stopping: finishing open calls and batches");
  stopping = true;
  if (scheduler) scheduler->Stop();  // a running connector commits its batch in hand
  (*server)->Stop();
  server->reset();
  retrainer.Stop();  // waits for a training in progress
  audit.reset();      // the last calls' records are written
  // Indexes what the last batches committed.
  if (Status s = (*search)->Stop(); !s.ok()) LogError("indexer: " + s.ToString());
  metrics.reset();
  scheduler.reset();
  handler.reset();
  search->reset();
  store->reset();
  LogInfo("faultgraphd stopped");
  return 0;
}
