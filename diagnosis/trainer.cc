#include "diagnosis/trainer.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <iterator>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "common/clock.h"
#include "common/hash.h"
#include "diagnosis/blend.h"
#include "graph/graph_store.h"
#include "ingest/text_rules.h"

namespace faultgraph::diagnosis {
namespace {

constexpr uint64_t kFolds = 5;

struct HeldBack {
  std::string case_id;
  std::string folded;
  std::string product;
  std::string text;  // as the customer said it (Diagnose folds it)
  std::set<std::string> truth;
  std::string cause;
  std::vector<std::string> fixes;  // those that held
};

// The classifier's settings for `cases` examples: the baseline's 50 epochs
// up to 20,000 cases, then fewer (a million examples seen in all, at least
// 5 passes), and both cores past that size (fastText's threads make the
// model depend on timing, so small graphs keep one and stay reproducible).
ClassifierOptions ScaledFor(size_t cases, const TrainOptions& o) {
  ClassifierOptions c = o.classifier;
  c.cancel = o.cancel;
  if (cases > o.reproducible_max) {
    c.epoch = std::max(5, std::min(c.epoch, static_cast<int>(1'000'000 / cases)));
    c.threads = std::max(c.threads, 2);
  }
  return c;
}

// At most `max` of `examples`, evenly spread (all of them when few).
std::vector<Example> EveryNth(std::vector<Example> examples, size_t max) {
  if (examples.size() <= max) return examples;
  std::vector<Example> sample;
  const size_t step = examples.size() / max + 1;
  for (size_t i = 0; i < examples.size(); i += step) sample.push_back(std::move(examples[i]));
  return sample;
}

// Each label's cases among `examples`, in `labels`' order.
std::vector<uint64_t> LabelCases(const std::vector<Example>& examples,
                                 const std::vector<std::string>& labels) {
  std::map<std::string, uint64_t> n;
  for (const auto& e : examples)
    for (const auto& l : e.labels) ++n[l];
  std::vector<uint64_t> out;
  for (const auto& l : labels) out.push_back(n[l]);
  return out;
}

// The overall rates of `examples` (Models::overall_rate, most_frequent).
void SetOverallRates(const std::vector<Example>& examples, Models* m) {
  std::map<std::string, uint64_t> n;
  double total = 0;
  for (const auto& e : examples) {
    for (const auto& l : e.labels) {
      ++n[l];
      ++total;
    }
  }
  std::vector<std::pair<uint64_t, std::string>> by_count;
  for (const auto& [l, c] : n) {
    m->overall_rate[l] = c / total;
    by_count.emplace_back(c, l);
  }
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (auto& [c, l] : by_count) m->most_frequent.push_back(std::move(l));
}

}  // namespace

Result<std::vector<LabelledCase>> LabelledCases(const graph::GraphStore& store) {
  struct Found {
    std::set<std::string> held, all;  // components
    std::set<std::string> fixes_held, fixes_failed;
  };
  std::map<std::string, Found> by_case;
  auto outcomes = store.ForEachEvent("outcome", [&](const graph::storage::EventDoc& e) {
    if (e.retracted) return true;
    Found& f = by_case[e.case_ref];
    if (!e.fix.empty()) (e.worked ? f.fixes_held : f.fixes_failed).insert(e.fix);
    if (e.component.empty()) return true;
    f.all.insert(e.component);
    if (e.worked) f.held.insert(e.component);
    return true;
  });
  if (!outcomes.ok()) return outcomes;
  // Per asset, its cases in time order: a case's fixes failed when the
  // asset came back with one of its components within the window.
  struct Visit {
    int64_t opened_ms = 0, end_ms = 0;
    size_t index = 0;  // in `out`
  };
  std::map<std::string, std::vector<Visit>> by_asset;
  std::vector<LabelledCase> out;
  auto scan = store.ForEachCase([&](const graph::storage::CaseDoc& c) {
    if (c.symptom_text.find_first_not_of(" \t\r\n") == std::string::npos) return true;
    LabelledCase l{c.case_id, c.product, c.symptom_text, c.components, c.failure_cause, false, {}};
    std::set<std::string> fixes(c.fixes.begin(), c.fixes.end());
    if (auto it = by_case.find(c.case_id); it != by_case.end()) {
      if (!it->second.all.empty()) {
        const auto& found = it->second.held.empty() ? it->second.all : it->second.held;
        l.components.assign(found.begin(), found.end());
        l.by_outcome = true;
      }
      for (const auto& f : it->second.fixes_failed) fixes.erase(f);
      fixes.insert(it->second.fixes_held.begin(), it->second.fixes_held.end());
    }
    if (l.components.empty()) return true;
    l.fixes.assign(fixes.begin(), fixes.end());
    if (!c.asset_serial.empty())
      by_asset[c.asset_serial].push_back(
          {c.opened_ms, c.closed_ms != 0 ? c.closed_ms : c.opened_ms, out.size()});
    out.push_back(std::move(l));
    return true;
  });
  if (!scan.ok()) return scan;
  for (auto& [asset, visits] : by_asset) {
    std::sort(visits.begin(), visits.end(),
              [](const Visit& a, const Visit& b) { return a.opened_ms < b.opened_ms; });
    for (size_t i = 0; i < visits.size(); ++i) {
      LabelledCase& c = out[visits[i].index];
      for (size_t j = i + 1; j < visits.size(); ++j) {
        if (visits[j].opened_ms - visits[i].end_ms > graph::kRepeatWindowMs) break;
        const auto& later = out[visits[j].index].components;
        const bool same = std::any_of(later.begin(), later.end(), [&](const std::string& x) {
          return std::find(c.components.begin(), c.components.end(), x) != c.components.end();
        });
        if (same) {
          c.fixes.clear();  // the asset came back with it: no fix of this visit held
          break;
        }
      }
    }
  }
  return out;
}

namespace {

// A model mixed into a ranking with a fitted share (the cause model in the
// cause ranking, the fix model in each component's fix order): the share
// fitted on the held-back cases, then trained on every labelled case and
// saved; without enough such cases (`train` false) the older model of
// that kind goes. `what` names the label in messages ("failure cause").
Status TrainMixedModel(const std::string& kind, const std::string& what,
                       const std::vector<Example>& all_labelled, bool train,
                       const std::vector<CauseExample>& held, uint64_t graph_seq,
                       const std::string& models_dir, const std::string& scratch,
                       const TrainOptions& options,
                       const std::function<void(const std::string&)>& say) {
  if (!train) {
    say("no " + kind + " model: fewer than " + std::to_string(options.min_cases) +
        " diagnosed cases with a " + what + " of two or more kinds");
    return RemoveModel(models_dir, kind);
  }
  const auto start = std::chrono::steady_clock::now();
  ModelInfo info;
  info.kind = kind;
  info.created_ms = SystemClock()->NowMillis();
  info.cases = all_labelled.size();
  info.graph_seq = graph_seq;
  info.mix = held.empty() ? 0.5 : FitCauseMix(held);
  HeldBackAccuracy& acc = info.held_back;
  acc.cases = held.size();
  const BlendAccuracy alone = ScoreCauseMix(held, 1.0), mixed = ScoreCauseMix(held, info.mix);
  if (acc.cases > 0) {
    const double n = static_cast<double>(acc.cases);
    acc.classifier_top1 = alone.top1 / n;
    acc.classifier_top3 = alone.top3 / n;
    acc.blend_top1 = mixed.top1 / n;
    acc.blend_top3 = mixed.top3 / n;
  }
  say(kind + " model: classifier share " + std::to_string(info.mix) + "; held back " +
      std::to_string(acc.cases) + ": classifier top-1 " + std::to_string(acc.classifier_top1) +
      ", mixed top-1 " + std::to_string(acc.blend_top1) + ", evidence alone top-1 " +
      std::to_string(held.empty() ? 0.0 : ScoreCauseMix(held, 0.0).top1 / double(held.size())));
  auto model =
      TextClassifier::Train(all_labelled, ScaledFor(all_labelled.size(), options), scratch);
  if (!model.ok()) return model.status();
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  info.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  info.label_cases = LabelCases(all_labelled, (*model)->labels());
  return SaveModel(models_dir, **model, info);
}

}  // namespace

Result<std::shared_ptr<const Models>> TrainModels(
    const graph::GraphStore& store, const Diagnoser& diagnoser, const ingest::TextRules& rules,
    const std::string& models_dir, const TrainOptions& options,
    const std::function<void(const std::string&)>& log) {
  // One training at a time in a process (the daemon's retrainer and an
  // operator's trainModels): each would otherwise take both cores.
  static std::mutex one_at_a_time;
  std::lock_guard<std::mutex> lock(one_at_a_time);
  auto say = [&](const std::string& m) {
    if (log) log(m);
  };
  const auto start = std::chrono::steady_clock::now();
  const uint64_t graph_seq = store.LastOutboxSeq();

  // The diagnosed cases with text: all of them train the saved model. For
  // the blend they are cut into five folds by their text (no text on both
  // sides, as a new question is not a copy of a past one); a classifier
  // learns from four and diagnoses the fifth, fold after fold until
  // held_back_max cases are held back (all five folds on a small graph,
  // one on a large one).
  auto labelled = LabelledCases(store);
  if (!labelled.ok()) return labelled.status();
  std::vector<Example> all;
  std::vector<HeldBack> cases;  // parallel to all
  for (auto& c : *labelled) {
    Example e{c.product, rules.Fold(c.text), c.components};
    cases.push_back({c.case_id, e.folded_text, c.product, std::move(c.text),
                     std::set<std::string>(c.components.begin(), c.components.end()), c.cause,
                     std::move(c.fixes)});
    all.push_back(std::move(e));
  }
  // The cause model learns from the cases with a recorded cause, the fix
  // model from those with a fix that held.
  auto cause_examples = [&](auto keep) {
    std::vector<Example> out;
    for (size_t i = 0; i < all.size(); ++i) {
      if (cases[i].cause.empty() || !keep(i)) continue;
      out.push_back({all[i].product, all[i].folded_text, {cases[i].cause}});
    }
    return out;
  };
  auto fix_examples = [&](auto keep) {
    std::vector<Example> out;
    for (size_t i = 0; i < all.size(); ++i) {
      if (cases[i].fixes.empty() || !keep(i)) continue;
      out.push_back({all[i].product, all[i].folded_text, cases[i].fixes});
    }
    return out;
  };
  auto enough = [&](const std::vector<Example>& examples) {
    std::set<std::string> kinds;
    for (const auto& e : examples) kinds.insert(e.labels.begin(), e.labels.end());
    return examples.size() >= options.min_cases && kinds.size() >= 2;
  };
  const std::vector<Example> all_causes = cause_examples([](size_t) { return true; });
  const std::vector<Example> all_fixes = fix_examples([](size_t) { return true; });
  const bool train_cause = enough(all_causes), train_fix = enough(all_fixes);
  if (all.size() < options.min_cases)
    return Status::InvalidArgument("only " + std::to_string(all.size()) +
                                   " diagnosed cases with text; at least " +
                                   std::to_string(options.min_cases) + " are needed to train");
  std::vector<uint64_t> fold(all.size());
  for (size_t i = 0; i < all.size(); ++i) fold[i] = Fnv1a64(all[i].folded_text) % kFolds;
  const std::string scratch = options.scratch.empty() ? models_dir + "/scratch" : options.scratch;

  std::vector<BlendExample> examples;
  std::vector<int> classifier_rank;
  std::vector<CauseExample> cause_held;  // held-back cases with a cause
  std::vector<CauseExample> fix_held;    // held-back cases with one fix that held
  auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };
  for (uint64_t f = 0; f < kFolds && examples.size() < options.held_back_max; ++f) {
    if (cancelled()) return Status::Aborted("training stopped");
    std::vector<Example> rest;
    std::vector<size_t> held;
    std::map<std::string, std::vector<std::string>> same_text;  // folded text -> held-back cases
    for (size_t i = 0; i < all.size(); ++i) {
      if (fold[i] != f) {
        rest.push_back(all[i]);
      } else if (examples.size() + held.size() < options.held_back_max) {
        held.push_back(i);
        same_text[cases[i].folded].push_back(cases[i].case_id);
      }
    }
    if (held.empty() || rest.empty()) continue;
    say("fold " + std::to_string(f + 1) + ": a classifier of " + std::to_string(rest.size()) +
        " cases diagnoses " + std::to_string(held.size()) + " held-back cases");
    // A large graph's probe learns from a sample: it only has to read the
    // held-back cases as the saved model will.
    rest = EveryNth(std::move(rest), options.probe_max);
    auto probe_model = TextClassifier::Train(rest, ScaledFor(rest.size(), options), scratch);
    if (!probe_model.ok()) return probe_model.status();
    auto probe = std::make_shared<Models>();
    probe->component = std::move(*probe_model);
    // Until the blend is fitted, the probe ranks components by its
    // classifier alone: the held-back answers then carry the components'
    // cause shares as a fitted answer does (the cause mix is fitted on them).
    probe->component_info.has_blend = true;
    probe->component_info.blend.w[kFeatClassifier] = 1.0;
    // The cause and fix probes (mix 0: the answer ranks by evidence, the
    // features have both readings). InvalidArgument: one kind of label in
    // this fold, no probe.
    auto train_probe = [&](bool train, auto examples, std::unique_ptr<TextClassifier>* out) {
      if (!train) return Status::Ok();
      std::vector<Example> rest_labelled =
          EveryNth(examples([&](size_t i) { return fold[i] != f; }), options.probe_max);
      auto m = TextClassifier::Train(rest_labelled, ScaledFor(rest_labelled.size(), options),
                                     scratch);
      if (m.ok()) *out = std::move(*m);
      return m.ok() || m.status().code() == Status::Code::kInvalidArgument ? Status::Ok()
                                                                           : m.status();
    };
    if (auto s = train_probe(train_cause, cause_examples, &probe->cause); !s.ok()) return s;
    if (auto s = train_probe(train_fix, fix_examples, &probe->fix); !s.ok()) return s;
    SetOverallRates(rest, probe.get());
    std::shared_ptr<const Models> probe_const = probe;
    std::vector<BlendExample> fold_examples(held.size());
    std::vector<int> fold_rank(held.size(), -1);
    std::vector<CauseExample> fold_causes(held.size());
    std::vector<CauseExample> fold_fixes(held.size());
    std::vector<Status> errors(held.size());
    tbb::parallel_for(size_t{0}, held.size(), [&](size_t k) {
      if (cancelled()) return;
      const HeldBack& h = cases[held[k]];
      DiagnoseRequest r;
      r.product = h.product;
      r.text = h.text;
      r.exclude_cases = same_text.at(h.folded);
      r.want_features = true;
      r.self_components.assign(h.truth.begin(), h.truth.end());
      r.self_cause = h.cause;
      auto a = diagnoser.Diagnose(r, probe_const);
      if (!a.ok()) {
        errors[k] = a.status();
        return;
      }
      fold_examples[k].candidates = std::move(a->features);
      fold_examples[k].truth = h.truth;
      if (!h.cause.empty()) fold_causes[k] = {std::move(a->cause_features), h.cause};
      // The fix that held, among the fixes of its component when that was ranked.
      if (h.fixes.size() == 1 && !a->fix_features.empty())
        fold_fixes[k] = {std::move(a->fix_features), h.fixes[0]};
      auto p = probe->component->Predict(h.product, h.folded, 3);
      for (size_t j = 0; j < p.size(); ++j) {
        if (h.truth.count(p[j].label)) {
          fold_rank[k] = static_cast<int>(j);
          break;
        }
      }
    });
    for (const auto& e : errors)
      if (!e.ok()) return e;
    std::move(fold_examples.begin(), fold_examples.end(), std::back_inserter(examples));
    classifier_rank.insert(classifier_rank.end(), fold_rank.begin(), fold_rank.end());
    if (probe->cause != nullptr) {
      for (auto& c : fold_causes)
        if (!c.truth.empty()) cause_held.push_back(std::move(c));
    }
    if (probe->fix != nullptr) {
      for (auto& c : fold_fixes)
        if (!c.truth.empty()) fix_held.push_back(std::move(c));
    }
  }


  ModelInfo info;
  info.kind = "component";
  info.created_ms = SystemClock()->NowMillis();
  info.cases = all.size();
  info.graph_seq = graph_seq;
  auto fit = FitBlend(examples);
  if (fit.ok()) {
    info.has_blend = true;
    info.blend = examples.size() >= options.refine_min_cases ? RefineBlend(examples, fit->weights)
                                                             : fit->weights;
    info.calibration = Calibrate(examples, &info.blend);
  } else {
    say("blend not fitted (" + fit.status().ToString() + "): the classifier is used alone");
    info.blend.w[kFeatClassifier] = 1.0;  // a softmax of ln p: the classifier itself
    info.has_blend = true;
  }
  HeldBackAccuracy& acc = info.held_back;
  acc.cases = examples.size();
  for (int r : classifier_rank) {
    acc.classifier_top1 += r == 0;
    acc.classifier_top3 += r >= 0;
  }
  const BlendAccuracy blended = ScoreBlend(examples, info.blend);
  acc.blend_top1 = static_cast<double>(blended.top1);
  acc.blend_top3 = static_cast<double>(blended.top3);
  if (acc.cases > 0) {
    for (double* v : {&acc.classifier_top1, &acc.classifier_top3, &acc.blend_top1, &acc.blend_top3})
      *v /= static_cast<double>(acc.cases);
  }
  std::string weights;
  for (size_t k = 0; k < kBlendFeatures; ++k)
    weights += std::string(k ? ", " : "") + BlendFeatureName(k) + " " + std::to_string(info.blend.w[k]);
  say("blend weights: " + weights + "; held back: classifier top-1 " +
      std::to_string(acc.classifier_top1) + ", blend top-1 " + std::to_string(acc.blend_top1));

  if (cancelled()) return Status::Aborted("training stopped");
  auto final_model = TextClassifier::Train(all, ScaledFor(all.size(), options), scratch);
  if (!final_model.ok()) return final_model.status();
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  info.train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  info.label_cases = LabelCases(all, (*final_model)->labels());
  if (auto s = SaveModel(models_dir, **final_model, info); !s.ok()) return s;
  if (auto s = TrainMixedModel("cause", "failure cause", all_causes, train_cause, cause_held,
                               graph_seq, models_dir, scratch, options, say);
      !s.ok())
    return s;
  if (auto s = TrainMixedModel("fix", "fix that held", all_fixes, train_fix, fix_held, graph_seq,
                               models_dir, scratch, options, say);
      !s.ok())
    return s;
  return LoadModels(models_dir);
}

}  // namespace faultgraph::diagnosis
