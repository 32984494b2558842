// faultgraphd: the faultgraph daemon. Serves the Thrift API over one data
// directory. SIGTERM/SIGINT: stop accepting, let running calls finish (an
// ingest commits its open batch and returns), close the store, exit 0.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "api/handler.h"
#include "api/server.h"
#include "common/log.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: faultgraphd --data DIR [--rules FILE] [--host ADDR] [--port N]\n"
               "                   [--max-message-bytes N] [--port-file FILE]\n"
               "  --data DIR              the data directory (created when missing)\n"
               "  --rules FILE            text rules: codes, PII labels, symptom rules (TOML)\n"
               "  --host ADDR             listen address (default 127.0.0.1)\n"
               "  --port N                listen port (default 9090; 0 = any free port)\n"
               "  --max-message-bytes N   largest request accepted (default 16777216)\n"
               "  --port-file FILE        write the bound port to FILE once listening\n");
}

bool ParseInt(const char* s, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > (1l << 30)) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace faultgraph;
  std::string data, port_file, rules_path;
  api::ServerOptions options;
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
    } else if (a == "--rules") {
      rules_path = value();
    } else if (a == "--port-file") {
      port_file = value();
    } else if (a == "--help" || a == "-h") {
      Usage();
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

  // OpenSSL and plain sockets can raise SIGPIPE on a closed peer.
  signal(SIGPIPE, SIG_IGN);
  // Block the shutdown signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<ingest::TextRules> rules;
  if (!rules_path.empty()) {
    auto r = ingest::TextRules::Load(rules_path);
    if (!r.ok()) {
      LogError(r.status().ToString());
      return 2;
    }
    rules = std::move(r).value();
  }
  api::DataPaths paths(data);
  auto store = graph::GraphStore::Open(paths.graph);
  if (!store.ok()) {
    LogError("cannot open the data directory: " + store.status().ToString());
    return 1;
  }
  ingest::IngestPipeline pipeline(store->get(), rules.get());
  auto search = api::SearchService::Open(store->get(), paths.index, /*background=*/true);
  if (!search.ok()) {
    LogError("cannot open the search index: " + search.status().ToString());
    return 1;
  }
  std::atomic<bool> stopping{false};
  auto handler =
      std::make_shared<api::Handler>(store->get(), &pipeline, search->get(), &stopping);
  auto server = api::Server::Start(handler, options);
  if (!server.ok()) {
    LogError(server.status().ToString());
    return 1;
  }
  int port = (*server)->port();
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr || std::fprintf(f, "%d\n", port) < 0 || std::fclose(f) != 0 ||
        std::rename(tmp.c_str(), port_file.c_str()) != 0) {
      LogError("cannot write --port-file " + port_file);
      return 1;
    }
  }
  LogInfo("faultgraphd serving " + data + " on " + options.host + ":" + std::to_string(port));

  int sig = 0;
  sigwait(&signals, &sig);
  LogInfo(std::string("received ") + strsignal(sig) +
          ": finishing open calls and batches, then stopping");
  stopping = true;
  (*server)->Stop();
  server->reset();
  (*search)->Stop();  // indexes what the last batches committed
  handler.reset();
  search->reset();
  store->reset();
  LogInfo("faultgraphd stopped");
  return 0;
}
