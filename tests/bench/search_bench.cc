// search_bench: end-to-end ingest (graph + search index) of generated
// bilingual cases, then ranked search latency on that index.
//
//   search_bench [--cases N] [--batch B] [--queries Q] [--shards S] [--serial 1]
//                [--facets 0|1] [--rules FILE] [--vocab small|zipf] [--dir DIR]
//                [--warmup N] [--reuse 1]
//
// --reuse 1 keeps DIR and, when it already holds an index, measures the
// queries only. The first --warmup (200) queries are not timed.
//
// --serial 1 indexes only after the graph ingest has finished, to see the
// two costs apart.
//
// Ingest runs as in faultgraphd: the pipeline commits batches on one thread
// while the indexer follows the outbox on another; the figure is cases/s
// until both the graph and the index hold every case. Queries are 2-3 words
// (Chinese, English or mixed) run in-process; p50/p95/p99 are reported.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "tests/bench/bench_args.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"
#include "search/indexer.h"
#include "search/searcher.h"

namespace {

using namespace faultgraph;
using Steady = std::chrono::steady_clock;

const char* kZh[] = {"空调",   "压缩机", "不制冷", "制冷效果差", "风机", "不转", "异响",
                     "噪音大", "漏水",   "显示",   "故障码",     "电容", "鼓包", "主板",
                     "烧坏",   "传感器", "温度",   "异常",       "结霜", "排水", "堵塞",
                     "遥控器", "无反应", "开机",   "跳闸",       "外机", "內機", "壓縮機",
                     "風扇",   "製冷",   "客户",   "上门",       "更换", "检查", "正常"};
const char* kEn[] = {"compressor", "not",    "cooling", "fan",     "noise",     "leak",
                     "water",      "error",  "code",    "board",   "sensor",    "failed",
                     "replaced",   "unit",   "outdoor", "indoor",  "frost",     "drain",
                     "blocked",    "remote", "power",   "tripped", "capacitor", "bulged",
                     "customer",   "visit",  "checked", "working"};
const char* kCodes[] = {"E1", "E4", "E6", "E9", "P2", "F21", "ＥＲＲ４", "H3"};
const char* kParts[] = {"COMP-R32A", "CAP-35UF", "FAN-OD1", "PCB-MAIN2", "SEN-T10K", "VLV-EXP1"};

// --vocab small: the 35 + 28 words above, every one in a large share of
// all cases (a worst case for posting-list lengths). --vocab zipf: 3,000
// Chinese words (2-3 characters from 400 CJK characters) and 3,000 English
// pseudo-words, drawn Zipf-distributed (s = 1.0) with the small vocabulary
// as the most frequent head, closer to real ticket text.
struct Vocabulary {
  std::vector<std::string> zh, en;
  std::vector<double> zh_cdf, en_cdf;
};

std::vector<double> ZipfCdf(size_t n) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) cdf[i] = (sum += 1.0 / static_cast<double>(i + 1));
  for (auto& c : cdf) c /= sum;
  return cdf;
}

Vocabulary MakeVocabulary(bool zipf) {
  Vocabulary v;
  for (const char* w : kZh) v.zh.push_back(w);
  for (const char* w : kEn) v.en.push_back(w);
  if (zipf) {
    std::mt19937 rng(99);
    std::vector<std::string> chars;
    for (uint32_t cp = 0x4E00; chars.size() < 400; cp += 37) {
      std::string c;
      c += static_cast<char>(0xE0 | (cp >> 12));
      c += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      c += static_cast<char>(0x80 | (cp & 0x3F));
      chars.push_back(c);
    }
    const char* syl[] = {"ka",  "ro",  "mi", "tes", "pan", "dor", "lu",  "ve",  "sin", "gra",
                         "tor", "bel", "nu", "fa",  "xi",  "co",  "rad", "pel", "mon", "ter"};
    while (v.zh.size() < 3000) {
      std::string w = chars[rng() % chars.size()] + chars[rng() % chars.size()];
      if (rng() % 3 == 0) w += chars[rng() % chars.size()];
      v.zh.push_back(w);
    }
    while (v.en.size() < 3000) {
      std::string w;
      for (int k = 0, n = 2 + rng() % 2; k < n; ++k) w += syl[rng() % std::size(syl)];
      v.en.push_back(w);
    }
  }
  v.zh_cdf = ZipfCdf(v.zh.size());
  v.en_cdf = ZipfCdf(v.en.size());
  return v;
}

const Vocabulary* g_vocab = nullptr;
bool g_zipf = false;

const std::string& Pick(const std::vector<std::string>& words, const std::vector<double>& cdf,
                        std::mt19937& rng) {
  if (!g_zipf) return words[rng() % words.size()];
  double u = std::uniform_real_distribution<double>(0, 1)(rng);
  size_t i = std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin();
  return words[std::min(i, words.size() - 1)];
}

std::string Words(std::mt19937& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (!out.empty() && rng() % 3 != 0) out += ' ';
    int pick = rng() % 10;
    if (pick < 5) {
      out += Pick(g_vocab->zh, g_vocab->zh_cdf, rng);
    } else if (pick < 9) {
      out += Pick(g_vocab->en, g_vocab->en_cdf, rng);
    } else {
      out += kCodes[rng() % std::size(kCodes)];
    }
  }
  return out;
}

ingest::Record MakeCase(int i, std::mt19937& rng) {
  ingest::Case c;
  c.case_id = "C" + std::to_string(i);
  c.asset_serial = "SN" + std::to_string(i % 50'000);
  c.product = "AC-" + std::to_string(i % 60);
  c.family = "AC";
  c.region = i % 2 ? "华东" : "华南";
  c.opened_ms = 1'672'531'200'000 + static_cast<int64_t>(i) * 60'000;
  c.symptom_text = Words(rng, 8 + rng() % 8);
  c.notes = Words(rng, 6 + rng() % 10);
  c.components = {kParts[rng() % std::size(kParts)]};
  c.fixes = {"FIX-" + std::to_string(rng() % 8)};
  return ingest::Record{"bench", c.case_id, "1", c};
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 200'000, batch = 5000, queries = 2000, shards = 2, serial = 0, facets = 1;
  int reuse = 0, warmup = 200;
  std::string dir = "/tmp/fg_search_bench", rules_path, vocab = "small";
  const faultgraph::bench::BenchArgs args(argc, argv,
                               "usage: search_bench [--cases N] [--batch B] [--queries Q] [--shards S] "
                               "[--serial 1]\n"
                               "                    [--facets 0|1] [--rules FILE] [--vocab small|zipf] "
                               "[--dir DIR]\n"
                               "                    [--warmup N] [--reuse 1]\n",
                               {"--cases", "--batch", "--queries", "--shards", "--serial", "--facets", "--reuse", "--warmup", "--dir", "--rules", "--vocab"});
  cases = static_cast<int>(args.GetInt("--cases", cases));
  batch = static_cast<int>(args.GetInt("--batch", batch));
  queries = static_cast<int>(args.GetInt("--queries", queries));
  shards = static_cast<int>(args.GetInt("--shards", shards));
  serial = static_cast<int>(args.GetInt("--serial", serial));
  facets = static_cast<int>(args.GetInt("--facets", facets));
  reuse = static_cast<int>(args.GetInt("--reuse", reuse));
  warmup = static_cast<int>(args.GetInt("--warmup", warmup));
  dir = args.Get("--dir", dir);
  rules_path = args.Get("--rules", rules_path);
  vocab = args.Get("--vocab", vocab);
  if (vocab != "small" && vocab != "zipf") {
    std::fprintf(stderr, "--vocab is small or zipf\n");
    return 2;
  }
  g_zipf = vocab == "zipf";
  Vocabulary vocabulary = MakeVocabulary(g_zipf);
  g_vocab = &vocabulary;
  const bool built = reuse && std::filesystem::exists(dir + "/index");
  if (!built) std::filesystem::remove_all(dir);
  auto store = graph::GraphStore::Open(dir + "/graph");
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  std::unique_ptr<ingest::TextRules> rules;
  if (!rules_path.empty()) {
    auto r = ingest::TextRules::Load(rules_path);
    if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
    rules = std::move(r).value();
  }
  ingest::IngestPipeline pipeline(store->get(), rules.get());
  search::IndexOptions options;
  options.shards = shards;
  auto indexer = search::Indexer::Open(store->get(), dir + "/index", options);
  if (!indexer.ok()) return std::fprintf(stderr, "%s\n", indexer.status().ToString().c_str()), 1;

  std::mt19937 rng(1);
  std::vector<std::vector<ingest::Record>> chunks;
  for (int i = 0; i < cases && !built; i += batch) {
    chunks.emplace_back();
    for (int j = i; j < std::min(cases, i + batch); ++j) chunks.back().push_back(MakeCase(j, rng));
  }

  auto t0 = Steady::now();
  std::atomic<bool> ingest_done{false};
  std::thread indexing([&] {
    while (serial && !ingest_done) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (;;) {
      bool last = ingest_done.load();
      auto n = (*indexer)->CatchUp();
      if (!n.ok()) {
        std::fprintf(stderr, "index: %s\n", n.status().ToString().c_str());
        std::exit(1);
      }
      if (last) break;
      if (*n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  for (size_t i = 0; i < chunks.size(); ++i) {
    auto r = pipeline.ApplyRecords("bench", "gen", std::move(chunks[i]), std::to_string(i));
    if (!r.ok()) return std::fprintf(stderr, "%s\n", r.status().ToString().c_str()), 1;
  }
  double graph_s = std::chrono::duration<double>(Steady::now() - t0).count();
  ingest_done = true;
  indexing.join();
  double total_s = std::chrono::duration<double>(Steady::now() - t0).count();

  auto searcher = search::Searcher::Open(dir + "/index", shards);
  if (!searcher.ok()) return std::fprintf(stderr, "%s\n", searcher.status().ToString().c_str()), 1;
  std::vector<double> ms;
  size_t empty = 0;
  std::mt19937 qrng(2);  // the same queries whether the index was built now or reused
  for (int q = 0; q < warmup + queries; ++q) {
    search::SearchRequest req;
    req.text = Words(qrng, 2 + qrng() % 2);
    req.limit = 10;
    req.facets = facets != 0;
    req.all_words_first = true;  // as searchFixes asks
    auto s0 = Steady::now();
    auto r = (*searcher)->Search(req);
    if (q < warmup) continue;  // other queries first, as a running service has had
    ms.push_back(std::chrono::duration<double, std::milli>(Steady::now() - s0).count());
    if (!r.ok() || r->hits.empty()) ++empty;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[static_cast<size_t>(p * (ms.size() - 1))]; };
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  if (built) {  // the index was reused: nothing was ingested, no rate to give
    std::printf("vocab=%s shards=%d index reused from %s (no ingest measured)\n", vocab.c_str(),
                shards, dir.c_str());
  } else {
    std::printf(
        "vocab=%s cases=%d batch=%d shards=%d graph_only_s=%.2f end_to_end_s=%.2f "
        "cases_per_s=%.0f\n",
        vocab.c_str(), cases, batch, shards, graph_s, total_s, cases / total_s);
  }
  std::printf(
      "queries=%d facets=%d (snippets, limit 10) p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f "
      "max_ms=%.2f no_hit=%zu peak_rss_mb=%.0f\n",
      queries, facets, pct(0.5), pct(0.95), pct(0.99), ms.back(), empty, ru.ru_maxrss / 1024.0);
  searcher->reset();
  indexer->reset();
  store->reset();
  if (!reuse) std::filesystem::remove_all(dir);
  return 0;
}
