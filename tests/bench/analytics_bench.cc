// analytics_bench: how long R&D's analyses take over a loaded graph.
//
//   analytics_bench --data DIR [--runs 3]
//
// Opens the graph in DIR/graph (load one first, e.g. the simulator's
// 1,000,000 tickets; docs/BENCHMARKS.md has the commands) and runs, `runs`
// times, everything R&D asks for: failure rates and change alerts of every
// product x component (DefectTrends), cohort rates of every pair
// (CohortRates), repeat failures (RepeatFailures), repeat contacts and KPIs
// by product (ComputeKpis). Prints each step's time per run and the total.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "tests/bench/bench_args.h"
#include "analytics/kpis.h"
#include "analytics/repeats.h"
#include "analytics/trends.h"
#include "graph/fact_scan.h"
#include "graph/graph_store.h"

namespace {
double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace faultgraph;
  std::string dir;
  int runs = 3;
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: analytics_bench --data DIR [--runs N]\n",
                               {"--data", "--runs"});
  dir = args.Get("--data", dir);
  runs = static_cast<int>(args.GetInt("--runs", runs));
  if (dir.empty()) return std::fprintf(stderr, "usage: analytics_bench --data DIR [--runs N]\n"), 2;
  auto t_open = std::chrono::steady_clock::now();
  graph::GraphOptions go;
  go.create_if_missing = false;
  auto store = graph::GraphStore::Open(dir + "/graph", go);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  std::printf("open: %.3f s\n", Since(t_open));
  auto fail = [](const Status& s) { return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1; };
  for (int run = 1; run <= runs; ++run) {
    {
      auto t = std::chrono::steady_clock::now();
      auto calls = graph::CallIndex::Load(**store);
      double t_calls = Since(t);
      t = std::chrono::steady_clock::now();
      size_t n = 0;
      std::atomic<size_t> m{0};
      (void)graph::ForEachAssetHistory(
          **store, [&](int, std::span<const graph::CaseFactRow> c) { m += c.size(); });
      std::printf("scan: calls %.3f s, asset histories %.3f s (%zu)\n", t_calls, Since(t),
                  m.load());
      (void)n;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto trends = analytics::DefectTrends(**store, {});
    if (!trends.ok()) return fail(trends.status());
    double t_trends = Since(t0);
    auto t1 = std::chrono::steady_clock::now();
    auto cohorts = analytics::CohortRates(**store, {});
    if (!cohorts.ok()) return fail(cohorts.status());
    double t_cohorts = Since(t1);
    auto t2 = std::chrono::steady_clock::now();
    auto repeats = analytics::RepeatFailures(**store, {});
    if (!repeats.ok()) return fail(repeats.status());
    double t_repeats = Since(t2);
    auto t3 = std::chrono::steady_clock::now();
    auto kpis = analytics::ComputeKpis(**store, {});
    if (!kpis.ok()) return fail(kpis.status());
    double t_kpis = Since(t3);
    std::printf(
        "run %d: trends %.3f s (%zu series, %zu alerts), cohorts %.3f s (%zu cells), repeats "
        "%.3f s (%zu rows), kpis %.3f s (%llu cases) -> total %.3f s\n",
        run, t_trends, trends->series.size(), trends->alerts.size(), t_cohorts, cohorts->size(),
        t_repeats, repeats->size(), t_kpis, static_cast<unsigned long long>(kpis->back().cases),
        Since(t0));
  }
  return 0;
}
