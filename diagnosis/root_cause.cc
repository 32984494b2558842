#include "diagnosis/root_cause.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <unordered_map>

#include "common/clock.h"
#include "diagnosis/blend.h"
#include "diagnosis/note_texts.h"
#include "graph/vocabulary.h"

namespace faultgraph::diagnosis {

using namespace faultgraph::graph;  // the store's types and keys, read here

namespace {

constexpr double kBackoff = 5.0;    // pseudo-counts pulling a scope towards the wider one
constexpr double kFixShrink = 3.0;  // pseudo-attempts pulling a fix towards the average
constexpr double kFloor = 1e-4;     // no candidate's conditional probability is zero
// Share of the product's base rate in the blend: a tie-breaker that keeps
// its common failures among the candidates. The near cases' votes carry the
// base rate already; at 0.05 it cost 1–2 points of top-1 on every real set.
constexpr double kPriorWeight = 0.001;
// A part outside the product's bill of materials, never diagnosed on it, is
// ranked only when its probability is at least this (and marked).
constexpr double kOutsideBomOverwhelming = 0.8;
constexpr size_t kMaxBomParts = 20'000;
// A component the text names (all of its words: "intake gasket") weighs up
// to 1 + this much more; chosen on the real sets' folds (top-1 over no
// boost, excavator / aviation — 1: +1.3–2.4 / +1.3–4.9 points, 2: +1.9–3.3 /
// +1.9–4.9, 3: little more and no better on the simulator), see
// docs/BENCHMARKS.md.
constexpr double kNamedBoost = 2.0;
constexpr size_t kNamedCandidates = 64;  // the best-scored candidates looked at
// Pseudo-cases pulling a component's cause shares towards those of all the
// answer's components: few cases of a component say little about why.
constexpr double kCauseBackoff = 20.0;
// Share of the similar cases' causes in the cause ranking: on State Grid's
// 5 folds 0.5 / 0.7 / 0.9 / 1 gave top-1 59.8 / 60.9 / 61.4 / 62.4 % and
// top-3 87.6 / 86.9 / 87.0 / 86.4 %; 0.9 keeps the diagnosis in play.
constexpr double kCauseVoteWeight = 0.9;
constexpr size_t kNeighbours = 64;   // components read per symptom and scope
constexpr size_t kListedCauses = 5;  // a component's causes shown
constexpr int64_t kHistoryMs = 90LL * 86400 * 1000;
constexpr int64_t kAlarmMs = 14LL * 86400 * 1000;
constexpr uint64_t kMinScopeCases = 5;
constexpr double kSymptomWeightWithCode = 0.5;  // blend share of the symptoms' evidence
constexpr double kSymptomWeightRulesOnly = 0.3;
constexpr int64_t kStaleMs = 30'000;  // a cached fix summary may lag the graph this long  // fewer
                                      // cases of a component: widen the fix scope

std::string Clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "…";
}

using Counts = std::unordered_map<std::string, double>;

double Sum(const Counts& c) {
  double s = 0;
  for (const auto& [_, v] : c) s += v;
  return s;
}

void Normalise(std::map<std::string, double>& p) {
  double s = 0;
  for (const auto& [_, v] : p) s += v;
  if (s <= 0) return;
  for (auto& [_, v] : p) v /= s;
}

// Floors of the learned blend's log-shares.
constexpr double kLearnedFloor = 1e-4;
constexpr size_t kLearnedCandidates = 10;  // the classifier's and base rate's best added

}  // namespace

const char* BlendFeatureName(size_t feature) {
  static const char* const kNames[kBlendFeatures] = {
      "classifier",    "similar cases",          "symptoms", "base rate", "overall rate",
      "named in text", "voted by a similar case"};
  return feature < kBlendFeatures ? kNames[feature] : "?";
}

Status RootCauseRanker::ScanFixStats(const std::string& product, const std::string& component,
                                     int64_t window_ms, FixStats* out) const {
  // Entries come grouped by asset, in time order within one, and a case's
  // outcomes right after its own entry: one case at a time. A case is a
  // repeat of the one before it on the same asset when it opened within
  // the window after that one closed; then every fix of that one failed.
  // A fix is attempted once per case: the case lists it, or an outcome
  // names it; an outcome that says it did not hold fails it.
  struct Attempt {
    std::string fix;
    bool failed = false;
  };
  struct OneCase {
    std::string asset, case_id;
    int64_t opened_ms = 0, end_ms = 0;
    bool own = false;  // the case's own entry was read (it closes the case)
    std::vector<Attempt> attempts;
  } cur;
  bool open = false;
  auto close = [&](bool repeated) {
    for (const auto& a : cur.attempts) {
      ++out->attempts[a.fix];
      if (a.failed || repeated) ++out->repeats[a.fix];
    }
  };
  Status s = store_->ForEachComponentCase(product, component, [&](const ComponentCase& c) {
    if (!open || c.case_id != cur.case_id || c.asset != cur.asset || c.opened_ms != cur.opened_ms) {
      if (open)
        close(!c.asset.empty() && c.asset == cur.asset && c.opened_ms - cur.end_ms <= window_ms);
      open = true;
      cur = OneCase{c.asset, c.case_id, c.opened_ms, 0, false, {}};
      ++out->cases;
      out->latest.emplace_back(c.opened_ms, c.case_id);
    }
    // The case's own entry knows when it closed; an outcome's holds what
    // the case said when the outcome was recorded.
    if (c.outcome_id.empty() || !cur.own)
      cur.end_ms = c.ref.closed_ms != 0 ? c.ref.closed_ms : c.opened_ms;
    if (c.outcome_id.empty()) {  // the case's own entry
      cur.own = true;
      for (const auto& f : c.ref.fixes) {
        cur.attempts.push_back({f, false});
        if (c.ref.labour_minutes > 0) out->labour[f].push_back(c.ref.labour_minutes);
        std::string parts;
        for (const auto& p : c.ref.parts) parts += (parts.empty() ? "" : ";") + p;
        if (!parts.empty()) ++out->parts[f][parts];
      }
      if (!c.ref.failure_cause.empty()) ++out->causes[c.ref.failure_cause];
      return true;
    }
    for (const auto& f : c.ref.fixes) {  // an outcome's: its one fix, if any
      auto it = std::find_if(cur.attempts.begin(), cur.attempts.end(),
                             [&](const Attempt& a) { return a.fix == f; });
      if (it == cur.attempts.end()) it = cur.attempts.insert(cur.attempts.end(), Attempt{f, false});
      it->failed = it->failed || !c.ref.held;
    }
    return true;
  });
  if (open) close(false);
  return s;
}

Result<std::shared_ptr<const RootCauseRanker::Summary>> RootCauseRanker::CachedFixStats(
    const std::string& scope, const std::function<Result<std::vector<std::string>>()>& products,
    const std::string& component, int64_t window_ms) const {
  const std::string key = std::to_string(window_ms) + "|" + component + "|" + scope;
  // A summary holds while no case was written since, and for kStaleMs
  // after that: under a steady ingest, answers would otherwise rescan on
  // every query. Fix rates a few seconds old are fine for ranking.
  uint64_t seq = store_->LastOutboxSeq();  // moves with every case written
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && (it->second->seq == seq ||
                               now - it->second->computed < std::chrono::milliseconds(kStaleMs)))
      return std::shared_ptr<const Summary>(it->second);
  }
  auto listed = products();
  if (!listed.ok()) return listed.status();
  FixStats stats;
  for (const auto& p : *listed) FG_RETURN_IF_ERROR(ScanFixStats(p, component, window_ms, &stats));
  auto summary = std::make_shared<Summary>();
  Summary& sum = *summary;
  sum.seq = seq;
  sum.computed = now;
  sum.cases = stats.cases;
  std::sort(stats.latest.rbegin(), stats.latest.rend());
  if (stats.latest.size() > 16) stats.latest.resize(16);
  sum.latest = std::move(stats.latest);
  for (const auto& [cause, n] : stats.causes) {
    sum.causes.push_back({cause, n});
    sum.cases_with_cause += n;
  }
  std::sort(sum.causes.begin(), sum.causes.end(), [](const CauseCount& x, const CauseCount& y) {
    return x.count != y.count ? x.count > y.count : x.cause < y.cause;
  });
  if (sum.causes.size() > kListedCauses) sum.causes.resize(kListedCauses);

  uint64_t all_attempts = 0, all_repeats = 0;
  for (const auto& [f, n] : stats.attempts) all_attempts += n;
  for (const auto& [f, n] : stats.repeats) all_repeats += n;
  double average =
      all_attempts == 0 ? 0.5 : static_cast<double>(all_attempts - all_repeats) / all_attempts;
  for (const auto& [f, n] : stats.attempts) {
    FixOption o;
    o.fix = f;
    o.attempts = n;
    o.repeats = stats.repeats.count(f) ? std::min(stats.repeats.at(f), n) : 0;
    o.success_rate = static_cast<double>(n - o.repeats) / n;
    o.score = (static_cast<double>(n - o.repeats) + kFixShrink * average) / (n + kFixShrink);
    if (auto it = stats.labour.find(f); it != stats.labour.end() && !it->second.empty()) {
      std::vector<int64_t> v = it->second;
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      o.median_labour = v[v.size() / 2];
    }
    if (auto it = stats.parts.find(f); it != stats.parts.end()) {
      auto best =
          std::max_element(it->second.begin(), it->second.end(),
                           [](const auto& x, const auto& y) { return x.second < y.second; });
      std::string s = best->first;
      for (size_t pos = 0; (pos = s.find(';')) != std::string::npos;) {
        o.parts.push_back(s.substr(0, pos));
        s.erase(0, pos + 1);
      }
      o.parts.push_back(s);
    }
    sum.fixes.push_back(std::move(o));
  }
  {  // their titles in one read
    std::vector<std::string> ids;
    for (const auto& o : sum.fixes) ids.push_back(o.fix);
    auto fixes = store_->GetEntities(graph::kinds::kFix, ids);
    if (!fixes.ok()) return fixes.status();
    for (size_t i = 0; i < ids.size(); ++i)
      if ((*fixes)[i]) sum.fixes[i].title = (*fixes)[i]->name;
  }
  std::sort(sum.fixes.begin(), sum.fixes.end(), [](const FixOption& x, const FixOption& y) {
    return x.score != y.score ? x.score > y.score : x.attempts > y.attempts;
  });

  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 4096) cache_.clear();  // bounded: keys are product sets x components
  cache_[key] = summary;
  return std::shared_ptr<const Summary>(summary);
}

Result<std::map<std::string, double>> RootCauseRanker::NamedInText(
    const RootCauseQuery& q, const std::map<std::string, double>& scores) const {
  std::vector<std::pair<double, std::string>> best;
  for (const auto& [c, p] : scores) best.emplace_back(p, c);
  if (best.size() > kNamedCandidates) {
    std::partial_sort(best.begin(), best.begin() + kNamedCandidates, best.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    best.resize(kNamedCandidates);
  }
  std::vector<std::string> ids;
  for (const auto& [p, c] : best) ids.push_back(c);
  auto entities = store_->GetEntities(graph::kinds::kComponent, ids);
  if (!entities.ok()) return entities.status();
  const std::vector<std::string> words = TextWords(q.folded_text);
  std::map<std::string, double> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string name = (*entities)[i] ? (*entities)[i]->name : "";
    const std::string key = ids[i] + '\x1f' + name;
    std::shared_ptr<const std::vector<FoldedName>> folded;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = names_.find(key); it != names_.end()) folded = it->second;
    }
    if (folded == nullptr) {
      auto made = std::make_shared<std::vector<FoldedName>>();
      made->push_back(SplitName(q.fold(ids[i])));
      if (!name.empty()) made->push_back(SplitName(q.fold(name)));
      folded = made;
      std::lock_guard<std::mutex> lock(mu_);
      if (names_.size() > 100'000) names_.clear();  // bounded: ids x names
      names_[key] = folded;
    }
    double coverage = 0;
    for (const auto& n : *folded)
      coverage = std::max(coverage, NameCoverage(n, q.folded_text, words));
    if (coverage > 0) out[ids[i]] = coverage;
  }
  return out;
}

Result<RootCauseAnswer> RootCauseRanker::Rank(const RootCauseQuery& q) const {
  RootCauseAnswer out;
  out.product = q.product;
  const int64_t now = q.now_ms != 0 ? q.now_ms : SystemClock()->NowMillis();

  // Scopes: the product, its family, every product.
  std::vector<std::string> family_products;
  if (!q.product.empty()) {
    auto p = store_->GetEntity(graph::kinds::kProduct, q.product);
    if (p.ok()) {
      out.product_known = true;
      out.family = p->family;
    } else if (!p.status().IsNotFound()) {
      return p.status();
    }
  }
  // How often each component fails on the product: the prior.
  std::map<std::string, double> prior;
  if (!q.product.empty()) {
    auto counts = store_->CountersOf(std::string(kComponentCasesCounter), q.product);
    if (!counts.ok()) return counts.status();
    for (const auto& [c, n] : *counts) prior[c] = static_cast<double>(n);
    for (const auto& c : q.self_components)
      if (auto it = prior.find(c); it != prior.end()) it->second = std::max(0.0, it->second - 1);
  }
  if (!out.product_known) {
    out.notes.push_back(q.product.empty() ? Note{notes::kNoProduct, {}}
                        : !prior.empty()  ? Note{notes::kProductNotInMaster, {q.product}}
                                          : Note{notes::kUnknownProduct, {q.product}});
  }
  if (!out.family.empty()) {
    auto fam = store_->Neighbours(EdgeType::kInFamily, "", out.family, Direction::kOut, 1000);
    if (!fam.ok()) return fam.status();
    for (const auto& n : *fam) family_products.push_back(n.id);
  }
  if (family_products.empty() && !prior.empty()) family_products.push_back(q.product);
  Normalise(prior);

  // Conditional evidence per symptom, backed off product -> family -> global.
  struct PerSymptom {
    std::string symptom;
    Counts product, family, global;
    double product_total = 0, family_total = 0, global_total = 0;  // sums of the counts
  };
  std::vector<PerSymptom> per_symptom;
  std::set<std::string> seen_symptoms;
  for (const auto& s : q.symptoms) {
    if (!seen_symptoms.insert(s).second) continue;
    PerSymptom ps;
    ps.symptom = s;
    auto global = store_->Neighbours(EdgeType::kCausedBy, std::string(kGlobalScope), s,
                                     Direction::kOut, kNeighbours);
    if (!global.ok()) return global.status();
    for (const auto& n : *global) ps.global[n.id] = static_cast<double>(n.count);
    if (ps.global.empty()) {
      out.notes.push_back({notes::kSymptomWithoutCases, {s}});
      continue;
    }
    for (const auto& fp : family_products) {
      auto n = store_->Neighbours(EdgeType::kCausedBy, ProductScope(fp), s, Direction::kOut,
                                  kNeighbours);
      if (!n.ok()) return n.status();
      for (const auto& e : *n) {
        ps.family[e.id] += static_cast<double>(e.count);
        if (fp == q.product) ps.product[e.id] += static_cast<double>(e.count);
      }
    }
    for (const auto& c : q.self_components) {
      for (Counts* m : {&ps.product, &ps.family, &ps.global})
        if (auto it = m->find(c); it != m->end()) it->second = std::max(0.0, it->second - 1);
    }
    ps.product_total = Sum(ps.product);
    ps.family_total = Sum(ps.family);
    ps.global_total = Sum(ps.global);
    out.symptoms_used.push_back(s);
    per_symptom.push_back(std::move(ps));
  }

  // Candidates: anything the symptoms or the near cases point at.
  std::set<std::string> candidates;
  for (const auto& ps : per_symptom)
    for (const auto& [c, _] : ps.global) candidates.insert(c);
  std::map<std::string, double> from_cases;
  std::map<std::string, std::vector<const NearCase*>> near_by_component;
  for (const auto& nc : q.near_cases) {
    if (nc.components.empty()) continue;
    double w = nc.similarity * nc.similarity / static_cast<double>(nc.components.size());
    for (const auto& c : nc.components) {
      from_cases[c] += w;
      near_by_component[c].push_back(&nc);
      candidates.insert(c);
    }
  }
  Normalise(from_cases);

  std::map<std::string, double> from_symptoms;
  if (!per_symptom.empty()) {
    for (const auto& c : candidates) {
      double log_sum = 0;
      for (const auto& ps : per_symptom) {
        auto get = [&](const Counts& m) {
          auto it = m.find(c);
          return it == m.end() ? 0.0 : it->second;
        };
        double base = prior.count(c) ? prior[c] : 0.0;
        double pg = (get(ps.global) + base) / (ps.global_total + 1.0);
        double pf = (get(ps.family) + kBackoff * pg) / (ps.family_total + kBackoff);
        double pp = (get(ps.product) + kBackoff * pf) / (ps.product_total + kBackoff);
        log_sum += std::log(std::max(pp, kFloor));
      }
      from_symptoms[c] = std::exp(log_sum / static_cast<double>(per_symptom.size()));
    }
    Normalise(from_symptoms);
  }

  std::map<std::string, double> blended;
  std::map<std::string, double> named;
  const bool learned = q.blend != nullptr || q.want_features;
  if (learned) {
    // The learned blend: every source of evidence is a feature of each
    // candidate, weighed by the fitted logistic regression; the candidates
    // are what any source points at (the classifier's and the base rate's
    // best few included).
    std::map<std::string, double> classifier;
    for (size_t i = 0; i < q.learned.size(); ++i) {
      classifier[q.learned[i].first] = q.learned[i].second;
      if (i < kLearnedCandidates) candidates.insert(q.learned[i].first);
    }
    std::vector<std::pair<double, std::string>> common;
    for (const auto& [c, p] : prior) common.emplace_back(p, c);
    std::sort(common.rbegin(), common.rend());
    for (size_t i = 0; i < common.size() && i < kLearnedCandidates; ++i)
      candidates.insert(common[i].second);
    if (q.most_frequent != nullptr) {
      for (size_t i = 0; i < q.most_frequent->size() && i < kLearnedCandidates; ++i)
        candidates.insert((*q.most_frequent)[i]);
    }
    std::map<std::string, double> all;
    for (const auto& c : candidates) all[c] = 1.0;
    if (q.fold && !q.folded_text.empty()) {
      auto n = NamedInText(q, all);
      if (!n.ok()) return n.status();
      named = std::move(*n);
    }
    auto share = [](const std::map<std::string, double>& m, const std::string& c) {
      auto it = m.find(c);
      return std::log(std::max(it == m.end() ? 0.0 : it->second, kLearnedFloor));
    };
    double top = -1e300;
    for (const auto& c : candidates) {
      CandidateFeatures f;
      f.component = c;
      f.x[kFeatClassifier] = share(classifier, c);
      f.x[kFeatSimilarCases] = share(from_cases, c);
      f.x[kFeatSymptoms] = from_symptoms.empty() ? 0.0 : share(from_symptoms, c);
      f.x[kFeatBaseRate] = prior.empty() ? 0.0 : share(prior, c);
      if (q.overall_rate != nullptr) {
        auto it = q.overall_rate->find(c);
        f.x[kFeatOverallRate] =
            std::log(std::max(it == q.overall_rate->end() ? 0.0 : it->second, kLearnedFloor));
      }
      f.x[kFeatNamedInText] = named.count(c) ? named[c] : 0.0;
      f.x[kFeatVoted] = from_cases.count(c) ? 1.0 : 0.0;
      if (q.blend != nullptr) {
        double z = q.blend->bias;
        for (size_t k = 0; k < kBlendFeatures; ++k) z += q.blend->w[k] * f.x[k];
        blended[c] = z;
        top = std::max(top, z);
      }
      if (q.want_features) out.features.push_back(std::move(f));
    }
    // The candidates' probabilities: a softmax of the fitted scores.
    for (auto& [c, z] : blended) z = std::exp(z - top);
    Normalise(blended);
  } else if (!from_symptoms.empty() && !from_cases.empty()) {
    // Fault codes are specific; rule symptoms ("noise") alone are generic and
    // count for less against the similar cases.
    bool has_code = false;
    for (const auto& s : out.symptoms_used) has_code |= s.find(':') != std::string::npos;
    const double w = has_code ? kSymptomWeightWithCode : kSymptomWeightRulesOnly;
    for (const auto& c : candidates) blended[c] = w * from_symptoms[c] + (1 - w) * from_cases[c];
  } else if (!from_symptoms.empty()) {
    blended = from_symptoms;
  } else if (!from_cases.empty()) {
    blended = from_cases;
    out.notes.push_back({notes::kNothingMatched, {}});
  }
  if (learned) {
    // The base rate and the text's names are features of the blend.
  } else if (!blended.empty() && !prior.empty()) {
    // A little of the base rate: it breaks ties between weak votes and
    // keeps the product's common failures among the candidates.
    const double w = kPriorWeight;
    for (auto& [c, p] : blended) p *= 1 - w;
    for (const auto& [c, p] : prior) blended[c] += w * p;
  } else if (!prior.empty()) {
    blended = prior;
    out.notes.push_back({notes::kBaseRateOnly, {q.product}});
  }
  // Said once the answer is known: the asset's history may still rank some.
  const bool no_evidence = blended.empty();

  // Components the text names (a feature of the learned blend).
  if (!learned && !blended.empty() && q.fold && !q.folded_text.empty()) {
    auto n = NamedInText(q, blended);
    if (!n.ok()) return n.status();
    named = std::move(*n);
    for (auto& [c, p] : blended) {
      if (auto it = named.find(c); it != named.end()) p *= 1 + kNamedBoost * it->second;
    }
    Normalise(blended);
  }

  // The asset's own history: a component it had a case for recently is
  // more likely (a repair that did not hold); recent alarms are shown.
  std::map<std::string, Note> history_notes;
  std::map<std::string, double> history_factor;
  if (!q.serial.empty()) {
    auto asset = store_->GetEntity(graph::kinds::kAsset, q.serial);
    if (!asset.ok()) {
      if (!asset.status().IsNotFound()) return asset.status();
      out.notes.push_back({notes::kUnknownSerial, {q.serial}});
    } else {
      if (!q.product.empty() && !asset->product.empty() && asset->product != q.product)
        out.notes.push_back(
            {notes::kSerialOfAnotherProduct, {q.serial, asset->product, q.product}});
      auto timeline = store_->AssetTimeline(q.serial, 10000);
      if (!timeline.ok()) return timeline.status();
      // The recent cases and alarms, each kind in one read.
      std::vector<const graph::TimelineItem*> case_items, alarm_items;
      std::vector<std::string> case_ids, alarm_ids;
      for (const auto& item : *timeline) {
        if (item.time_ms > now || now - item.time_ms > kHistoryMs) continue;
        if (item.kind == "case") {
          case_items.push_back(&item);
          case_ids.push_back(item.id);
        } else if (item.kind == "sensor" && now - item.time_ms <= kAlarmMs) {
          alarm_items.push_back(&item);
          alarm_ids.push_back(item.id);
        }
      }
      auto cases = store_->GetCases(case_ids);
      if (!cases.ok()) return cases.status();
      auto alarms = store_->GetEvents("sensor", alarm_ids);
      if (!alarms.ok()) return alarms.status();
      for (size_t i = 0; i < case_items.size(); ++i) {
        const auto& item = *case_items[i];
        if (!(*cases)[i]) continue;
        const storage::CaseDoc& c = *(*cases)[i];
        std::string comps;
        for (const auto& comp : c.components) comps += (comps.empty() ? "" : ", ") + comp;
        out.history.push_back({item.time_ms, "case", item.id,
                               Clip(c.symptom_text, 80) + (comps.empty() ? "" : " → " + comps)});
        int64_t end = c.closed_ms != 0 ? c.closed_ms : c.opened_ms;
        bool within = now - end <= q.repeat_window_ms;
        for (const auto& comp : c.components) {
          double f = within ? 1.5 : 1.2;
          if (f > history_factor[comp]) {
            history_factor[comp] = f;
            history_notes[comp] = {within ? notes::kHistoryRepeat : notes::kHistoryRecent,
                                   {item.id, comp}};
          }
          if (!blended.count(comp)) blended[comp] = 0.0;
        }
      }
      for (size_t i = 0; i < alarm_items.size(); ++i) {
        const auto& item = *alarm_items[i];
        if (!(*alarms)[i]) continue;
        const storage::EventDoc& e = *(*alarms)[i];
        out.history.push_back({item.time_ms, "sensor", item.id,
                               e.code + (e.measurement.empty() ? "" : " " + e.measurement) + " (" +
                                   e.severity + ")"});
      }
      std::stable_sort(out.history.begin(), out.history.end(),
                       [](const auto& x, const auto& y) { return x.time_ms < y.time_ms; });
      if (!history_factor.empty()) {
        // Unseen components get a share so the factor can lift them.
        for (auto& [c, p] : blended)
          if (p == 0.0) p = 0.02;
        for (auto& [c, p] : blended)
          if (history_factor.count(c)) p *= history_factor[c];
        Normalise(blended);
      }
    }
  }

  // Candidates come from the product's bill of materials when it has one:
  // a part outside it that never failed on the product is dropped, unless
  // the evidence for it is overwhelming (then it is marked).
  std::set<std::string> outside_bom;
  if (out.product_known && !blended.empty()) {
    auto bom = Bom(q.product);
    if (!bom.ok()) return bom.status();
    if (!(*bom)->empty()) {
      size_t dropped = 0;
      for (auto& [c, p] : blended) {
        if (p <= 0 || (*bom)->count(c) || (prior.count(c) && prior[c] > 0)) continue;
        if (p >= kOutsideBomOverwhelming) {
          outside_bom.insert(c);
        } else {
          p = 0;
          ++dropped;
        }
      }
      Normalise(blended);
      if (dropped > 0)
        out.notes.push_back({dropped > 1 ? notes::kPartsOutsideBom : notes::kPartOutsideBom,
                             {std::to_string(dropped), q.product}});
      for (const auto& c : outside_bom)
        out.notes.push_back({notes::kRankedOutsideBom, {c, q.product}});
    }
  }

  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [c, p] : blended)
    if (p > 0) ranked.emplace_back(p, c);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  if (ranked.size() > q.top_k) ranked.resize(q.top_k);

  // The fix and cause figures come from the product's cases of the
  // component, or the family's / every product's when it has few. Every
  // product is listed only when that last fallback is taken.
  std::map<std::string, uint64_t> with_cause;  // per component: its cases with a cause

  std::vector<std::string> ranked_ids;
  for (const auto& [p, c] : ranked) ranked_ids.push_back(c);
  auto ranked_entities = store_->GetEntities(graph::kinds::kComponent, ranked_ids);
  if (!ranked_entities.ok()) return ranked_entities.status();
  for (size_t rank = 0; rank < ranked.size(); ++rank) {
    const auto& [p, c] = ranked[rank];
    ComponentAnswer a;
    a.component = c;
    a.probability = p;
    a.from_symptoms = from_symptoms.count(c) ? from_symptoms[c] : 0.0;
    a.from_cases = from_cases.count(c) ? from_cases[c] : 0.0;
    a.history_factor = history_factor.count(c) ? history_factor[c] : 1.0;
    a.history_note = history_notes.count(c) ? history_notes[c] : Note{};
    a.named_in_text = named.count(c) ? named[c] : 0.0;
    a.outside_bom = outside_bom.count(c) > 0;
    if ((*ranked_entities)[rank]) a.name = (*ranked_entities)[rank]->name;
    for (const auto& ps : per_symptom) {
      SymptomEvidence e;
      e.symptom = ps.symptom;
      const Counts* scope = &ps.global;
      double total = ps.global_total;
      e.scope = "all products";
      if (ps.product_total > 0) {
        scope = &ps.product;
        total = ps.product_total;
        e.scope = "product";
      } else if (ps.family_total > 0) {
        scope = &ps.family;
        total = ps.family_total;
        e.scope = "family";
      }
      auto it = scope->find(c);
      e.count = it == scope->end() ? 0 : static_cast<uint64_t>(it->second);
      e.total = static_cast<uint64_t>(total);
      a.evidence.push_back(std::move(e));
    }

    a.fix_scope = {notes::kScopeProduct, {q.product}};
    auto the_product = [&]() -> Result<std::vector<std::string>> {
      return std::vector<std::string>{q.product};
    };
    std::shared_ptr<const Summary> stats = std::make_shared<Summary>();
    if (out.product_known) {
      auto s = CachedFixStats(a.fix_scope.English(), the_product, c, q.repeat_window_ms);
      if (!s.ok()) return s.status();
      stats = std::move(*s);
    }
    if (stats->cases < kMinScopeCases) {
      // (No family: family_products is the product alone, known by its cases.)
      a.fix_scope = family_products.empty() ? Note{notes::kScopeAllProducts, {}}
                    : out.family.empty()    ? Note{notes::kScopeProduct, {q.product}}
                                            : Note{notes::kScopeFamily, {out.family}};
      // (c is a structured binding: clang 14 does not capture it by [&])
      auto scope_products = [&, comp = c]() -> Result<std::vector<std::string>> {
        if (!family_products.empty()) return family_products;
        // Only the products that had the component diagnosed have any of
        // its fixes: not every product of the master data.
        auto pairs = store_->DiagnosedPairs("", comp);
        if (!pairs.ok()) return pairs.status();
        std::vector<std::string> with_cases;
        for (const auto& [product, component] : *pairs) with_cases.push_back(product);
        return with_cases;
      };
      auto s = CachedFixStats(a.fix_scope.English(), scope_products, c, q.repeat_window_ms);
      if (!s.ok()) return s.status();
      stats = std::move(*s);
    }
    a.cases = stats->cases;

    a.supporting = Supporting(q, near_by_component[c], *stats);
    a.causes = stats->causes;
    with_cause[c] = stats->cases_with_cause;
    a.fixes = stats->fixes;
    RankFixes(q, &a, &out);

    uint64_t support = a.cases + near_by_component[c].size();
    if (q.blend != nullptr) {  // calibrated on held-back cases
      // (a structured binding is not captured: clang 14 refuses it)
      auto at_least = [prob = p](double t) { return t > 0 && prob >= t; };
      a.confidence = at_least(q.confident_high)     ? "high"
                     : at_least(q.confident_medium) ? "medium"
                                                    : "low";
    } else {
      a.confidence =
          p >= 0.6 && support >= 20 ? "high" : p >= 0.3 && support >= 5 ? "medium" : "low";
    }
    out.components.push_back(std::move(a));
  }
  if (out.components.empty()) {
    out.notes.push_back({notes::kNoEvidence, {}});
  } else if (no_evidence) {
    out.notes.push_back({notes::kAssetHistoryOnly, {}});
  }
  NoteUncountedCauses(out.components, with_cause, &out);
  RankCauses(q, &out);
  return out;
}

Result<std::shared_ptr<const std::set<std::string>>> RootCauseRanker::Bom(
    const std::string& product) const {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = boms_.find(product);
    if (it != boms_.end() && now - it->second.read < std::chrono::milliseconds(kStaleMs))
      return it->second.parts;
  }
  auto parts = std::make_shared<std::set<std::string>>();
  auto top = store_->Neighbours(EdgeType::kHasPart, "", product, Direction::kOut, kMaxBomParts);
  if (!top.ok()) return top.status();
  for (const auto& n : *top) parts->insert(n.id);
  for (const auto& n : *top) {  // assemblies: their parts too
    if (parts->size() >= kMaxBomParts) break;
    auto sub = store_->Neighbours(EdgeType::kHasPart, "", n.id, Direction::kOut, kMaxBomParts);
    if (!sub.ok()) return sub.status();
    for (const auto& m : *sub) parts->insert(m.id);
  }
  std::shared_ptr<const std::set<std::string>> shared = std::move(parts);
  std::lock_guard<std::mutex> lock(mu_);
  boms_[product] = {now, shared};
  return shared;
}

std::vector<SupportingCase> RootCauseRanker::Supporting(const RootCauseQuery& q,
                                                        const std::vector<const NearCase*>& near,
                                                        const Summary& stats) const {
  auto order = [](const SupportingCase& x, const SupportingCase& y) {
    if (x.similarity != y.similarity) return x.similarity > y.similarity;
    return x.opened_ms != y.opened_ms ? x.opened_ms > y.opened_ms : x.case_id < y.case_id;
  };
  // The near cases first, then the scope's newest; each read once, together.
  std::vector<const NearCase*> near_shown;
  std::vector<std::pair<int64_t, std::string>> latest_shown;
  std::set<std::string> shown;
  for (const NearCase* nc : near)
    if (shown.insert(nc->case_id).second) near_shown.push_back(nc);
  const size_t near_kept = std::min(near_shown.size(), q.max_supporting);
  for (const auto& [opened, id] : stats.latest) {  // newest first
    if (near_kept + latest_shown.size() >= q.max_supporting) break;
    if (shown.insert(id).second) latest_shown.emplace_back(opened, id);
  }
  std::vector<std::string> ids;
  for (const NearCase* nc : near_shown) ids.push_back(nc->case_id);
  for (const auto& [opened, id] : latest_shown) ids.push_back(id);
  auto docs = store_->GetCases(ids);
  auto doc = [&](size_t i) -> const storage::CaseDoc* {
    return docs.ok() && (*docs)[i] ? &*(*docs)[i] : nullptr;
  };
  std::vector<SupportingCase> out;
  for (size_t i = 0; i < near_shown.size(); ++i) {
    const NearCase* nc = near_shown[i];
    out.push_back({nc->case_id, nc->snippet, nc->similarity, doc(i) ? doc(i)->opened_ms : 0});
  }
  std::sort(out.begin(), out.end(), order);
  if (out.size() > q.max_supporting) out.resize(q.max_supporting);
  for (size_t j = 0; j < latest_shown.size(); ++j) {
    const storage::CaseDoc* d = doc(near_shown.size() + j);
    out.push_back(
        {latest_shown[j].second, d ? Clip(d->symptom_text, 80) : "", 0, latest_shown[j].first});
  }
  std::stable_sort(out.begin(), out.end(), order);
  return out;
}

void RootCauseRanker::NoteUncountedCauses(const std::vector<ComponentAnswer>& components,
                                          const std::map<std::string, uint64_t>& with_cause,
                                          RootCauseAnswer* out) {
  // One note per component, so that each reads whole in any language.
  for (const auto& a : components) {
    auto it = with_cause.find(a.component);
    const uint64_t recorded = it == with_cause.end() ? 0 : it->second;
    if (a.cases > recorded) {
      out->notes.push_back(
          {notes::kCausesUnrecorded,
           {std::to_string(a.cases - recorded), a.component, std::to_string(a.cases)}});
    }
  }
  for (const auto& a : components) {
    auto it = with_cause.find(a.component);
    const uint64_t recorded = it == with_cause.end() ? 0 : it->second;
    uint64_t listed = 0;
    for (const auto& k : a.causes) listed += k.count;
    if (recorded > listed) {
      out->notes.push_back(
          {notes::kCausesUnlisted,
           {std::to_string(kListedCauses), a.component, std::to_string(recorded - listed)}});
    }
  }
}

void RootCauseRanker::RankFixes(const RootCauseQuery& q, ComponentAnswer* a,
                                RootCauseAnswer* out) {
  if (a->fixes.empty() || (q.learned_fixes.empty() && !q.want_features)) return;
  double evidence_sum = 0, fit_sum = 0;
  std::vector<double> evidence, fit;
  for (const auto& f : a->fixes) {
    evidence.push_back(f.score);
    evidence_sum += f.score;
    double p = 0;
    for (const auto& [fix, pf] : q.learned_fixes)
      if (fix == f.fix) p = pf;
    fit.push_back(p);
    fit_sum += p;
  }
  for (size_t i = 0; i < a->fixes.size(); ++i) {
    evidence[i] = evidence_sum > 0 ? evidence[i] / evidence_sum : 1.0 / evidence.size();
    fit[i] = fit_sum > 0 ? fit[i] / fit_sum : 0.0;
    a->fixes[i].text_fit = fit[i];
  }
  if (q.want_features && out->fix_features.empty() &&
      std::find(q.self_components.begin(), q.self_components.end(), a->component) !=
          q.self_components.end()) {
    for (size_t i = 0; i < a->fixes.size(); ++i)
      out->fix_features.push_back({a->fixes[i].fix, evidence[i], fit[i]});
  }
  const double mix = fit_sum > 0 ? q.fix_mix : 0.0;
  if (mix <= 0) return;
  std::vector<std::pair<double, size_t>> order;
  for (size_t i = 0; i < a->fixes.size(); ++i)
    order.emplace_back((1 - mix) * evidence[i] + mix * fit[i], i);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<FixOption> sorted;
  for (const auto& [score, i] : order) sorted.push_back(std::move(a->fixes[i]));
  a->fixes = std::move(sorted);
}

// Causes over the answer: the similar past cases' causes (similarity²)
// blended with each component's cause shares — backed off towards the
// shares of all its components together, weighted by the component's
// probability. With a cause model, its probabilities are mixed in with
// the share fitted on held-back cases (trainer.h).
void RootCauseRanker::RankCauses(const RootCauseQuery& q, RootCauseAnswer* out) {
  std::map<std::string, double> vote;
  std::map<std::string, uint64_t> similar;
  for (const auto& nc : q.near_cases) {
    if (nc.cause.empty()) continue;
    vote[nc.cause] += nc.similarity * nc.similarity;
    ++similar[nc.cause];
  }
  Normalise(vote);
  // A training case's own cause is not evidence for itself.
  auto own_count = [&](const ComponentAnswer& a, const CauseCount& k) {
    double n = static_cast<double>(k.count);
    if (!q.self_cause.empty() && k.cause == q.self_cause &&
        std::find(q.self_components.begin(), q.self_components.end(), a.component) !=
            q.self_components.end())
      n = std::max(0.0, n - 1);
    return n;
  };
  std::map<std::string, double> pool;
  double pool_n = 0;
  for (const auto& a : out->components) {
    for (const auto& k : a.causes) {
      const double n = own_count(a, k);
      pool[k.cause] += n;
      pool_n += n;
    }
  }
  std::map<std::string, double> score;  // stays empty when no component has a cause
  if (pool_n > 0) {
    for (const auto& a : out->components) {
      double n = 0;
      std::map<std::string, double> own;
      for (const auto& k : a.causes) {
        own[k.cause] = own_count(a, k);
        n += own[k.cause];
      }
      for (const auto& [k, pk] : pool)
        score[k] += a.probability * (own[k] + kCauseBackoff * pk / pool_n) / (n + kCauseBackoff);
    }
  }
  Normalise(score);
  if (!vote.empty()) {
    const double w = score.empty() ? 1.0 : kCauseVoteWeight;
    for (auto& [k, p] : score) p *= 1 - w;
    for (const auto& [k, v] : vote) score[k] += w * v;
  }
  if (q.want_features) {
    std::map<std::string, CauseFeatures> features;
    for (const auto& [k, p] : score) features[k].evidence = p;
    for (const auto& [k, p] : q.learned_causes) features[k].classifier = p;
    for (auto& [k, f] : features) {
      f.cause = k;
      out->cause_features.push_back(std::move(f));
    }
  }
  if (const double mix = EffectiveCauseMix(q.cause_mix, !score.empty());
      !q.learned_causes.empty() && mix > 0) {
    for (auto& [k, p] : score) p *= 1 - mix;
    for (const auto& [k, p] : q.learned_causes) score[k] += mix * p;
  }
  if (score.empty()) return;
  for (const auto& [k, p] : score)
    out->causes.push_back({k, p, static_cast<uint64_t>(pool[k]), similar[k]});
  std::sort(out->causes.begin(), out->causes.end(), [](const CauseAnswer& x, const CauseAnswer& y) {
    return x.probability != y.probability ? x.probability > y.probability : x.cause < y.cause;
  });
  if (out->causes.size() > 5) out->causes.resize(5);
}

}  // namespace faultgraph::diagnosis
