// root_cause_bench: rootCause latency on a graph built from a simulated data
// set, in-process and through Thrift on loopback.
//
//   python3 ops/simulator/fgsim.py --out /tmp/sim200k --cases 200000 --seed 1
//   root_cause_bench --sim /tmp/sim200k [--dir WORK] [--queries 2000] [--reuse 1] [--as-of 1]
//                    [--train 1]
//
// The set is loaded through the real connectors and the simulator's mappings
// (--reuse 1 keeps WORK from an earlier run); queries are closed tickets of
// the set picked at random (product, symptom text, fault codes, serial), as
// an agent asks them live; --as-of 1 asks as of each ticket's opening time
// (bulk re-triage: history and similar cases up to then, a date-range filter
// on the search). Reported: p50, p95,
// p99 and max, after 500 warm-up queries on other tickets. --train 1 trains
// root cause's models first (timed) and answers with them; without it,
// --reuse 1 answers with the models an earlier --train left in WORK.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/bench/bench_args.h"
#include "api/client.h"
#include "api/handler.h"
#include "api/server.h"
#include "common/file_util.h"
#include "connectors/csv_reader.h"
#include "connectors/file_connector.h"
#include "connectors/mapping.h"
#include "diagnosis/diagnose.h"
#include "diagnosis/trainer.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace {

using namespace faultgraph;
using Steady = std::chrono::steady_clock;

double Seconds(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::vector<api::RootCauseRequest> Queries(const std::string& tickets, size_t n, bool as_of) {
  auto read = ReadFileToString(tickets, "tickets");
  if (!read.ok()) return {};
  std::string data = std::move(read).value();
  connectors::CsvReader reader(data, ',');
  connectors::CsvRow row;
  reader.Next(&row);
  std::vector<std::string> header = row.fields;
  auto col = [&](const char* name) {
    return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  size_t model = col("model"), text = col("symptom"), codes = col("fault_codes"),
         serial = col("serial"), opened = col("opened_at"), status = col("status");
  std::vector<api::RootCauseRequest> all;
  while (reader.Next(&row)) {
    if (!row.error.empty() || row.fields.size() != header.size()) continue;
    if (row.fields[status] != "closed" || row.fields[model].empty()) continue;
    api::RootCauseRequest r;
    r.product = row.fields[model];
    r.text = row.fields[text];
    r.faultCodes = ingest::SplitList(row.fields[codes], ";");
    r.serial = row.fields[serial];
    auto at = ingest::ParseTime(row.fields[opened], "%Y-%m-%d %H:%M");
    r.asOfMs = as_of && at.ok() ? *at : 0;
    r.topK = 3;
    all.push_back(std::move(r));
  }
  std::mt19937 rng(7);
  std::shuffle(all.begin(), all.end(), rng);
  if (all.size() > n) all.resize(n);
  return all;
}

void Report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  std::printf("%-28s n=%zu  p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, ms.size(),
              at(0.50), at(0.95), at(0.99), ms.back());
}

// Warm-up: other tickets than the timed ones, so the caches hold what a
// running service holds (fix summaries per product x component), not these
// exact queries' pages.
template <typename Fn>
std::vector<double> Time(const std::vector<api::RootCauseRequest>& warm,
                         const std::vector<api::RootCauseRequest>& qs, Fn&& fn) {
  for (const auto& q : warm) fn(q);
  std::vector<double> ms;
  for (const auto& q : qs) {
    auto t0 = Steady::now();
    fn(q);
    ms.push_back(1000 * Seconds(t0, Steady::now()));
  }
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  std::string sim, dir = "/tmp/fg_root_cause_bench";
  std::string src = FAULTGRAPH_SOURCE_DIR;
  size_t queries = 2000;
  bool reuse = false;
  bool train = false;  // --train 1: train root cause's models first, answer with them
  bool as_of = false;
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: root_cause_bench --sim DIR [--dir WORK] [--queries N] [--reuse 1] "
                               "[--as-of 1] [--train 1]\n"
                               "(make DIR with ops/simulator/fgsim.py)\n",
                               {"--sim", "--dir", "--queries", "--reuse", "--as-of", "--train"});
  sim = args.Get("--sim", sim);
  dir = args.Get("--dir", dir);
  queries = static_cast<size_t>(args.GetInt("--queries", static_cast<long long>(queries)));
  reuse = args.Get("--reuse", "0") == "1";
  as_of = args.Get("--as-of", "0") == "1";
  train = args.Get("--train", "0") == "1";
  if (sim.empty()) {
    std::fprintf(stderr,
                 "usage: root_cause_bench --sim DIR [--dir WORK] [--queries N] [--reuse 1] [--train 1]\n"
                 "(make DIR with ops/simulator/fgsim.py)\n");
    return 2;
  }
  if (!reuse) std::filesystem::remove_all(dir);
  auto store = graph::GraphStore::Open(dir + "/graph");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  auto rules = ingest::TextRules::Load(src + "/ops/config/text_rules.toml");
  if (!rules.ok()) return std::fprintf(stderr, "%s\n", rules.status().ToString().c_str()), 1;
  ingest::IngestPipeline pipeline(store->get(), rules->get());

  if (!reuse) {
    const std::pair<const char*, const char*> loads[] = {{"products", "erp/products.csv"},
                                                         {"components", "erp/components.csv"},
                                                         {"bom", "erp/bom.csv"},
                                                         {"shipments", "erp/shipments.csv"},
                                                         {"fixes", "crm/fixes.csv"},
                                                         {"tickets", "crm/tickets.csv"},
                                                         {"calls", "callcenter/calls.csv"},
                                                         {"alarms", "iot/alarms.jsonl"}};
    auto t0 = Steady::now();
    for (const auto& [m, f] : loads) {
      auto mapping = connectors::LoadMapping(src + "/ops/simulator/mappings/" + m + ".toml");
      if (!mapping.ok())
        return std::fprintf(stderr, "%s\n", mapping.status().ToString().c_str()), 1;
      auto r = connectors::IngestFile(pipeline, *mapping, sim + "/" + f);
      if (!r.ok()) return std::fprintf(stderr, "%s: %s\n", f, r.status().ToString().c_str()), 1;
      std::printf("loaded %-22s %8lld records\n", f, static_cast<long long>(r->stats.applied));
    }
    std::printf("graph loaded in %.1f s\n", Seconds(t0, Steady::now()));
  }
  auto t1 = Steady::now();
  auto search = api::SearchService::Open(store->get(), dir + "/index", /*background=*/false);
  if (!search.ok()) return std::fprintf(stderr, "%s\n", search.status().ToString().c_str()), 1;
  std::printf("index caught up in %.1f s\n", Seconds(t1, Steady::now()));

  auto qs = Queries(sim + "/crm/tickets.csv", queries + 500, as_of);
  if (qs.size() <= 500) return std::fprintf(stderr, "too few queries from %s\n", sim.c_str()), 1;
  std::vector<api::RootCauseRequest> warm(qs.begin(), qs.begin() + 500);
  qs.erase(qs.begin(), qs.begin() + 500);
  auto handler = std::make_shared<api::Handler>(store->get(), &pipeline, search->get());
  if (train) {
    auto t2 = Steady::now();
    auto m = diagnosis::TrainModels(**store, handler->diagnoser(), pipeline.rules(),
                                    dir + "/models", diagnosis::TrainOptions{});
    if (!m.ok()) return std::fprintf(stderr, "train: %s\n", m.status().ToString().c_str()), 1;
    const auto& info = (*m)->component_info;
    std::printf("trained on %llu cases in %.1f s, model file %.1f MB, held-back top-1 %.1f%%\n",
                static_cast<unsigned long long>(info.cases), Seconds(t2, Steady::now()),
                static_cast<double>(info.file_bytes) / 1e6, 100 * info.held_back.blend_top1);
    handler->diagnoser().SetModels(*m);
  } else if (reuse) {  // the models an earlier --train left in WORK, if any
    auto m = diagnosis::LoadModels(dir + "/models");
    if (m.ok()) {
      handler->diagnoser().SetModels(*m);
      std::printf("models loaded from %s/models (%llu cases%s)\n", dir.c_str(),
                  static_cast<unsigned long long>((*m)->component_info.cases),
                  (*m)->cause != nullptr ? ", with a cause model" : "");
    } else {
      std::printf("no models: %s\n", m.status().ToString().c_str());
    }
  }
  api::RootCauseAnswer answer;
  // The nearest-case search alone, as rootCause issues it: what share of
  // the time is search.
  Report("  of which: search", Time(warm, qs, [&](const api::RootCauseRequest& q) {
           search::SearchRequest req = diagnosis::NearCasesRequest(q.text, 0);
           req.filters.product = q.product;
           req.filters.to_ms = q.asOfMs;
           (void)(*search)->searcher().Search(req);
         }));
  Report("rootCause in-process",
         Time(warm, qs, [&](const api::RootCauseRequest& q) { handler->rootCause(answer, q); }));

  api::ServerOptions options;
  options.port = 0;
  auto server = api::Server::Start(handler, options);
  if (!server.ok()) return std::fprintf(stderr, "%s\n", server.status().ToString().c_str()), 1;
  auto client = api::ConnectToServer("127.0.0.1:" + std::to_string((*server)->port()));
  if (!client.ok()) return std::fprintf(stderr, "%s\n", client.status().ToString().c_str()), 1;
  Report("rootCause over Thrift",
         Time(warm, qs, [&](const api::RootCauseRequest& q) { (*client)->rootCause(answer, q); }));
  (*server)->Stop();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %ld MB\n", ru.ru_maxrss / 1024);
  return 0;
}
