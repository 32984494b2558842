// pii_mask_bench: how fast PII masking runs on ticket text (it runs on every
// case's symptom, notes and cause and every contact's text at ingest).
//
//   pii_mask_bench [--corpus FILE] [--rounds N]
//
// Masks every line of the labelled corpus (tests/fixtures/pii/corpus.tsv,
// 654 lines of 20-120 characters, nearly all with PII) N times on one
// thread, with the labels of ops/config/text_rules.toml, and prints lines/s
// and MB/s (best of 5); then the same for its lines without PII, which is
// what most ticket text looks like.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/bench/bench_args.h"
#include "ingest/pii_mask.h"

int main(int argc, char** argv) {
  std::string corpus = std::string(FAULTGRAPH_SOURCE_DIR) + "/tests/fixtures/pii/corpus.tsv";
  int rounds = 200;
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: pii_mask_bench [--corpus FILE] [--rounds N]\n",
                               {"--corpus", "--rounds"});
  corpus = args.Get("--corpus", corpus);
  rounds = static_cast<int>(args.GetInt("--rounds", rounds));
  std::vector<std::string> all, clean;
  std::ifstream in(corpus);
  for (std::string row; std::getline(in, row);) {
    size_t tab = row.find('\t');
    all.push_back(row.substr(0, tab));
    if (tab != std::string::npos && row.compare(tab, 3, "\t-\t") == 0) clean.push_back(all.back());
  }
  if (all.empty()) {
    std::fprintf(stderr, "no lines in %s\n", corpus.c_str());
    return 1;
  }
  // The labels of ops/config/text_rules.toml.
  faultgraph::ingest::PiiMasker masker(
      {"联系人", "聯繫人", "联络人", "聯絡人", "客户",   "客戶",   "用户",     "用戶",
       "顾客",   "顧客",   "姓名",   "户名",   "戶名",   "机主",   "機主",     "业主",
       "業主",   "报修人", "報修人", "收件人", "收货人", "收貨人", "customer", "contact",
       "name",   "client", "caller", "owner",  "attn"});
  auto measure = [&](const char* what, const std::vector<std::string>& lines) {
    size_t bytes = 0;
    for (const auto& l : lines) bytes += l.size();
    double best = 1e30;
    size_t sink = 0;
    for (int run = 0; run < 5; ++run) {
      auto start = std::chrono::steady_clock::now();
      for (int r = 0; r < rounds; ++r) {
        for (const auto& l : lines) sink += masker.Mask(l).size();
      }
      std::chrono::duration<double> s = std::chrono::steady_clock::now() - start;
      best = std::min(best, s.count());
    }
    double n = static_cast<double>(lines.size()) * rounds;
    std::printf("%s: %zu lines x %d rounds: %.0f lines/s, %.1f MB/s, %.2f us/line (sink %zu)\n",
                what, lines.size(), rounds, n / best, bytes * rounds / best / 1e6, best / n * 1e6,
                sink);
  };
  measure("all lines", all);
  if (!clean.empty()) measure("lines without PII", clean);
  return 0;
}
