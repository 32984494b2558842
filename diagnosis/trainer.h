// Training root cause's models from the graph's own diagnosed cases.
//
// Cross-fitted: the cases are cut into five folds by a hash of their text; a
// classifier learns from four folds and diagnoses the fifth (never finding
// a case, or one with its text, as its similar case, and with the case's own
// diagnosis taken out of the counts), fold after fold up to `held_back_max`
// cases. That gives every candidate's features for fitting the blend and
// the model's own held-back accuracy. The classifier that is saved then
// learns from every case.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnosis/classifier.h"
#include "diagnosis/diagnose.h"
#include "diagnosis/models.h"

namespace faultgraph::diagnosis {

struct TrainOptions {
  ClassifierOptions classifier;
  size_t held_back_max = 3000;  // cases the blend is fitted on
  // The fitted weights are refined on top-1 + top-3 (blend.h RefineBlend)
  // only from this many held-back cases: on fewer, a search on accuracy
  // follows the noise (State Grid's 600 and FMC's 450 cases lost 0.5-1.5
  // points of top-1 with it, the larger sets gained up to 0.4).
  size_t refine_min_cases = 1000;
  uint64_t min_cases = 50;      // fewer diagnosed cases with text: no model
  size_t probe_max = 50'000;    // a fold's classifier learns from at most this many cases
  // Up to this many cases: one thread and every epoch (the same model from
  // the same cases); above: fewer epochs, two threads (training time).
  size_t reproducible_max = 20'000;
  std::string scratch;          // fastText's input file goes here ("": the models folder)
  // Set (from another thread) to stop: TrainModels returns Aborted soon after.
  const std::atomic<bool>* cancel = nullptr;
};

// A case as training reads it: what the customer said and what was found.
struct LabelledCase {
  std::string case_id;
  std::string product;
  std::string text;                     // the symptom text as stored
  std::vector<std::string> components;  // the labels
  std::string cause;                    // its failure cause ("": none recorded)
  bool by_outcome = false;              // labelled by technicians' outcomes
  // The fixes that held: the case's fixes when the asset did not come back
  // with one of its components within the repeat window
  // (graph::kRepeatWindowMs) of the close and no outcome says the fix
  // failed, and the fixes of outcomes that held.
  std::vector<std::string> fixes;
};


// The cases with symptom text and a diagnosis, in case id order. A case
// with outcomes (not retracted) that name a component is labelled with
// them — the technician's finding wins over the ticket's; of several, those
// whose fix held, or all of them when none held — so a case the ticket left
// undiagnosed becomes a training case too.
Result<std::vector<LabelledCase>> LabelledCases(const graph::GraphStore& store);

// Trains, fits, and saves into `models_dir`: the component model always,
// the cause model when at least min_cases of them have a failure cause of
// two or more kinds, the fix model when as many have a fix that held, of
// two or more kinds (else an older model of that kind is removed); the new models are returned
// so a daemon can swap them in. `log` (may be empty) hears the steps.
Result<std::shared_ptr<const Models>> TrainModels(const graph::GraphStore& store,
                                                  const Diagnoser& diagnoser,
                                                  const ingest::TextRules& rules,
                                                  const std::string& models_dir,
                                                  const TrainOptions& options,
                                                  const std::function<void(const std::string&)>& log = {});

}  // namespace faultgraph::diagnosis
