// similar_cases_eval: on the real maintenance records in ../shared/datasets
// (never copied into this repository), how often the 5 most similar past
// cases share the query case's component.
//
//   similar_cases_eval [--datasets DIR] [--work DIR] [--fold 0..4] [--no-model]
//
// For each data set: the rows are split into train (80 %) and dev (20 %) by
// a hash of the symptom text (rows with the same text stay together, so a
// query never meets its own duplicate; --fold picks which fifth is dev, for
// cross-validation), written to a scratch folder, the
// train part is ingested through the real file connector and a mapping
// (below), and every dev row with a component label is a query. Reported:
// hit@5 (some of the top 5 shares the component), precision@5, and for
// reference the same hit@5 when the 5 "similar" cases are the 5 most
// frequent components (the majority baseline). Fails when rootCause's
// component top-1 or top-3 falls below the BM25 vote's on a set (the bar
// the root-cause issue sets). Exits 77 (skip) when the data sets are missing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/handler.h"
#include "api/search_service.h"
#include "common/hash.h"
#include "connectors/csv_reader.h"
#include "connectors/file_connector.h"
#include "connectors/mapping.h"
#include "diagnosis/trainer.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"
#include "ingest/text.h"

namespace {

using namespace faultgraph;

struct DataSet {
  std::string name;
  std::string file;                   // relative to the datasets folder
  std::string text_column;            // the query text
  std::string label_column;           // the component label
  std::vector<std::string> no_label;  // label values that mean "not coded"
  std::string mapping;                // TOML, as a user would write it
  std::string product_column;         // the product of a query ("" = product_const)
  std::string product_const;
  std::string cause_column;  // the failure-cause label, if the set has one
};

const std::vector<DataSet>& DataSets() {
  static const std::vector<DataSet> kSets = {
      {"sgcc-ict-faults-zh (Chinese: 问题现象 -> 故障组件)",
       "sgcc-ict-faults-zh/ict_fault.csv",
       "问题现象",
       "故障组件",
       {"", "0", "无报告", "未查清"},
       R"([source]
name = "sgcc"
record = "case"
[key]
columns = ["id"]
[fields]
case_id = "id"
product = "影响对象"
opened = "故障开始时间"
symptom_text = "问题现象"
components = { column = "故障组件", split = "|" }
failure_cause = "形成原因"
)",
       "影响对象",
       "",
       "形成原因"},
      {"excavator-mwo (English: short text -> major system)",
       "excavator-mwo/excavators-cleaned.csv",
       "OriginalShorttext",
       "MajorSystem",
       {"", "NA"},
       R"([source]
name = "excavator"
record = "case"
[fields]
case_id = "$key"
asset_serial = "Asset"
product = { const = "excavator" }
opened = "BscStartDate"
symptom_text = "OriginalShorttext"
components = { column = "MajorSystem", split = "|" }
cost = "Cost"
)",
       "",
       "excavator",
       ""},
      {"maintnet-aviation (English: problem -> part)",
       "maintnet-aviation/fully_annotated_maintenance_logbook.csv",
       "PROBLEM",
       "PART",
       {""},
       R"([source]
name = "aviation"
record = "case"
[fields]
case_id = "$key"
product = { const = "O-320" }
opened = { const = "2000-01-01" }
symptom_text = "PROBLEM"
components = { column = "PART", split = "|" }
notes = "ACTION"
)",
       "",
       "O-320",
       ""},
  };
  return kSets;
}

struct Table {
  std::string header_line;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> lines;  // each row's raw CSV text
};

bool ReadCsv(const std::string& path, Table* t) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::string data((std::istreambuf_iterator<char>(in)), {});
  connectors::CsvReader r(data, ',');
  connectors::CsvRow row;
  bool first = true;
  while (r.Next(&row)) {
    std::string raw = data.substr(row.begin, row.end - row.begin);
    if (first) {
      t->header = row.fields;
      t->header_line = raw;
      first = false;
      continue;
    }
    if (!row.error.empty() || row.fields.size() != t->header.size()) continue;
    t->rows.push_back(row.fields);
    t->lines.push_back(raw);
  }
  return !first;
}

int Column(const Table& t, const std::string& name) {
  for (size_t i = 0; i < t.header.size(); ++i) {
    if (ingest::Trim(t.header[i]) == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Upper(std::string s) { return ingest::ToUpperAscii(s); }

// Which fifth of the rows (by a hash of the text) is the dev part: 0..4.
uint64_t g_dev_fold = 0;
bool g_no_model = false;  // --no-model: root cause without trained models
uint64_t DevFold() { return g_dev_fold; }

int RunOne(const DataSet& ds, const std::string& datasets, const std::string& work) {
  Table t;
  if (!ReadCsv(datasets + "/" + ds.file, &t)) {
    std::printf("%s: cannot read %s\n", ds.name.c_str(), ds.file.c_str());
    return 1;
  }
  int text_col = Column(t, ds.text_column), label_col = Column(t, ds.label_column);
  if (text_col < 0 || label_col < 0) {
    std::printf("%s: columns %s / %s not found\n", ds.name.c_str(), ds.text_column.c_str(),
                ds.label_column.c_str());
    return 1;
  }
  std::string dir = work + "/" + std::to_string(Fnv1a64(ds.name) % 100000);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream train(dir + "/train.csv", std::ios::binary);
  train << t.header_line;
  std::vector<size_t> dev;
  std::unordered_map<std::string, int> label_counts;
  for (size_t i = 0; i < t.rows.size(); ++i) {
    bool is_dev = Fnv1a64(t.rows[i][text_col]) % 5 == DevFold();
    if (is_dev) {
      dev.push_back(i);
    } else {
      train << t.lines[i];
      std::string label = Upper(std::string(ingest::Trim(t.rows[i][label_col])));
      if (std::find(ds.no_label.begin(), ds.no_label.end(), label) == ds.no_label.end())
        ++label_counts[label];
    }
  }
  train.close();
  std::ofstream(dir + "/map.toml") << ds.mapping;

  auto store = graph::GraphStore::Open(dir + "/graph");
  if (!store.ok()) return std::printf("%s\n", store.status().ToString().c_str()), 1;
  auto rules =
      ingest::TextRules::Load(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/config/text_rules.toml");
  if (!rules.ok()) return std::printf("%s\n", rules.status().ToString().c_str()), 1;
  ingest::IngestPipeline pipeline(store->get(), rules->get());
  auto mapping = connectors::LoadMapping(dir + "/map.toml");
  if (!mapping.ok()) return std::printf("%s\n", mapping.status().ToString().c_str()), 1;
  auto ingested = connectors::IngestFile(pipeline, *mapping, dir + "/train.csv");
  if (!ingested.ok()) return std::printf("%s\n", ingested.status().ToString().c_str()), 1;
  auto search = api::SearchService::Open(store->get(), dir + "/index", false);
  if (!search.ok()) return std::printf("%s\n", search.status().ToString().c_str()), 1;

  std::vector<std::pair<int, std::string>> by_count;
  for (auto& [l, c] : label_counts) by_count.push_back({c, l});
  std::sort(by_count.rbegin(), by_count.rend());
  std::set<std::string> top5_labels;
  for (size_t i = 0; i < by_count.size() && i < 5; ++i) top5_labels.insert(by_count[i].second);

  api::Handler handler(store->get(), &pipeline, search->get());
  // The trained models, as `faultgraph train` makes them from the graph.
  std::shared_ptr<const diagnosis::Models> models;
  if (!g_no_model) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = diagnosis::TrainModels(**store, handler.diagnoser(), pipeline.rules(),
                                    dir + "/models", diagnosis::TrainOptions{});
    if (!m.ok()) return std::printf("  train: %s\n", m.status().ToString().c_str()), 1;
    models = *m;
    handler.diagnoser().SetModels(models);
    const auto& info = models->component_info;
    std::printf("  trained in %.1f s on %llu cases; held back %llu: classifier top-1 %.1f%% top-3 %.1f%%, blend top-1 %.1f%% top-3 %.1f%%; weights",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                static_cast<unsigned long long>(info.cases),
                static_cast<unsigned long long>(info.held_back.cases),
                100 * info.held_back.classifier_top1, 100 * info.held_back.classifier_top3,
                100 * info.held_back.blend_top1, 100 * info.held_back.blend_top3);
    for (size_t k = 0; k < diagnosis::kBlendFeatures; ++k)
      std::printf(" %s %.3f", diagnosis::BlendFeatureName(k), info.blend.w[k]);
    std::printf(" bias %.3f\n", info.blend.bias);
  }
  int product_col = ds.product_column.empty() ? -1 : Column(t, ds.product_column);
  // rootCause top-1/top-3, and the same for its two baselines: the
  // similar-case (BM25) vote alone and the most frequent component.
  int rc_n = 0, rc1 = 0, rc3 = 0, vote1 = 0, vote3 = 0, major1 = 0, major3 = 0, ft1 = 0, ft3 = 0;
  // Cause: the top component's most frequent cause, against the most
  // frequent cause of all.
  int cause_col = ds.cause_column.empty() ? -1 : Column(t, ds.cause_column);
  std::map<std::string, int> cause_counts;
  if (cause_col >= 0) {
    for (size_t i = 0; i < t.rows.size(); ++i) {
      if (Fnv1a64(t.rows[i][text_col]) % 5 == DevFold()) continue;
      std::string c(ingest::Trim(t.rows[i][cause_col]));
      if (!c.empty()) ++cause_counts[c];
    }
  }
  std::vector<std::pair<int, std::string>> causes_by_count;
  for (const auto& [c, n] : cause_counts) causes_by_count.push_back({n, c});
  std::sort(causes_by_count.rbegin(), causes_by_count.rend());
  // Cause top-1 / top-3: rootCause's causes, the BM25 vote by the nearest
  // cases' causes, the most frequent causes; and the top component's most
  // frequent cause (top-1).
  int cause_n = 0, cause_top_component = 0;
  int cause1 = 0, cause3 = 0, cvote1 = 0, cvote3 = 0, cbase1 = 0, cbase3 = 0;
  auto rank_of = [](const auto& ranked, const std::string& want, auto name) {
    for (size_t k = 0; k < ranked.size() && k < 3; ++k)
      if (name(ranked[k]) == want) return static_cast<int>(k);
    return -1;
  };
  auto tally = [](int rank, int* top1, int* top3) {
    *top1 += rank == 0;
    *top3 += rank >= 0;
  };
  int queries = 0, hit5 = 0, hit1 = 0, baseline_hit5 = 0;
  // Reliability of rootCause's first answer: per decile of its probability,
  // answers, summed probability, right answers; and by confidence word.
  double bins[10][3] = {};
  std::map<std::string, std::pair<int, int>> by_confidence;  // answers, right
  double precision5 = 0;
  for (size_t i : dev) {
    std::string label = Upper(std::string(ingest::Trim(t.rows[i][label_col])));
    if (std::find(ds.no_label.begin(), ds.no_label.end(), label) != ds.no_label.end()) continue;
    search::SearchRequest req;
    req.text = t.rows[i][text_col];
    req.filters.kind = "case";
    req.limit = 5;
    req.facets = false;
    auto r = (*search)->searcher().Search(req);
    if (!r.ok()) continue;  // a text with no words to search
    ++queries;
    int same = 0;
    for (size_t k = 0; k < r->hits.size(); ++k) {
      const auto& comps = r->hits[k].components;
      bool match = std::find(comps.begin(), comps.end(), label) != comps.end();
      same += match;
      if (k == 0 && match) ++hit1;
    }
    hit5 += same > 0;
    precision5 += same / 5.0;
    baseline_hit5 += top5_labels.count(label) > 0;

    api::RootCauseRequest rq;
    rq.product = product_col >= 0 ? t.rows[i][product_col] : ds.product_const;
    rq.text = t.rows[i][text_col];
    rq.topK = 20;
    api::RootCauseAnswer ans;
    try {
      handler.rootCause(ans, rq);
    } catch (const std::exception&) {
      continue;
    }
    ++rc_n;
    // The BM25 baseline: the 20 nearest cases by the whole text (every
    // term, no evidence), each voting for its components by similarity².
    std::map<std::string, double> vote, cause_vote;
    search::SearchRequest bm25;
    bm25.text = rq.text;
    bm25.filters.kind = "case";
    bm25.limit = 20;
    bm25.facets = false;
    if (auto br = (*search)->searcher().Search(bm25); br.ok()) {
      for (const auto& h : br->hits) {
        double w = (h.percent / 100.0) * (h.percent / 100.0);
        for (const auto& c : h.components) vote[c] += w / h.components.size();
        if (cause_col < 0) continue;
        auto doc = (*store)->GetCase(h.id);
        if (doc.ok() && !doc->failure_cause.empty()) cause_vote[doc->failure_cause] += w;
      }
    }
    if (cause_col >= 0) {
      std::string want(ingest::Trim(t.rows[i][cause_col]));
      if (!want.empty()) {
        ++cause_n;
        if (!ans.components.empty() && !ans.components[0].causes.empty())
          cause_top_component += ans.components[0].causes[0].cause == want;
        tally(rank_of(ans.causes, want, [](const auto& k) { return k.cause; }), &cause1, &cause3);
        std::vector<std::pair<double, std::string>> cv;
        for (const auto& [c, v] : cause_vote) cv.push_back({v, c});
        std::sort(cv.rbegin(), cv.rend());
        tally(rank_of(cv, want, [](const auto& k) { return k.second; }), &cvote1, &cvote3);
        tally(rank_of(causes_by_count, want, [](const auto& k) { return k.second; }), &cbase1,
              &cbase3);
      }
    }
    std::vector<std::pair<double, std::string>> votes;
    for (const auto& [c, v] : vote) votes.push_back({v, c});
    std::sort(votes.rbegin(), votes.rend());
    if (!ans.components.empty()) {
      const auto& first = ans.components[0];
      int d = std::min(9, static_cast<int>(first.probability * 10));
      bins[d][0] += 1;
      bins[d][1] += first.probability;
      bins[d][2] += first.component == label;
      auto& bc = by_confidence[first.confidence];
      ++bc.first;
      bc.second += first.component == label;
    }
    for (size_t k = 0; k < ans.components.size() && k < 3; ++k) {
      if (ans.components[k].component != label) continue;
      rc1 += k == 0;
      ++rc3;
    }
    for (size_t k = 0; k < votes.size() && k < 3; ++k) {
      if (votes[k].second != label) continue;
      vote1 += k == 0;
      ++vote3;
    }
    if (models != nullptr) {  // the classifier alone (the fastText baseline)
      auto p = models->component->Predict(rq.product, pipeline.rules().Fold(rq.text), 3);
      for (size_t k = 0; k < p.size(); ++k) {
        if (p[k].label != label) continue;
        ft1 += k == 0;
        ++ft3;
      }
    }
    for (size_t k = 0; k < by_count.size() && k < 3; ++k) {
      if (by_count[k].second != label) continue;
      major1 += k == 0;
      ++major3;
    }
  }
  auto pct = [](int a, int n) { return 100.0 * a / std::max(n, 1); };
  std::printf(
      "  rootCause top-1 %.1f%% top-3 %.1f%% | BM25 vote top-1 %.1f%% top-3 %.1f%% | most "
      "frequent top-1 %.1f%% top-3 %.1f%% | classifier alone top-1 %.1f%% top-3 %.1f%%  (n=%d)\n",
      pct(rc1, rc_n), pct(rc3, rc_n), pct(vote1, rc_n), pct(vote3, rc_n), pct(major1, rc_n),
      pct(major3, rc_n), pct(ft1, rc_n), pct(ft3, rc_n), rc_n);
  std::printf("  first answer reliability (dev):");
  for (int d = 0; d < 10; ++d) {
    if (bins[d][0] == 0) continue;
    std::printf(" [%d-%d%%: n=%.0f p=%.0f%% right=%.0f%%]", d * 10, d * 10 + 10, bins[d][0],
                100 * bins[d][1] / bins[d][0], 100 * bins[d][2] / bins[d][0]);
  }
  std::printf("\n  by confidence:");
  for (const auto& [word, n] : by_confidence)
    std::printf(" %s n=%d right=%.0f%%", word.c_str(), n.first, pct(n.second, n.first));
  std::printf("\n");
  if (cause_n > 0)
    std::printf(
        "  cause: rootCause top-1 %.1f%% top-3 %.1f%% | BM25 vote top-1 %.1f%% top-3 %.1f%% | "
        "most frequent top-1 %.1f%% top-3 %.1f%% | top component's most frequent %.1f%%  "
        "(n=%d)\n",
        pct(cause1, cause_n), pct(cause3, cause_n), pct(cvote1, cause_n), pct(cvote3, cause_n),
        pct(cbase1, cause_n), pct(cbase3, cause_n), pct(cause_top_component, cause_n), cause_n);
  std::printf(
      "%s\n  train %zu rows (%lld applied, %lld rejected), dev queries %d, labels %zu\n"
      "  hit@1 %.1f%%  hit@5 %.1f%%  precision@5 %.1f%%   majority-top-5 baseline hit@5 %.1f%%\n",
      ds.name.c_str(), t.rows.size() - dev.size(), static_cast<long long>(ingested->stats.applied),
      static_cast<long long>(ingested->stats.rejected), queries, label_counts.size(),
      100.0 * hit1 / std::max(queries, 1), 100.0 * hit5 / std::max(queries, 1),
      100.0 * precision5 / std::max(queries, 1), 100.0 * baseline_hit5 / std::max(queries, 1));
  search->reset();
  store->reset();
  std::filesystem::remove_all(dir);
  if (queries == 0 || ingested->stats.applied == 0) {
    std::printf("  FAILED: nothing was ingested or no dev row could be queried\n");
    return 1;
  }
  if (rc1 < vote1 || rc3 < vote3) {
    std::printf("  FAILED: rootCause is below the BM25 vote (top-1 %d vs %d, top-3 %d vs %d)\n",
                rc1, vote1, rc3, vote3);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = std::string(FAULTGRAPH_SOURCE_DIR) + "/../shared/datasets";
  std::string work = "/tmp/fg_similar_eval";
  for (int i = 1; i < argc; ++i) {
    const bool value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--no-model")) {
      g_no_model = true;
    } else if (value && !std::strcmp(argv[i], "--datasets")) {
      datasets = argv[++i];
    } else if (value && !std::strcmp(argv[i], "--work")) {
      work = argv[++i];
    } else if (value && !std::strcmp(argv[i], "--fold")) {
      g_dev_fold = std::strtoull(argv[++i], nullptr, 10) % 5;
    } else {
      std::fprintf(stderr,
                   "usage: similar_cases_eval [--datasets DIR] [--work DIR] [--fold 0..4] "
                   "[--no-model]\n");
      return 2;
    }
  }
  if (!std::filesystem::exists(datasets)) {
    std::printf("SKIP: no data sets at %s (they live beside the checkout, in ../shared/datasets)\n",
                datasets.c_str());
    return 77;
  }
  int rc = 0;
  for (const auto& ds : DataSets()) rc |= RunOne(ds, datasets, work);
  std::filesystem::remove_all(work);
  return rc;
}
