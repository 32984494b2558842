// similar_cases_eval: root cause against the baselines (issue 15,
// item 7) on the real maintenance records in ../shared/datasets (never
// copied into this repository). docs/EVALUATION.md has the method and the
// numbers.
//
//   similar_cases_eval [--datasets DIR] [--work DIR] [--folds 0-3|4|0,2]
//                      [--sets ID,ID] [--csv FILE] [--no-model] [--guard]
//
// Sets (--sets takes their ids): excavator major system and part, aviation
// part, State Grid component (故障组件) and cause (形成原因细类), FMC failure
// mode (in the component slot; and, not guarded, in the cause slot).
//
// Per fold (a fifth of the rows by a hash of the text: rows with the same
// text stay together, so a query never meets its own duplicate), the other
// four fifths are written to a scratch folder (label values that mean "not
// coded" blanked), ingested through the real file connector with a mapping
// as a user would write it, and the models are trained as `faultgraph
// train` does. Every dev row with a label is a query: rootCause
// (Diagnoser::Diagnose with product + text), the BM25 vote, fastText alone
// and the most frequent labels (tests/eval/*_baseline.h) each rank labels;
// top-1 and top-3 are counted, and the reliability of rootCause's first
// answer per decile of its probability. For diagnosing a loss, component
// sets also count the classifier inside rootCause's model alone ("our
// classifier"; per fold and in the CSV, not a baseline).
//
// --guard (the ctest SimilarCasesEval: fold 0): fails when, on a guarded
// set, rootCause's top-1 or top-3 is below the BM25 vote's or fastText
// alone's (State Grid component: top-3 also below the most frequent), by
// more than that comparison's entry in kKnownGaps below.
// Exits 77 (skip) when the data sets are missing.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/search_service.h"
#include "common/hash.h"
#include "connectors/csv_reader.h"
#include "connectors/file_connector.h"
#include "connectors/mapping.h"
#include "diagnosis/diagnose.h"
#include "diagnosis/trainer.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"
#include "ingest/text.h"
#include "ingest/text_rules.h"
#include "tests/eval/baseline_text.h"
#include "tests/eval/bm25_vote_baseline.h"
#include "tests/eval/fasttext_baseline.h"

namespace {

using namespace faultgraph;
using eval::Bm25Language;
using eval::LabelledText;

// ---------------------------------------------------------------------------
// Known gaps: where rootCause is below a baseline today on fold 0 (the
// ctest), in points (100 = every query), rounded up to 0.1. The guard
// passes a listed comparison that is no worse than listed and fails every
// other loss. Entries must shrink as the diagnosis improves and go when the
// gap closes (the run says so); never raise one to make a run pass.
// Measured 2026-12-01 on main 5dc0fc5's diagnosis; every fold in
// docs/EVALUATION.md. One exception, recorded there: the State Grid top-3
// entries rose by one query (110 -> 109 of 150) when the blend stopped
// refining on small sets, which gained 6 queries of top-1 on this fold
// and 2.0 points of top-3 on the mean of folds 0-3.
struct KnownGap {
  const char* set;       // a set id
  const char* metric;    // "top-1" | "top-3"
  const char* baseline;  // "BM25 vote" | "fastText alone" | "most frequent"
  double points;         // how far below, at most
};
const std::vector<KnownGap> kKnownGaps = {
    {"sgcc-component", "top-1", "BM25 vote", 1.4},       // 49 vs 51 of 150
    {"sgcc-component", "top-1", "fastText alone", 3.4},  // 49 vs 54 of 150
    {"sgcc-component", "top-3", "fastText alone", 1.4},  // 109 vs 111 of 150
    {"sgcc-component", "top-3", "most frequent", 1.4},   // 109 vs 111 of 150
    {"excavator-part", "top-3", "fastText alone", 0.2},  // 638 vs 639 of 713
};
// ---------------------------------------------------------------------------

enum class Slot { kComponent, kCause };

// One label of a source to evaluate.
struct Target {
  std::string id;      // for --sets and the tables
  std::string title;   // what the tables call it
  std::string column;  // the label
  Slot slot;
  bool guarded;  // a set the bar applies to
};

// One data file and how it is read and mapped.
struct Source {
  std::string name;  // the connector's source name
  std::string file;  // relative to the datasets folder ("a|b": lines files, FMC)
  std::string text_column;
  std::string product_column;  // "" = product_const
  std::string product_const;
  std::string more_fields;            // mapping lines beyond id, product, text and labels
  std::vector<std::string> no_label;  // label values that mean "not coded"
  Bm25Language language;
};

// One ingest of a source into a fresh graph, with the labels it maps (one
// per slot at most); its targets are evaluated on it.
struct Ingest {
  const Source* source;
  std::vector<Target> targets;
};

const std::vector<Ingest>& Ingests() {
  static const Source kSgcc = {"sgcc",
                               "sgcc-ict-faults-zh/ict_fault.csv",
                               "问题现象",
                               "影响对象",
                               "",
                               "opened = \"故障开始时间\"\n",
                               {"", "0", "无报告", "未查清"},
                               Bm25Language::kChinese};
  static const Source kExcavator = {
      "excavator",         "excavator-mwo/excavators-cleaned.csv",
      "OriginalShorttext", "",
      "excavator",         "asset_serial = \"Asset\"\nopened = \"BscStartDate\"\ncost = \"Cost\"\n",
      {"", "NA"},          Bm25Language::kEnglish};
  static const Source kAviation = {
      "aviation", "maintnet-aviation/fully_annotated_maintenance_logbook.csv",
      "PROBLEM",  "",
      "O-320",    "opened = { const = \"2000-01-01\" }\nnotes = \"ACTION\"\n",
      {""},       Bm25Language::kEnglish};
  // FMC: train.txt and dev.txt together (its test split is held out).
  static const Source kFmc = {"fmc",
                              "uwa-maint-text/fmc/train.txt|uwa-maint-text/fmc/dev.txt",
                              "observation",
                              "",
                              "mining-equipment",
                              "opened = { const = \"2000-01-01\" }\n",
                              {""},
                              Bm25Language::kEnglish};
  static const std::vector<Ingest> kIngests = {
      {&kSgcc,
       {{"sgcc-component", "State Grid, 故障组件", "故障组件", Slot::kComponent, true},
        {"sgcc-cause", "State Grid, 形成原因细类 (cause)", "形成原因细类", Slot::kCause, true}}},
      {&kExcavator,
       {{"excavator-major", "excavator, major system", "MajorSystem", Slot::kComponent, true}}},
      {&kExcavator, {{"excavator-part", "excavator, part", "Part", Slot::kComponent, true}}},
      {&kAviation, {{"aviation-part", "aviation, part", "PART", Slot::kComponent, true}}},
      // The failure mode in the component slot (as the issue measured it),
      // and apart in the cause slot: Diagnose ranks no failure mode.
      {&kFmc,
       {{"fmc", "FMC failure mode (component slot)", "failure_mode", Slot::kComponent, true}}},
      {&kFmc,
       {{"fmc-cause", "FMC failure mode (cause slot, not guarded)", "failure_mode", Slot::kCause,
         false}}},
  };
  return kIngests;
}

// ---------------------------------------------------------------------------
// Reading the data.

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

bool ReadCsv(const std::string& path, Table* t) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string data((std::istreambuf_iterator<char>(in)), {});
  connectors::CsvReader r(data, ',');
  connectors::CsvRow row;
  bool first = true;
  while (r.Next(&row)) {
    if (first) {
      t->header = row.fields;
      first = false;
      continue;
    }
    if (!row.error.empty() || row.fields.size() != t->header.size()) continue;
    t->rows.push_back(row.fields);
  }
  return !first;
}

// FMC's files: "<observation>,<failure mode>" lines (the mode after the last comma).
bool ReadFmc(const std::string& datasets, const std::string& files, Table* t) {
  t->header = {"observation", "failure_mode"};
  size_t start = 0;
  while (start <= files.size()) {
    size_t bar = files.find('|', start);
    if (bar == std::string::npos) bar = files.size();
    std::ifstream in(datasets + "/" + files.substr(start, bar - start), std::ios::binary);
    if (!in) return false;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t comma = line.rfind(',');
      if (comma == std::string::npos) continue;
      t->rows.push_back({line.substr(0, comma), line.substr(comma + 1)});
    }
    start = bar + 1;
  }
  return !t->rows.empty();
}

int Column(const Table& t, const std::string& name) {
  for (size_t i = 0; i < t.header.size(); ++i) {
    if (ingest::Trim(t.header[i]) == name) return static_cast<int>(i);
  }
  return -1;
}

std::string CsvField(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// ---------------------------------------------------------------------------
// Counting.

// The methods compared; then, for diagnosis only (not a baseline), the
// classifier inside rootCause's own model alone (component sets).
enum Method {
  kRootCause,
  kBm25,
  kFastText,
  kMostFrequent,
  kMethods,
  kOurClassifier = kMethods,
  kCounted
};
const char* kMethodNames[kCounted] = {"rootCause", "BM25 vote", "fastText alone", "most frequent",
                                      "our classifier"};

struct Tally {
  int n = 0;
  int top1[kCounted] = {}, top3[kCounted] = {};
  bool ours = false;        // kOurClassifier counted (a model was trained)
  double bins[10][3] = {};  // rootCause's first answer per decile: answers, summed p, right
  std::map<std::string, std::pair<int, int>> by_confidence;  // word: answers, right
  int similar_hit1 = 0, similar_hit5 = 0;  // the 5 most similar cases (component targets)

  void Add(Method m, const std::vector<std::string>& ranked, const std::string& label) {
    for (size_t k = 0; k < ranked.size() && k < 3; ++k) {
      if (ranked[k] != label) continue;
      top1[m] += k == 0;
      ++top3[m];
      return;
    }
  }
  void Merge(const Tally& o) {
    n += o.n;
    for (int m = 0; m < kCounted; ++m) top1[m] += o.top1[m], top3[m] += o.top3[m];
    ours |= o.ours;
    for (int d = 0; d < 10; ++d)
      for (int j = 0; j < 3; ++j) bins[d][j] += o.bins[d][j];
    for (const auto& [w, c] : o.by_confidence) {
      by_confidence[w].first += c.first;
      by_confidence[w].second += c.second;
    }
    similar_hit1 += o.similar_hit1;
    similar_hit5 += o.similar_hit5;
  }
};

double Rate(int a, int n) { return n > 0 ? static_cast<double>(a) / n : 0.0; }

struct Options {
  std::string datasets, work;
  std::vector<int> folds = {0};
  std::set<std::string> sets;  // empty: all
  std::string csv;
  bool no_model = false;
  bool guard = false;
};

// results[target id][fold]
using Results = std::map<std::string, std::map<int, Tally>>;

// Scratch folders are removed when the run ends, however it ends.
struct ScratchDir {
  std::string path;
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string Mapping(const Ingest& in) {
  const Source& src = *in.source;
  std::string m = "[source]\nname = \"" + src.name + "\"\nrecord = \"case\"\n";
  m += "[key]\ncolumns = [\"__row\"]\n[fields]\ncase_id = \"$key\"\n";
  m += src.product_column.empty() ? "product = { const = \"" + src.product_const + "\" }\n"
                                  : "product = \"" + src.product_column + "\"\n";
  m += "symptom_text = \"" + src.text_column + "\"\n" + src.more_fields;
  for (const auto& t : in.targets) {
    m += t.slot == Slot::kComponent
             ? "components = { column = \"" + t.column + "\", split = \"|\" }\n"
             : "failure_cause = \"" + t.column + "\"\n";
  }
  return m;
}

// The label of a row as the graph keeps it ("" when not coded).
std::string Label(const Source& src, const Target& t, const std::string& raw) {
  std::string v(ingest::Trim(raw));
  if (std::find(src.no_label.begin(), src.no_label.end(), v) != src.no_label.end()) return "";
  return t.slot == Slot::kComponent ? ingest::ToUpperAscii(v) : v;
}

// One source, one fold: ingest, train, and query every target's dev rows.
int RunFold(const Ingest& in, const Table& t, int fold, const Options& opt, Results* results) {
  const Source& src = *in.source;
  const int text_col = Column(t, src.text_column);
  const int product_col = src.product_column.empty() ? -1 : Column(t, src.product_column);
  std::vector<int> label_cols;
  for (const auto& target : in.targets) label_cols.push_back(Column(t, target.column));
  if (text_col < 0 || (!src.product_column.empty() && product_col < 0) ||
      std::count(label_cols.begin(), label_cols.end(), -1) > 0) {
    std::printf("%s: a column is missing (%s, %s, labels)\n", src.file.c_str(),
                src.text_column.c_str(), src.product_column.c_str());
    return 1;
  }
  auto is_dev = [&](size_t i) { return Fnv1a64(t.rows[i][text_col]) % 5 == uint64_t(fold); };
  auto product_of = [&](size_t i) {
    return product_col >= 0 ? t.rows[i][product_col] : src.product_const;
  };

  ScratchDir dir{opt.work + "/" + in.targets[0].id + "_" + std::to_string(fold)};
  std::filesystem::remove_all(dir.path);
  std::filesystem::create_directories(dir.path);
  {
    std::ofstream train(dir.path + "/train.csv", std::ios::binary);
    for (const auto& h : t.header) train << CsvField(h) << ',';
    train << "__row\n";
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (is_dev(i)) continue;
      std::vector<std::string> row = t.rows[i];
      for (size_t k = 0; k < in.targets.size(); ++k) {
        auto& cell = row[label_cols[k]];
        if (Label(src, in.targets[k], cell).empty()) cell.clear();  // not coded: no label
      }
      for (const auto& f : row) train << CsvField(f) << ',';
      train << i << '\n';
    }
  }
  std::ofstream(dir.path + "/map.toml") << Mapping(in);

  auto fail = [&](const Status& s) {
    std::printf("  %s fold %d: %s\n", in.targets[0].id.c_str(), fold, s.ToString().c_str());
    return 1;
  };
  auto store = graph::GraphStore::Open(dir.path + "/graph");
  if (!store.ok()) return fail(store.status());
  auto rules = ingest::TextRules::Shipped();
  ingest::IngestPipeline pipeline(store->get(), rules.get());
  auto mapping = connectors::LoadMapping(dir.path + "/map.toml");
  if (!mapping.ok()) return fail(mapping.status());
  auto t0 = std::chrono::steady_clock::now();
  auto ingested = connectors::IngestFile(pipeline, *mapping, dir.path + "/train.csv");
  if (!ingested.ok()) return fail(ingested.status());
  auto search = api::SearchService::Open(store->get(), dir.path + "/index", false);
  if (!search.ok()) return fail(search.status());
  if (ingested->stats.applied == 0) return fail(Status::InvalidArgument("nothing was ingested"));
  diagnosis::Diagnoser diagnoser(store->get(), rules.get(), &(*search)->searcher());
  std::printf("%s, fold %d: %lld rows ingested (%lld rejected) in %.1f s\n",
              in.targets[0].id.c_str(), fold, static_cast<long long>(ingested->stats.applied),
              static_cast<long long>(ingested->stats.rejected),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (!opt.no_model) {  // the trained models, as `faultgraph train` makes them
    auto m = diagnosis::TrainModels(**store, diagnoser, *rules, dir.path + "/models",
                                    diagnosis::TrainOptions{});
    if (m.ok()) diagnoser.SetModels(*m);
    if (!m.ok() && m.status().code() == Status::Code::kInvalidArgument) {
      // Too few diagnosed cases (FMC in the cause slot has none): rootCause
      // answers without a model, as it does after a refused `faultgraph train`.
      std::printf("  no model: %s\n", m.status().ToString().c_str());
    } else if (!m.ok()) {
      return fail(m.status());
    }
  }
  if (auto models = diagnoser.models(); models != nullptr) {
    const auto& info = models->component_info;
    std::printf(
        "  models trained in %.1f s on %llu cases; held back %llu: classifier %.1f/%.1f, blend "
        "%.1f/%.1f; weights",
        info.train_seconds, static_cast<unsigned long long>(info.cases),
        static_cast<unsigned long long>(info.held_back.cases), 100 * info.held_back.classifier_top1,
        100 * info.held_back.classifier_top3, 100 * info.held_back.blend_top1,
        100 * info.held_back.blend_top3);
    for (size_t k = 0; k < diagnosis::kBlendFeatures; ++k)
      std::printf(" %s %.3f", diagnosis::BlendFeatureName(k), info.blend.w[k]);
    std::printf(" bias %.3f\n", info.blend.bias);
  }

  int rc = 0;
  for (size_t k = 0; k < in.targets.size(); ++k) {
    const Target& target = in.targets[k];
    if (!opt.sets.empty() && !opt.sets.count(target.id)) continue;
    t0 = std::chrono::steady_clock::now();
    std::vector<LabelledText> train;
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (is_dev(i)) continue;
      std::string label = Label(src, target, t.rows[i][label_cols[k]]);
      if (!label.empty()) train.push_back({product_of(i), t.rows[i][text_col], label});
    }
    eval::MostFrequent most_frequent(train);
    auto bm25 = eval::Bm25Vote::Build(train, src.language);
    if (!bm25.ok()) return fail(bm25.status());
    auto fasttext = eval::FastTextBaseline::Train(train, dir.path + "/fasttext");
    if (!fasttext.ok()) return fail(fasttext.status());

    Tally tally;
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (!is_dev(i)) continue;
      const std::string label = Label(src, target, t.rows[i][label_cols[k]]);
      if (label.empty()) continue;
      const std::string& text = t.rows[i][text_col];
      const std::string product = product_of(i);
      ++tally.n;

      // rootCause: what an agent gets for the product and the text.
      diagnosis::DiagnoseRequest rq;
      rq.product = product;
      rq.text = text;
      std::vector<std::string> ranked;
      double first_p = -1;
      std::string confidence;
      if (auto a = diagnoser.Diagnose(rq); a.ok()) {
        if (target.slot == Slot::kComponent) {
          for (const auto& c : a->components) ranked.push_back(c.component);
          if (!a->components.empty()) {
            first_p = a->components[0].probability;
            confidence = a->components[0].confidence;
          }
        } else {
          for (const auto& c : a->causes) ranked.push_back(c.cause);
          if (!a->causes.empty()) first_p = a->causes[0].probability;
        }
      }
      tally.Add(kRootCause, ranked, label);
      if (first_p >= 0) {
        const bool right = ranked[0] == label;
        const int d = std::clamp(static_cast<int>(first_p * 10), 0, 9);
        tally.bins[d][0] += 1;
        tally.bins[d][1] += first_p;
        tally.bins[d][2] += right;
        if (!confidence.empty()) {
          auto& bc = tally.by_confidence[confidence];
          ++bc.first;
          bc.second += right;
        }
      }
      auto voted = (*bm25)->Rank(product, text, 3);
      if (!voted.ok()) return fail(voted.status());
      tally.Add(kBm25, *voted, label);
      tally.Add(kFastText, (*fasttext)->Rank(text, 3), label);
      tally.Add(kMostFrequent, most_frequent.Rank(product, 3), label);
      if (auto models = diagnoser.models();
          target.slot == Slot::kComponent && models != nullptr && models->component != nullptr) {
        std::vector<std::string> learned;
        for (auto& p : models->component->Predict(product, rules->Fold(text), 3))
          learned.push_back(std::move(p.label));
        tally.Add(kOurClassifier, learned, label);
        tally.ours = true;
      }

      if (target.slot == Slot::kComponent) {  // the 5 most similar past cases
        search::SearchRequest req;
        req.text = text;
        req.filters.kind = "case";
        req.limit = 5;
        req.facets = false;
        if (auto r = (*search)->searcher().Search(req); r.ok()) {
          bool any = false;
          for (size_t h = 0; h < r->hits.size(); ++h) {
            const auto& comps = r->hits[h].components;
            bool match = std::find(comps.begin(), comps.end(), label) != comps.end();
            any |= match;
            tally.similar_hit1 += h == 0 && match;
          }
          tally.similar_hit5 += any;
        }
      }
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  %s, fold %d (n=%d, %zu labels, %.1f s):", target.id.c_str(), fold, tally.n,
                most_frequent.Rank("", SIZE_MAX).size(), secs);
    for (int m = 0; m < (tally.ours ? kCounted : kMethods); ++m)
      std::printf(" | %s %.1f/%.1f", kMethodNames[m], 100 * Rate(tally.top1[m], tally.n),
                  100 * Rate(tally.top3[m], tally.n));
    if (target.slot == Slot::kComponent)
      std::printf(" | similar cases hit@1 %.1f hit@5 %.1f", 100 * Rate(tally.similar_hit1, tally.n),
                  100 * Rate(tally.similar_hit5, tally.n));
    std::printf("\n");
    if (tally.n == 0) {
      std::printf("  FAILED: %s fold %d has no labelled dev row\n", target.id.c_str(), fold);
      rc = 1;
    }
    (*results)[target.id][fold] = std::move(tally);
  }
  return rc;
}

// ---------------------------------------------------------------------------
// Reporting.

const Target* FindTarget(const std::string& id) {
  for (const auto& in : Ingests())
    for (const auto& t : in.targets)
      if (t.id == id) return &t;
  return nullptr;
}

// Per method, the mean over the folds of top-1 and top-3; and n summed.
struct Summary {
  int n = 0;
  double top1[kMethods] = {}, top3[kMethods] = {};
};
Summary Summarise(const std::map<int, Tally>& by_fold, const std::set<int>& folds) {
  Summary s;
  int count = 0;
  for (const auto& [fold, tally] : by_fold) {
    if (!folds.count(fold)) continue;
    ++count;
    s.n += tally.n;
    for (int m = 0; m < kMethods; ++m) {
      s.top1[m] += Rate(tally.top1[m], tally.n);
      s.top3[m] += Rate(tally.top3[m], tally.n);
    }
  }
  for (int m = 0; m < kMethods; ++m) {
    s.top1[m] /= std::max(count, 1);
    s.top3[m] /= std::max(count, 1);
  }
  return s;
}

void PrintTable(const Results& results, const std::set<int>& folds, const std::string& what) {
  std::printf("\n%s: top-1 / top-3 (%%), mean over the folds; n = dev queries in all\n",
              what.c_str());
  std::printf("| set | n | rootCause | BM25 vote | fastText alone | most frequent |\n");
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  for (const auto& [id, by_fold] : results) {
    Summary s = Summarise(by_fold, folds);
    if (s.n == 0) continue;
    std::printf("| %s | %d |", FindTarget(id)->title.c_str(), s.n);
    for (int m = 0; m < kMethods; ++m)
      std::printf(" %.1f / %.1f |", 100 * s.top1[m], 100 * s.top3[m]);
    std::printf("\n");
  }
}

void PrintCalibration(const Results& results, const std::set<int>& folds, const std::string& what) {
  std::printf(
      "\nrootCause's first answer, %s: per decile of its probability, n / mean predicted "
      "/ observed accuracy (%%)\n",
      what.c_str());
  for (const auto& [id, by_fold] : results) {
    Tally all;
    for (const auto& [fold, tally] : by_fold)
      if (folds.count(fold)) all.Merge(tally);
    if (all.n == 0) continue;
    std::printf("%s:", id.c_str());
    for (int d = 0; d < 10; ++d) {
      if (all.bins[d][0] == 0) continue;
      std::printf(" [%d-%d: %.0f / %.1f / %.1f]", d * 10, d * 10 + 10, all.bins[d][0],
                  100 * all.bins[d][1] / all.bins[d][0], 100 * all.bins[d][2] / all.bins[d][0]);
    }
    for (const auto& [word, c] : all.by_confidence)
      std::printf(" | %s: %d right %.1f", word.c_str(), c.first, 100 * Rate(c.second, c.first));
    std::printf("\n");
  }
}

Status WriteCsv(const std::string& path, const Results& results) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Status::IOError("cannot write " + path);
  f << "set,fold,kind,name,n,top1,top3,mean_predicted,observed\n";
  char buf[256];
  for (const auto& [id, by_fold] : results) {
    for (const auto& [fold, tally] : by_fold) {
      for (int m = 0; m < (tally.ours ? kCounted : kMethods); ++m) {
        std::snprintf(buf, sizeof buf, "%s,%d,accuracy,%s,%d,%.4f,%.4f,,\n", id.c_str(), fold,
                      kMethodNames[m], tally.n, Rate(tally.top1[m], tally.n),
                      Rate(tally.top3[m], tally.n));
        f << buf;
      }
      for (int d = 0; d < 10; ++d) {
        if (tally.bins[d][0] == 0) continue;
        std::snprintf(buf, sizeof buf, "%s,%d,decile,%.1f-%.1f,%.0f,,,%.4f,%.4f\n", id.c_str(),
                      fold, d / 10.0, (d + 1) / 10.0, tally.bins[d][0],
                      tally.bins[d][1] / tally.bins[d][0], tally.bins[d][2] / tally.bins[d][0]);
        f << buf;
      }
      for (const auto& [word, c] : tally.by_confidence) {
        std::snprintf(buf, sizeof buf, "%s,%d,confidence,%s,%d,,,,%.4f\n", id.c_str(), fold,
                      word.c_str(), c.first, Rate(c.second, c.first));
        f << buf;
      }
    }
  }
  if (!f.flush()) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

// The guard: every comparison the bar names, on the folds run.
int Guard(const Results& results, const std::set<int>& folds) {
  int failures = 0;
  std::printf("\nguard (rootCause against the baselines, points; known gaps: kKnownGaps):\n");
  for (const auto& [id, by_fold] : results) {
    const Target* target = FindTarget(id);
    if (!target->guarded) continue;
    Summary s = Summarise(by_fold, folds);
    struct Cmp {
      const char* metric;
      Method baseline;
    };
    std::vector<Cmp> cmps = {
        {"top-1", kBm25}, {"top-3", kBm25}, {"top-1", kFastText}, {"top-3", kFastText}};
    if (id == "sgcc-component") cmps.push_back({"top-3", kMostFrequent});
    for (const auto& c : cmps) {
      const bool top1 = std::strcmp(c.metric, "top-1") == 0;
      const double ours = 100 * (top1 ? s.top1[kRootCause] : s.top3[kRootCause]);
      const double theirs = 100 * (top1 ? s.top1[c.baseline] : s.top3[c.baseline]);
      const double gap = theirs - ours;
      const KnownGap* known = nullptr;
      for (const auto& k : kKnownGaps) {
        if (id == k.set && std::strcmp(c.metric, k.metric) == 0 &&
            std::strcmp(kMethodNames[c.baseline], k.baseline) == 0)
          known = &k;
      }
      const std::string what = id + " " + c.metric + " vs " + kMethodNames[c.baseline];
      if (gap <= 1e-9) {
        if (known != nullptr)
          std::printf("  %s: %.1f vs %.1f, known gap of %.1f closed: remove it from kKnownGaps\n",
                      what.c_str(), ours, theirs, known->points);
        continue;
      }
      if (known != nullptr && gap <= known->points + 1e-6) {
        std::printf("  KNOWN GAP %s: %.1f vs %.1f, %.1f below (listed %.1f)\n", what.c_str(), ours,
                    theirs, gap, known->points);
        continue;
      }
      ++failures;
      if (known != nullptr)
        std::printf("  FAILED %s: %.1f vs %.1f, %.1f below, more than the known gap of %.1f\n",
                    what.c_str(), ours, theirs, gap, known->points);
      else
        std::printf("  FAILED %s: %.1f vs %.1f, %.1f below (not a known gap)\n", what.c_str(), ours,
                    theirs, gap);
    }
  }
  std::printf("guard: %s\n", failures == 0 ? "passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

bool ParseFolds(const std::string& s, std::vector<int>* out) {
  out->clear();
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string part = s.substr(start, comma - start);
    int a = -1, b = -1;
    if (std::sscanf(part.c_str(), "%d-%d", &a, &b) == 2) {
    } else if (std::sscanf(part.c_str(), "%d", &a) == 1) {
      b = a;
    } else {
      return false;
    }
    if (a < 0 || b > 4 || a > b) return false;
    for (int f = a; f <= b; ++f)
      if (std::find(out->begin(), out->end(), f) == out->end()) out->push_back(f);
    start = comma + 1;
  }
  std::sort(out->begin(), out->end());
  return !out->empty();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines as they come, also into a file
  Options opt;
  opt.datasets = std::string(FAULTGRAPH_SOURCE_DIR) + "/../shared/datasets";
  opt.work = "/tmp/fg_similar_eval_" + std::to_string(::getpid());
  const char* usage =
      "usage: similar_cases_eval [--datasets DIR] [--work DIR] [--folds 0-3|4|0,2] [--sets "
      "ID,ID] [--csv FILE] [--no-model] [--guard]\n";
  for (int i = 1; i < argc; ++i) {
    const bool value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--no-model")) {
      opt.no_model = true;
    } else if (!std::strcmp(argv[i], "--guard")) {
      opt.guard = true;
    } else if (value && !std::strcmp(argv[i], "--datasets")) {
      opt.datasets = argv[++i];
    } else if (value && !std::strcmp(argv[i], "--work")) {
      opt.work = argv[++i];
    } else if (value && !std::strcmp(argv[i], "--csv")) {
      opt.csv = argv[++i];
    } else if (value && !std::strcmp(argv[i], "--folds")) {
      if (!ParseFolds(argv[++i], &opt.folds)) {
        std::fprintf(stderr, "--folds: folds 0..4 as 0-3, 4 or 0,2\n%s", usage);
        return 2;
      }
    } else if (value && !std::strcmp(argv[i], "--sets")) {
      std::string s = argv[++i];
      for (size_t start = 0; start <= s.size();) {
        size_t comma = std::min(s.find(',', start), s.size());
        std::string id = s.substr(start, comma - start);
        if (FindTarget(id) == nullptr) {
          std::fprintf(stderr, "--sets: no set '%s'; the sets:", id.c_str());
          for (const auto& in : Ingests())
            for (const auto& t : in.targets) std::fprintf(stderr, " %s", t.id.c_str());
          std::fprintf(stderr, "\n");
          return 2;
        }
        opt.sets.insert(id);
        start = comma + 1;
      }
    } else {
      std::fputs(usage, stderr);
      return 2;
    }
  }
  if (!std::filesystem::exists(opt.datasets)) {
    std::printf("SKIP: no data sets at %s (they live beside the checkout, in ../shared/datasets)\n",
                opt.datasets.c_str());
    return 77;
  }
  ScratchDir work{opt.work};
  const auto start = std::chrono::steady_clock::now();
  Results results;
  int rc = 0;
  std::map<std::string, Table> tables;  // by file, read once
  for (int fold : opt.folds) {
    for (const auto& in : Ingests()) {
      bool wanted = opt.sets.empty();
      for (const auto& t : in.targets) wanted |= opt.sets.count(t.id) > 0;
      if (!wanted) continue;
      const Source& src = *in.source;
      auto [it, added] = tables.try_emplace(src.file);
      if (added) {
        const bool ok = src.file.find('|') != std::string::npos
                            ? ReadFmc(opt.datasets, src.file, &it->second)
                            : ReadCsv(opt.datasets + "/" + src.file, &it->second);
        if (!ok) {
          std::printf("cannot read %s in %s\n", src.file.c_str(), opt.datasets.c_str());
          return 1;
        }
      }
      rc |= RunFold(in, it->second, fold, opt, &results);
    }
  }
  const std::set<int> run(opt.folds.begin(), opt.folds.end());
  std::set<int> tuning, check;
  for (int f : run) (f == 4 ? check : tuning).insert(f);
  if (!tuning.empty()) {
    std::string names;
    for (int f : tuning) names += (names.empty() ? "" : ",") + std::to_string(f);
    PrintTable(results, tuning, "folds " + names);
    PrintCalibration(results, tuning, "tuning folds");
  }
  if (!check.empty()) {
    PrintTable(results, check, "fold 4 (the untouched check)");
    PrintCalibration(results, check, "fold 4");
  }
  if (!opt.csv.empty()) {
    if (auto s = WriteCsv(opt.csv, results); !s.ok()) {
      std::printf("%s\n", s.ToString().c_str());
      rc = 1;
    }
  }
  if (opt.guard) rc |= Guard(results, run);
  std::printf("\nran in %.0f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return rc;
}
