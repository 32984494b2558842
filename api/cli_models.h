// faultgraph train / models: root cause's trained models (diagnosis/), in
// the data directory (--data) or the daemon's (--server: trainModels and
// listModels, operator role).
#pragma once

#include <string>

#include "api/gen-cpp/FaultGraph.h"

namespace faultgraph::diagnosis {
class Diagnoser;
}

namespace faultgraph::cli {

// Trains now and prints what the model is; 0, or 1 with the reason.
int RunTrainCommand(api::FaultGraphIf& fg, bool as_json);

// Lists the models in use; 0.
int RunModelsCommand(api::FaultGraphIf& fg, bool as_json);

// Embedded: the models in `models_dir` into `diagnoser`; a damaged model is
// named on stderr and root cause answers without it.
void UseModels(const std::string& models_dir, diagnosis::Diagnoser& diagnoser);

}  // namespace faultgraph::cli
