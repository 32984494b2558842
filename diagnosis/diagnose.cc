#include "diagnosis/diagnose.h"

#include <algorithm>
#include <set>

#include "diagnosis/note_texts.h"
#include "diagnosis/query_scope.h"
#include "graph/graph_store.h"
#include "graph/vocabulary.h"
#include "ingest/derive.h"
#include "ingest/normalize.h"
#include "ingest/records.h"
#include "ingest/text_rules.h"
#include "search/searcher.h"

namespace faultgraph::diagnosis {
namespace {

// A similar case of another product votes with this share.
constexpr double kOtherProductWeight = 0.8;
// With this many cases a product's neighbours come from its own.
constexpr uint64_t kOwnCasesForNeighbours = 500;
constexpr size_t kNearCases = 20;
// The classifier's labels passed on: beyond these the probabilities are
// floored anyway.
constexpr size_t kClassifierLabels = 20;

bool HasText(const std::string& s) { return s.find_first_not_of(" \t\r\n") != std::string::npos; }

}  // namespace

search::SearchRequest NearCasesRequest(const std::string& text, size_t excluded) {
  search::SearchRequest req;
  req.text = text;
  req.filters.kind = "case";
  req.limit = kNearCases + std::min(excluded, kNearCases);
  req.facets = false;
  // On a large index (p99 latency): the cases with every word first, then
  // those with some of the text's 4 most telling terms. At 1M simulated
  // cases that took rootCause's p99 from 25.6 to 11.5 ms; on 100k the
  // accuracy moved by 0.1 point without a model and not at all with one
  // (docs/BENCHMARKS.md). The evaluation sets are below the bound.
  req.max_terms = 4;
  req.max_terms_min_docs = 50'000;
  req.all_words_first_min_docs = 50'000;
  return req;
}

void Diagnoser::SetModels(std::shared_ptr<const Models> models) {
  std::lock_guard<std::mutex> lock(mu_);
  models_ = std::move(models);
}

std::shared_ptr<const Models> Diagnoser::models() const {
  std::lock_guard<std::mutex> lock(mu_);
  return models_;
}

Result<RootCauseAnswer> Diagnoser::Diagnose(const DiagnoseRequest& request) const {
  return Diagnose(request, models());
}

Result<RootCauseAnswer> Diagnoser::Diagnose(const DiagnoseRequest& request,
                                            const std::shared_ptr<const Models>& models) const {
  // The text and codes become canonical symptoms exactly as a case's do at
  // ingest: codes (given and found in the text) scoped to the family,
  // symptom rules on the folded text.
  // The product as the graph knows it: ac-350 is AC-350.
  auto match = MatchProduct(*store_, request.product);
  if (!match.ok()) return match.status();
  std::vector<Note> notes;
  if (match->id != request.product)
    notes.push_back({notes::kProductReadAs, {request.product, match->id}});
  ingest::Record rec;
  ingest::Case c;
  c.product = match->id;
  c.family = match->family;
  c.symptom_text = request.text;
  c.fault_codes = request.fault_codes;
  rec.body = c;
  ingest::NormalizeRecord(rec, *rules_);
  const auto& norm = std::get<ingest::Case>(rec.body);
  RootCauseQuery q;
  q.product = match->id;
  q.serial = request.serial;
  q.top_k = request.top_k;
  q.now_ms = request.as_of_ms;
  q.folded_text = norm.folded_text;
  q.fold = [this](std::string_view t) { return rules_->Fold(t); };
  q.want_features = request.want_features;
  q.self_components = request.self_components;
  q.self_cause = request.self_cause;
  if (match->known()) {
    const std::string& code_scope = !norm.family.empty() ? norm.family : norm.product;
    for (const auto& code : norm.fault_codes)
      q.symptoms.push_back(ingest::FaultCodeSymptom(code_scope, code));
  } else {
    // No (known) product: a code is read in the family whose cases know it
    // best, and the answer says which reading it took.
    auto readings = ReadCodesWithoutProduct(*store_, norm.fault_codes);
    if (!readings.ok()) return readings.status();
    for (const auto& code : norm.fault_codes) {
      const auto& r = (*readings)[code];
      if (r.empty()) {
        notes.push_back({notes::kCodeWithoutCases, {code}});
        continue;
      }
      q.symptoms.push_back(r[0].symptom);
      if (r.size() == 1) {
        notes.push_back({notes::kCodeOneFamily, {code, r[0].symptom}});
      } else {
        std::string others;
        for (size_t i = 1; i < r.size(); ++i) others += (i > 1 ? ", " : "") + r[i].symptom;
        notes.push_back(
            {notes::kCodeManyFamilies, {code, r[0].symptom, std::to_string(r[0].cases), others}});
      }
    }
  }
  for (const auto& s : norm.rule_symptoms) q.symptoms.push_back(s);

  // The nearest past cases of the product (its family when it has few).
  if (searcher_ != nullptr && HasText(request.text)) {
    search::SearchRequest req = NearCasesRequest(request.text, request.exclude_cases.size());
    // The product's own cases when it has plenty; else its family's (every
    // case when the family is unknown), the product's own counting more:
    // products of a family share parts and words.
    auto own = store_->GetCount(graph::Cf::kCounter, graph::keys::Counter(graph::counters::kCases, norm.product));
    if (!norm.product.empty() && own.ok() && *own >= kOwnCasesForNeighbours) {
      req.filters.product = norm.product;
    } else if (!norm.family.empty()) {
      req.filters.family = norm.family;
    }
    if (request.as_of_ms > 0) req.filters.to_ms = request.as_of_ms;  // no case from the future
    auto r = searcher_->Search(req);
    if (r.ok()) {
      std::set<std::string> excluded(request.exclude_cases.begin(), request.exclude_cases.end());
      for (const auto& h : r->hits) {
        if (excluded.count(h.id) || q.near_cases.size() >= kNearCases) continue;
        double sim = h.percent / 100.0 * (h.product == norm.product ? 1.0 : kOtherProductWeight);
        q.near_cases.push_back({h.id, sim, h.components, h.snippet, h.cause});
      }
    } else if (!r.status().IsInvalidArgument()) {
      // (InvalidArgument: the text has no word to search for, which is no
      // failure.) Ranked without the similar cases, and the answer says so.
      notes.push_back({notes::kSearchFailed, {r.status().ToString().substr(0, 300)}});
    }
  }

  // The trained classifiers' reading of the text, and the blends fitted with them.
  const bool classify = models != nullptr && HasText(request.text);
  const std::string folded = classify ? rules_->Fold(request.text) : std::string();
  if (classify && models->component != nullptr) {
    for (auto& p : models->component->Predict(match->id, folded, kClassifierLabels))
      q.learned.emplace_back(std::move(p.label), p.probability);
    if (models->component_info.has_blend) q.blend = &models->component_info.blend;
    q.overall_rate = &models->overall_rate;
    q.most_frequent = &models->most_frequent;
    q.confident_high = models->component_info.calibration.high;
    q.confident_medium = models->component_info.calibration.medium;
  }
  if (classify && models->cause != nullptr) {
    for (auto& p : models->cause->Predict(match->id, folded, kClassifierLabels))
      q.learned_causes.emplace_back(std::move(p.label), p.probability);
    q.cause_mix = models->cause_info.mix;
  }
  if (classify && models->fix != nullptr) {
    for (auto& p : models->fix->Predict(match->id, folded, kClassifierLabels))
      q.learned_fixes.emplace_back(std::move(p.label), p.probability);
    q.fix_mix = models->fix_info.mix;
  }

  auto a = ranker_.Rank(q);
  if (!a.ok()) return a;
  if (!HasText(request.text)) notes.insert(notes.begin(), Note{notes::kNoText, {}});
  a->notes.insert(a->notes.begin(), notes.begin(), notes.end());
  return a;
}

}  // namespace faultgraph::diagnosis
