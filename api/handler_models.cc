// Handler: root cause's trained models (trainModels, listModels).
#include "api/api_errors.h"
#include "api/handler.h"
#include "diagnosis/trainer.h"

namespace faultgraph::api {
namespace {

ModelSummary ToApi(const diagnosis::ModelInfo& m) {
  ModelSummary out;
  out.kind = m.kind;
  out.createdMs = m.created_ms;
  out.cases = static_cast<int64_t>(m.cases);
  out.labels = static_cast<int32_t>(m.labels.size());
  out.graphSeq = static_cast<int64_t>(m.graph_seq);
  out.trainSeconds = m.train_seconds;
  out.fileBytes = static_cast<int64_t>(m.file_bytes);
  out.heldBackCases = static_cast<int64_t>(m.held_back.cases);
  out.top1 = m.held_back.blend_top1;
  out.top3 = m.held_back.blend_top3;
  out.classifierTop1 = m.held_back.classifier_top1;
  out.classifierTop3 = m.held_back.classifier_top3;
  if (m.kind == "cause" || m.kind == "fix") {  // a mix of two rankings, not the component blend
    out.weights["classifier share"] = m.mix;
    out.weights["evidence share"] = 1 - m.mix;
  } else {
    for (size_t k = 0; k < diagnosis::kBlendFeatures; ++k)
      out.weights[diagnosis::BlendFeatureName(k)] = m.blend.w[k];
  }
  out.confidentHigh = m.calibration.high;
  out.confidentMedium = m.calibration.medium;
  for (const auto& b : m.calibration.deciles) {
    ReliabilityBin r;
    r.fromProbability = b.from;
    r.toProbability = b.to;
    r.answers = static_cast<int64_t>(b.answers);
    r.predicted = b.predicted;
    r.observed = b.observed;
    out.reliability.push_back(r);
  }
  return out;
}

}  // namespace

void Handler::trainModels(ModelSummary& out) {
  if (models_dir_.empty())
    ThrowIfError(Status::IOError("this process keeps no models (no data directory)"), "models");
  auto m = diagnosis::TrainModels(*store_, diagnoser_, pipeline_->rules(), models_dir_,
                                  train_options_);
  auto models = Unwrap(std::move(m), "models");
  diagnoser_.SetModels(models);
  out = ToApi(models->component_info);
}

void Handler::listModels(std::vector<ModelSummary>& out) {
  if (auto m = diagnoser_.models(); m != nullptr) {
    out.push_back(ToApi(m->component_info));
    if (m->cause != nullptr) out.push_back(ToApi(m->cause_info));
    if (m->fix != nullptr) out.push_back(ToApi(m->fix_info));
  }
}

}  // namespace faultgraph::api
