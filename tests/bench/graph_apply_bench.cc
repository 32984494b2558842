// graph_apply_bench: how fast Case records go into the graph.
//
//   graph_apply_bench [--cases N] [--batch B] [--dir DIR] [--mode records|csv]
//
// records: typed Case records (1-2 fault codes, 1 component, 1 fix each)
//          through IngestPipeline::ApplyRecords: validate-free apply rate.
// csv:     the same cases written to a CSV file first, then the whole file
//          connector path (parse, map, validate, normalise, derive, commit).
// Prints cases/s, counter contributions per case and peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "tests/bench/bench_args.h"
#include "connectors/file_connector.h"
#include "connectors/mapping.h"
#include "graph/graph_store.h"
#include "ingest/derive.h"
#include "ingest/pipeline.h"

namespace {

using namespace faultgraph;

ingest::Record MakeCase(int i, std::mt19937& rng) {
  static const char* kParts[] = {"COMP-1", "FAN-2", "PCB-3", "VALVE-4", "SENSOR-5", "CAP-6"};
  ingest::Case c;
  c.case_id = "C" + std::to_string(i);
  c.asset_serial = "SN" + std::to_string(i % 50'000);
  c.product = "AC-" + std::to_string(i % 60);
  c.family = "AC";
  c.opened_ms = 1'672'531'200'000 + static_cast<int64_t>(i) * 60'000;
  c.symptom_text = "空调不制冷，显示E4故障码 unit not cooling";
  c.fault_codes = {"E" + std::to_string(rng() % 12)};
  if (rng() % 3 == 0) c.fault_codes.push_back("F" + std::to_string(rng() % 5));
  c.components = {kParts[rng() % 6]};
  c.fixes = {"FIX-" + std::to_string(rng() % 8)};
  c.labour_minutes = 30 + static_cast<int>(rng() % 90);
  return ingest::Record{"bench", c.case_id, "1", c};
}

long PeakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 200'000, batch = 1000;
  std::string dir = "/tmp/fg_graph_apply_bench", mode = "records";
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: graph_apply_bench [--cases N] [--batch B] [--dir DIR] "
                               "[--mode records|csv]\n",
                               {"--cases", "--batch", "--dir", "--mode"});
  cases = static_cast<int>(args.GetInt("--cases", cases));
  batch = static_cast<int>(args.GetInt("--batch", batch));
  dir = args.Get("--dir", dir);
  mode = args.Get("--mode", mode);
  std::filesystem::remove_all(dir);
  auto store = graph::GraphStore::Open(dir + "/db");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  ingest::IngestPipeline pipeline(store->get());
  std::mt19937 rng(1);
  std::vector<ingest::Record> all;
  all.reserve(cases);
  size_t contributions = 0;
  for (int i = 0; i < cases; ++i) {
    all.push_back(MakeCase(i, rng));
    contributions += ingest::Derive(all.back()).dedup.counters.size();
  }

  double seconds = 0;
  if (mode == "records") {
    std::vector<std::vector<ingest::Record>> chunks;
    for (int i = 0; i < cases; i += batch) {
      chunks.emplace_back(all.begin() + i, all.begin() + std::min(cases, i + batch));
    }
    auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < chunks.size(); ++i) {
      auto r = pipeline.ApplyRecords("bench", "gen", std::move(chunks[i]), std::to_string(i));
      if (!r.ok()) {
        std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
        return 1;
      }
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else if (mode == "csv") {
    std::string csv_path = dir + "/cases.csv";
    {
      std::ofstream csv(csv_path);
      csv << "case_id,serial,model,opened_ms,text,codes,part,fix,labour\n";
      for (const auto& r : all) {
        const auto& c = std::get<ingest::Case>(r.body);
        csv << c.case_id << ',' << c.asset_serial << ',' << c.product << ',' << c.opened_ms << ','
            << c.symptom_text << ',' << c.fault_codes[0]
            << (c.fault_codes.size() > 1 ? ";" + c.fault_codes[1] : "") << ',' << c.components[0]
            << ',' << c.fixes[0] << ',' << c.labour_minutes << '\n';
      }
    }
    auto mapping = connectors::ParseMapping(
        "[source]\nname = \"bench\"\nrecord = \"case\"\nbatch_size = " + std::to_string(batch) +
            "\n[key]\ncolumns = [\"case_id\"]\n[fields]\ncase_id = \"case_id\"\n"
            "asset_serial = \"serial\"\nproduct = \"model\"\nfamily = { const = \"AC\" }\n"
            "opened = { column = \"opened_ms\", format = \"epoch_ms\" }\nsymptom_text = \"text\"\n"
            "fault_codes = \"codes\"\ncomponents = \"part\"\nfixes = \"fix\"\n"
            "labour_minutes = \"labour\"\n",
        "bench.toml");
    if (!mapping.ok()) {
      std::fprintf(stderr, "%s\n", mapping.status().ToString().c_str());
      return 1;
    }
    auto t0 = std::chrono::steady_clock::now();
    auto r = connectors::IngestFile(pipeline, *mapping, csv_path);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok() || r->stats.applied != cases) {
      std::fprintf(stderr, "ingest failed: %s\n",
                   r.ok() ? "count mismatch" : r.status().ToString().c_str());
      return 1;
    }
  } else {
    std::fprintf(stderr, "--mode is records or csv\n");
    return 2;
  }
  std::printf(
      "mode=%s cases=%d batch=%d seconds=%.2f cases_per_s=%.0f contributions_per_case=%.2f "
      "peak_rss_mb=%.0f\n",
      mode.c_str(), cases, batch, seconds, cases / seconds,
      static_cast<double>(contributions) / cases, PeakRssKb() / 1024.0);
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
