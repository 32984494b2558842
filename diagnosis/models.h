// The trained models of a data directory (<data>/models/): per kind
// ("component"), a fastText file and a JSON file of what it is — labels,
// when and from how many cases it was trained, the graph sequence it saw,
// its own held-back accuracy and the fitted blend. The JSON names its model
// file and is renamed into place last, so a reader sees the old model or
// the new one, never half of one. Loading checks the file's size and hash
// before fastText reads it: a damaged or foreign file is an error naming
// the file, and root cause answers without the model.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "diagnosis/blend.h"
#include "diagnosis/classifier.h"
#include "diagnosis/root_cause.h"

namespace faultgraph::diagnosis {

inline constexpr int kModelLayout = 1;  // the JSON's layout; older ones are refused

struct HeldBackAccuracy {
  uint64_t cases = 0;  // held-back cases scored
  double classifier_top1 = 0, classifier_top3 = 0;
  double blend_top1 = 0, blend_top3 = 0;
};

struct ModelInfo {
  std::string kind;  // "component", "cause" or "fix"
  int layout = kModelLayout;
  int64_t created_ms = 0;
  uint64_t cases = 0;        // diagnosed cases trained on
  uint64_t graph_seq = 0;    // the graph's outbox sequence when training read it
  double train_seconds = 0;  // the whole training, held-back fit included
  HeldBackAccuracy held_back;
  bool has_blend = false;
  BlendWeights blend;     // calibrated: the temperature is folded in
  // Cause and fix: the classifier's fitted share in the cause ranking or
  // the fix order, the rest being the evidence's (root_cause.h
  // RootCauseQuery::cause_mix, fix_mix).
  double mix = 0;
  Calibration calibration;
  std::vector<std::string> labels;
  std::vector<uint64_t> label_cases;  // per label: training cases diagnosed with it
  std::string file;  // the model file's name, in the same folder
  uint64_t file_bytes = 0;
  uint64_t file_hash = 0;  // FNV-1a 64 of the file
};

struct Models {
  std::unique_ptr<TextClassifier> component;
  ModelInfo component_info;
  // The failure cause's model, when the graph had enough cases with a
  // cause to train one (null otherwise).
  std::unique_ptr<TextClassifier> cause;
  ModelInfo cause_info;
  // The fix model (which fix held for texts like this), when the graph had
  // enough cases with a fix that held (null otherwise).
  std::unique_ptr<TextClassifier> fix;
  ModelInfo fix_info;
  // Cause or fix models that are there but could not be used (damaged,
  // foreign, an older layout), each naming its file and what is wrong: the
  // component model answers without them until the next training.
  std::vector<std::string> warnings;
  // From label_cases: each label's share, and the labels most frequent first.
  std::unordered_map<std::string, double> overall_rate;
  std::vector<std::string> most_frequent;
};

// Writes `model` and its info into `dir` (created, 0700) and removes the
// kind's older model files.
Status SaveModel(const std::string& dir, const TextClassifier& model, ModelInfo info);

// Removes the kind's model and info from `dir` (none there: OK).
Status RemoveModel(const std::string& dir, const std::string& kind);

// The infos of the models in `dir` (none: an empty list). Unreadable or
// foreign JSON files are errors naming the file.
Result<std::vector<ModelInfo>> ListModels(const std::string& dir);

// The models in `dir`; NotFound when there is no component model,
// Corruption (naming the file and what is wrong) when it cannot be used.
// The cause and fix models are loaded when there are; one that cannot be
// used is left out with a warning (Models::warnings).
Result<std::shared_ptr<const Models>> LoadModels(const std::string& dir);

}  // namespace faultgraph::diagnosis
