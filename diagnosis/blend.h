// Fitting the learned blend of root cause (root_cause.h's BlendFeature): a
// logistic regression (liblinear, L2-regularised) over every candidate of
// every held-back case, the diagnosed components positive. The ranker scores
// a candidate with the fitted weights and takes a softmax over them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnosis/root_cause.h"

namespace faultgraph::diagnosis {

// One held-back case: its candidates' features and what it was diagnosed with.
struct BlendExample {
  std::vector<CandidateFeatures> candidates;
  std::set<std::string> truth;
};

struct BlendFit {
  BlendWeights weights;
  size_t queries = 0;  // cases with the truth among the candidates (those fitted on)
  size_t rows = 0;     // candidates
};

// InvalidArgument when no example has its truth among its candidates.
Result<BlendFit> FitBlend(const std::vector<BlendExample>& examples, double c = 1.0);

// Held-back accuracy of weights: cases whose diagnosis is first / in the top 3.
struct BlendAccuracy {
  size_t top1 = 0, top3 = 0, cases = 0;
};
BlendAccuracy ScoreBlend(const std::vector<BlendExample>& examples, const BlendWeights& w);

// The logistic regression optimises pairwise order over all candidates,
// which is not quite what an agent reads (the first three). A coordinate
// search from the fitted weights, one weight at a time (scaled, zeroed,
// moved), keeps each change that raises top-1 + top-3 on the held-back
// cases; at most `rounds` passes.
BlendWeights RefineBlend(const std::vector<BlendExample>& examples, BlendWeights w, int rounds = 4);

// Calibration. The softmax of the scores is read as "the chance this
// component is the one": a temperature (folded into the weights, which
// leaves the order alone) fitted by likelihood on the held-back cases makes
// it so on average, and "high" and "medium" start at the lowest decile of
// first-answer probability from which up every decile (of 10 answers or
// more) was right at least 90 % / 60 % of the time.
struct ReliabilityBin {
  double from = 0, to = 0;  // predicted probability range
  size_t answers = 0;       // first answers in it
  double predicted = 0;     // their mean predicted probability
  double observed = 0;      // the share that was right
};
struct Calibration {
  double temperature = 1;
  double high = 0, medium = 0;         // 0: no threshold found (never that confident)
  std::vector<ReliabilityBin> deciles;  // of the first answers, after the temperature
};
inline constexpr double kHighAccuracy = 0.9;
inline constexpr double kMediumAccuracy = 0.6;
// Fits the temperature, divides `w` by it, and measures the result.
Calibration Calibrate(const std::vector<BlendExample>& examples, BlendWeights* w);

// The cause ranking's mix (root_cause.h RootCauseQuery::cause_mix): the
// classifier's share p and the evidence's 1 - p, chosen on held-back cases
// with a cause from 0, 0.05, ..., 1 for the most top-1 + top-3 (ties: the
// smaller share).
struct CauseExample {
  std::vector<CauseFeatures> causes;
  std::string truth;
};
BlendAccuracy ScoreCauseMix(const std::vector<CauseExample>& examples, double mix);
// The classifier's share that is applied: the fitted mix, or all of it when
// no evidence ranks any cause (RankCauses and ScoreCauseMix alike).
inline double EffectiveCauseMix(double mix, bool evidence) { return evidence ? mix : 1.0; }
double FitCauseMix(const std::vector<CauseExample>& examples);

// The blend's score of one candidate (before the softmax).
double BlendScore(const BlendWeights& w, const BlendVector& x);

}  // namespace faultgraph::diagnosis
