#include "diagnosis/blend.h"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace faultgraph::diagnosis {
namespace {

void Quiet(const char*) {}

}  // namespace

double BlendScore(const BlendWeights& w, const BlendVector& x) {
  double z = w.bias;
  for (size_t k = 0; k < kBlendFeatures; ++k) z += w.w[k] * x[k];
  return z;
}

// Adds one answer to `a`: whether a label `is_truth` accepts is first, or
// among the first three, of `ranked` (score, label; best first, ties by
// label). A label whose score `listed` refuses is not in the answer.
template <typename IsTruth, typename Listed>
void CountTop3(std::vector<std::pair<double, const std::string*>>& ranked, IsTruth is_truth,
               Listed listed, BlendAccuracy* a) {
  ++a->cases;
  const size_t n = std::min<size_t>(3, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + n, ranked.end(),
                    [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : *x.second < *y.second;
                    });
  for (size_t k = 0; k < n && listed(ranked[k].first); ++k) {
    if (!is_truth(*ranked[k].second)) continue;
    a->top1 += k == 0;
    ++a->top3;
    return;
  }
}

BlendAccuracy ScoreBlend(const std::vector<BlendExample>& examples, const BlendWeights& w) {
  BlendAccuracy a;
  std::vector<std::pair<double, const std::string*>> ranked;
  for (const auto& e : examples) {
    ranked.clear();
    for (const auto& c : e.candidates) ranked.emplace_back(BlendScore(w, c.x), &c.component);
    CountTop3(
        ranked, [&](const std::string& l) { return e.truth.count(l) > 0; },
        [](double) { return true; }, &a);
  }
  return a;
}

BlendAccuracy ScoreCauseMix(const std::vector<CauseExample>& examples, double mix) {
  BlendAccuracy a;
  std::vector<std::pair<double, const std::string*>> ranked;
  for (const auto& e : examples) {
    ranked.clear();
    bool evidence = false;
    for (const auto& c : e.causes) evidence |= c.evidence > 0;
    const double m = EffectiveCauseMix(mix, evidence);
    for (const auto& c : e.causes)
      ranked.emplace_back((1 - m) * c.evidence + m * c.classifier, &c.cause);
    CountTop3(
        ranked, [&](const std::string& l) { return l == e.truth; },
        [](double score) { return score > 0; }, &a);
  }
  return a;
}

double FitCauseMix(const std::vector<CauseExample>& examples) {
  double best = 0;
  size_t best_value = 0;
  for (int step = 0; step <= 20; ++step) {
    const double mix = step / 20.0;
    const auto a = ScoreCauseMix(examples, mix);
    if (step == 0 || a.top1 + a.top3 > best_value) {
      best = mix;
      best_value = a.top1 + a.top3;
    }
  }
  return best;
}

BlendWeights RefineBlend(const std::vector<BlendExample>& examples, BlendWeights w, int rounds) {
  auto value = [&](const BlendWeights& x) {
    auto a = ScoreBlend(examples, x);
    return a.top1 + a.top3;
  };
  size_t best = value(w);
  double scale = 0;
  for (double v : w.w) scale = std::max(scale, std::abs(v));
  if (scale == 0) scale = 1;
  for (int r = 0; r < rounds; ++r) {
    bool improved = false;
    for (size_t k = 0; k < kBlendFeatures; ++k) {
      const double now = w.w[k];
      for (double next : {0.0, now * 0.5, now * 0.8, now * 1.25, now * 2, now - scale, now - 0.3 * scale,
                          now + 0.3 * scale, now + scale}) {
        BlendWeights t = w;
        t.w[k] = next;
        size_t v = value(t);
        if (v > best) {
          best = v;
          w = t;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return w;
}

namespace {

// For each example: the softmax probabilities of its candidates under `w`
// scaled by 1/t, the first answer's probability, and whether it was right.
struct FirstAnswer {
  double p = 0;
  bool right = false;
};

double NegLogLikelihood(const std::vector<BlendExample>& examples, const BlendWeights& w,
                        double t) {
  double nll = 0;
  for (const auto& e : examples) {
    if (e.candidates.empty()) continue;
    double top = -1e300, truth = -1e300;
    std::vector<double> z;
    for (const auto& c : e.candidates) {
      z.push_back(BlendScore(w, c.x) / t);
      top = std::max(top, z.back());
    }
    double sum = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      sum += std::exp(z[i] - top);
      if (e.truth.count(e.candidates[i].component)) truth = std::max(truth, z[i]);
    }
    if (truth == -1e300) continue;  // not among the candidates: no temperature helps
    nll -= truth - top - std::log(sum);
  }
  return nll;
}

std::vector<FirstAnswer> FirstAnswers(const std::vector<BlendExample>& examples,
                                      const BlendWeights& w) {
  std::vector<FirstAnswer> out;
  for (const auto& e : examples) {
    if (e.candidates.empty()) continue;
    double top = -1e300, sum = 0;
    const std::string* first = nullptr;
    for (const auto& c : e.candidates) {
      double z = BlendScore(w, c.x);
      if (z > top || (z == top && first != nullptr && c.component < *first)) {
        top = z;
        first = &c.component;
      }
    }
    for (const auto& c : e.candidates) sum += std::exp(BlendScore(w, c.x) - top);
    out.push_back({1.0 / sum, e.truth.count(*first) > 0});
  }
  return out;
}

// The lower edge of the lowest decile from which up every decile with at
// least kMinBin answers was right at least `accuracy` of the time (deciles
// with fewer are passed over); 0: not even the top one.
constexpr size_t kMinBin = 10;
double Threshold(const std::vector<ReliabilityBin>& deciles, double accuracy) {
  double best = 0;
  for (auto d = deciles.rbegin(); d != deciles.rend(); ++d) {
    if (d->answers < kMinBin) continue;
    if (d->observed < accuracy) break;
    best = d->from;
  }
  return best;
}

}  // namespace

Calibration Calibrate(const std::vector<BlendExample>& examples, BlendWeights* w) {
  Calibration c;
  // Golden-section search of the temperature on a log scale, 0.05 .. 20.
  double lo = std::log(0.05), hi = std::log(20.0);
  const double g = (std::sqrt(5.0) - 1) / 2;
  double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  double fa = NegLogLikelihood(examples, *w, std::exp(a));
  double fb = NegLogLikelihood(examples, *w, std::exp(b));
  for (int i = 0; i < 40; ++i) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = NegLogLikelihood(examples, *w, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = NegLogLikelihood(examples, *w, std::exp(b));
    }
  }
  c.temperature = std::exp((lo + hi) / 2);
  for (double& v : w->w) v /= c.temperature;
  w->bias /= c.temperature;
  auto answers = FirstAnswers(examples, *w);
  for (int d = 0; d < 10; ++d) {
    ReliabilityBin bin;
    bin.from = d / 10.0;
    bin.to = (d + 1) / 10.0;
    for (const auto& x : answers) {
      if (x.p < bin.from || (x.p >= bin.to && d < 9)) continue;
      ++bin.answers;
      bin.predicted += x.p;
      bin.observed += x.right;
    }
    if (bin.answers > 0) {
      bin.predicted /= static_cast<double>(bin.answers);
      bin.observed /= static_cast<double>(bin.answers);
    }
    c.deciles.push_back(bin);
  }
  c.high = Threshold(c.deciles, kHighAccuracy);
  c.medium = Threshold(c.deciles, kMediumAccuracy);
  return c;
}

Result<BlendFit> FitBlend(const std::vector<BlendExample>& examples, double c) {
  BlendFit fit;
  // Pairwise (learning to rank with a linear model): for every held-back
  // case, each diagnosed candidate against each other candidate, the
  // difference of their features a positive row and its negation a
  // negative one. The fitted weights order candidates the way the cases
  // were diagnosed; no bias (it cancels in a difference). liblinear's sparse
  // rows: features 1..n, each row ended by index -1.
  constexpr int kN = static_cast<int>(kBlendFeatures);
  std::vector<feature_node> nodes;
  std::vector<double> y;
  for (const auto& e : examples) {
    bool has_truth = false;
    for (const auto& cand : e.candidates) has_truth |= e.truth.count(cand.component) > 0;
    if (!has_truth) continue;  // nothing to rank right: says nothing about the weights
    ++fit.queries;
    fit.rows += e.candidates.size();
    for (const auto& pos : e.candidates) {
      if (!e.truth.count(pos.component)) continue;
      for (const auto& neg : e.candidates) {
        if (e.truth.count(neg.component)) continue;
        for (double sign : {1.0, -1.0}) {
          for (int k = 0; k < kN; ++k) nodes.push_back({k + 1, sign * (pos.x[k] - neg.x[k])});
          nodes.push_back({-1, 0.0});
          y.push_back(sign);
        }
      }
    }
  }
  if (y.empty())
    return Status::InvalidArgument("no held-back case has its diagnosis among the candidates");
  std::vector<feature_node*> rows;
  for (size_t i = 0, at = 0; i < y.size(); ++i, at += kN + 1) rows.push_back(&nodes[at]);
  problem prob{};
  prob.l = static_cast<int>(y.size());
  prob.n = kN;
  prob.y = y.data();
  prob.x = rows.data();
  prob.bias = -1;
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = c;
  set_print_string_function(&Quiet);
  if (const char* err = check_parameter(&prob, &param))
    return Status::InvalidArgument(std::string("liblinear: ") + err);
  model* m = train(&prob, &param);
  if (m == nullptr) return Status::IOError("liblinear could not fit the blend");
  // Binary: the decision value favours the model's first label.
  int labels[2] = {1, -1};
  get_labels(m, labels);
  const double sign = labels[0] == 1 ? 1.0 : -1.0;
  for (int k = 0; k < kN; ++k) fit.weights.w[k] = sign * m->w[k];
  fit.weights.bias = 0;
  free_and_destroy_model(&m);
  return fit;
}

}  // namespace faultgraph::diagnosis
