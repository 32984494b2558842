// faultgraph train / models: root cause's trained models in the data
// directory (diagnosis/trainer.h, diagnosis/models.h). Embedded only: a
// running daemon retrains by itself.
#pragma once

#include <string>

#include "diagnosis/diagnose.h"

namespace faultgraph::cli {

// Trains from the graph's diagnosed cases into `models_dir` and prints what
// the models are; 0, or 1 with the reason on stderr.
int RunTrainCommand(const graph::GraphStore& store, diagnosis::Diagnoser& diagnoser,
                    const ingest::TextRules& rules, const std::string& models_dir, bool as_json);

// Lists the models in `models_dir`; 0, or 1 when one cannot be read.
int RunModelsCommand(const std::string& models_dir, bool as_json);

// For rootcause: the models in `models_dir` into `diagnoser`; a damaged
// model is named on stderr and root cause answers without it.
void UseModels(const std::string& models_dir, diagnosis::Diagnoser& diagnoser);

}  // namespace faultgraph::cli
