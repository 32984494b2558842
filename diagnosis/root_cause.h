// Root-cause ranking: "this unit (product, maybe serial) shows these
// symptoms and resembles these past cases: what is broken, why, and what
// fixes it?" Every ranked item carries the evidence behind it.
//
// The caller (the API layer) turns the agent's text and codes into canonical
// symptoms and finds the nearest past cases with search; this module ranks
// from the graph's evidence plus that list, so graph/ never includes search/.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "diagnosis/note.h"
#include "diagnosis/text_mention.h"
#include "graph/graph_store.h"

namespace faultgraph::diagnosis {

using graph::GraphStore;

// The learned blend (diagnosis/blend.h): each candidate component is
// described by these features, and a logistic regression fitted on held-back
// cases weighs them. Log-shares are floored, so a missing piece of evidence
// is a large negative number, not minus infinity.
enum BlendFeature : size_t {
  kFeatClassifier = 0,  // ln P(component | text, product), the text classifier
  kFeatSimilarCases,    // ln share of the similar cases' vote
  kFeatSymptoms,        // ln P(component | fault codes, rule symptoms); 0 without symptoms
  kFeatBaseRate,        // ln share of the product's diagnosed cases
  kFeatOverallRate,     // ln share of all diagnosed cases (the model's training cases)
  kFeatNamedInText,     // share of its id's or name's words the text contains
  kFeatVoted,           // 1 when some similar case voted for it
  kBlendFeatures
};
using BlendVector = std::array<double, kBlendFeatures>;
const char* BlendFeatureName(size_t feature);

struct BlendWeights {
  BlendVector w{};
  double bias = 0;
};

struct CandidateFeatures {
  std::string component;
  BlendVector x{};
};

// A past case the caller found similar to the query.
struct NearCase {
  std::string case_id;
  double similarity = 0;  // 0..1
  std::vector<std::string> components;
  std::string snippet;
  std::string cause;  // its failure cause, when it has one
};

struct RootCauseQuery {
  std::string product;
  std::vector<std::string> symptoms;  // canonical ids: "AC:E4", "no_cooling"
  std::vector<NearCase> near_cases;   // best first
  // The query text folded (NFKC, case-folded, simplified) and the folder,
  // for components the text names; empty / null: not used.
  std::string folded_text;
  std::function<std::string(std::string_view)> fold;
  std::string serial;  // optional: the asset's history counts
  int64_t now_ms = 0;  // history looks back from here; 0 = the clock
  // The text classifier's most likely components (diagnosis/classifier.h),
  // best first; empty without a model.
  std::vector<std::pair<std::string, double>> learned;
  // The fitted blend of the features above; null: the fixed blend (no model).
  const BlendWeights* blend = nullptr;
  // Each component's share of all diagnosed cases, and the most frequent
  // first (the model's); null: not used.
  const std::unordered_map<std::string, double>* overall_rate = nullptr;
  const std::vector<std::string>* most_frequent = nullptr;
  // With a model: the first-answer probabilities from which past answers
  // were right 90 % / 60 % of the time (diagnosis/blend.h Calibrate); 0
  // each: that confidence is never given.
  double confident_high = 0, confident_medium = 0;
  // The cause classifier's most likely failure causes, best first, and its
  // fitted share in the cause ranking (the rest is the evidence: similar
  // cases' causes and the components' cause shares); empty / 0: not used.
  std::vector<std::pair<std::string, double>> learned_causes;
  double cause_mix = 0;
  // The fix classifier's reading (which fix held for texts like this one)
  // and its fitted share in each component's fix order (the rest is the
  // fix's shrunk success rate); empty / 0: fixes by success rate alone.
  std::vector<std::pair<std::string, double>> learned_fixes;
  double fix_mix = 0;
  bool want_features = false;  // fill RootCauseAnswer::features (training the blend)
  // Training on a case that is in the graph: its own components, taken out
  // of the counts it is part of (the base rate, its symptoms' evidence),
  // so that it does not vote for itself.
  std::vector<std::string> self_components;
  std::string self_cause;  // the same for its failure cause
  size_t top_k = 3;
  size_t max_supporting = 5;
  int64_t repeat_window_ms = graph::kRepeatWindowMs;
};

struct SymptomEvidence {
  std::string symptom;
  std::string scope;   // "product", "family" or "all products": the narrowest with data
  uint64_t count = 0;  // cases of the symptom diagnosed with the component, in that scope
  uint64_t total = 0;  // cases of the symptom with any diagnosis, in that scope
};

struct SupportingCase {
  std::string case_id;
  std::string snippet;
  double similarity = 0;  // 0 when it supports by diagnosis only (a recent case)
  int64_t opened_ms = 0;
};

struct FixOption {
  std::string fix;
  std::string title;
  uint64_t attempts = 0;
  uint64_t repeats = 0;            // the asset came back with the component within the window
  double success_rate = 0;         // (attempts - repeats) / attempts
  double score = 0;                // the success rate shrunk towards the component's average
  // The fix model's probability that this fix ends a problem told like
  // this one, over the component's fixes (0: no fix model).
  double text_fit = 0;
  int64_t median_labour = 0;       // minutes
  std::vector<std::string> parts;  // the parts used most often
};

struct CauseCount {
  std::string cause;
  uint64_t count = 0;
};

// A failure cause over the whole answer.
struct CauseAnswer {
  std::string cause;
  double probability = 0;  // over the causes listed
  uint64_t cases = 0;      // cases of the answer's components with this cause
  uint64_t similar = 0;    // of the similar past cases, how many had it
};

struct ComponentAnswer {
  std::string component;
  std::string name;
  double probability = 0;    // blended, over the candidates
  std::string confidence;    // "high" | "medium" | "low"
  double from_symptoms = 0;  // the two parts of the blend
  double from_cases = 0;
  double history_factor = 1;  // > 1 when the asset's own history raised it
  double named_in_text = 0;   // share of its id's or name's words the text contains
  // Not in the product's bill of materials (nor ever diagnosed on it):
  // ranked only on overwhelming evidence, and the answer's notes say so.
  bool outside_bom = false;
  uint64_t cases = 0;         // cases of the product (or scope) diagnosed with it
  // Where the fix and cause figures come from (notes::kScope*: "product P",
  // "family F", "all products"; its English text is also the cache key).
  Note fix_scope;
  std::vector<SymptomEvidence> evidence;
  std::vector<SupportingCase> supporting;
  std::vector<CauseCount> causes;
  std::vector<FixOption> fixes;
  Note history_note;  // why the asset's history raised it (empty text: it did not)
};

struct HistoryItem {
  int64_t time_ms = 0;
  std::string kind;  // "case" | "sensor"
  std::string id;
  std::string summary;
};

// One failure cause's two readings, before they are mixed (training the
// cause model's share): the evidence's probability and the classifier's.
struct CauseFeatures {
  std::string cause;
  double evidence = 0;
  double classifier = 0;
};

struct RootCauseAnswer {
  std::string product;
  std::string family;
  bool product_known = false;
  std::vector<std::string> symptoms_used;  // with evidence in the graph
  std::vector<Note> notes;                 // fallbacks taken, inputs without evidence
  std::vector<ComponentAnswer> components;
  std::vector<CauseAnswer> causes;          // most likely first, at most 5
  std::vector<HistoryItem> history;         // the asset's recent cases and alarms
  std::vector<CandidateFeatures> features;  // every candidate's, when asked for
  std::vector<CauseFeatures> cause_features;  // every cause's, when asked for
  // The fixes of the first ranked component among self_components, both
  // readings (evidence: the normalised success score), when asked for.
  std::vector<CauseFeatures> fix_features;
};

class RootCauseRanker {
 public:
  explicit RootCauseRanker(const GraphStore* store) : store_(store) {}

  Result<RootCauseAnswer> Rank(const RootCauseQuery& q) const;

 private:
  struct FixStats {
    uint64_t cases = 0;
    std::map<std::string, uint64_t> attempts, repeats;
    std::map<std::string, std::vector<int64_t>> labour;
    std::map<std::string, std::map<std::string, uint64_t>> parts;
    std::map<std::string, uint64_t> causes;
    std::vector<std::pair<int64_t, std::string>> latest;  // (opened, case id), newest first
  };
  Status ScanFixStats(const std::string& product, const std::string& component, int64_t window_ms,
                      FixStats* out) const;
  // What an answer shows of a component's cases, computed once per graph
  // state (the cache empties when a case is written).
  struct Summary {
    uint64_t seq = 0;  // the outbox sequence it was computed at
    std::chrono::steady_clock::time_point computed;
    uint64_t cases = 0;
    uint64_t cases_with_cause = 0;   // of `cases`, those with a recorded cause
    std::vector<CauseCount> causes;  // most frequent first, at most 5
    std::vector<FixOption> fixes;    // best first
    std::vector<std::pair<int64_t, std::string>> latest;
  };
  // The summary of `component` over the products of `scope` (the answer's
  // fix_scope: "product P", "family F", "all products"); `products` lists
  // them and is called only when the cache has no fresh summary, so that an
  // answer from all products does not list every product per request.
  Result<std::shared_ptr<const Summary>> CachedFixStats(
      const std::string& scope, const std::function<Result<std::vector<std::string>>()>& products,
      const std::string& component, int64_t window_ms) const;

  static void RankCauses(const RootCauseQuery& q, RootCauseAnswer* out);
  // Orders a component's fixes by the success score mixed with the fix
  // model's reading (RootCauseQuery::fix_mix), filling text_fit; the
  // readings go to out->fix_features when the component is the query's own.
  static void RankFixes(const RootCauseQuery& q, ComponentAnswer* a, RootCauseAnswer* out);
  // The product's bill of materials: its parts and their parts (two
  // levels); empty when it has none. Read again after kStaleMs (a BOM
  // line moves no outbox sequence, so that cannot tell it changed).
  Result<std::shared_ptr<const std::set<std::string>>> Bom(const std::string& product) const;
  // The supporting cases of a component: its most similar near cases, then
  // its latest diagnosed ones; most similar first, ties newest first.
  std::vector<SupportingCase> Supporting(const RootCauseQuery& q,
                                         const std::vector<const NearCase*>& near,
                                         const Summary& stats) const;
  // Says where the components' cause counts do not add up to their cases.
  static void NoteUncountedCauses(const std::vector<ComponentAnswer>& components,
                                  const std::map<std::string, uint64_t>& with_cause,
                                  RootCauseAnswer* out);
  // How much of each of the best-scored candidates' ids and names the
  // query text contains (graph/text_mention.h); only those above 0.
  Result<std::map<std::string, double>> NamedInText(
      const RootCauseQuery& q, const std::map<std::string, double>& scores) const;

  const GraphStore* store_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<Summary>> cache_;
  struct CachedBom {
    std::chrono::steady_clock::time_point read;
    std::shared_ptr<const std::set<std::string>> parts;
  };
  mutable std::map<std::string, CachedBom> boms_;
  // Folded ids and names by "id\x1fname": folding (NFKC, OpenCC) costs
  // microseconds a name, too much for every candidate of every query.
  mutable std::unordered_map<std::string, std::shared_ptr<const std::vector<FoldedName>>> names_;
};

}  // namespace faultgraph::diagnosis
