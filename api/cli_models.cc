#include "api/cli_models.h"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "diagnosis/models.h"
#include "diagnosis/trainer.h"

namespace faultgraph::cli {
namespace {

std::string Date(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

nlohmann::json ToJson(const diagnosis::ModelInfo& m) {
  nlohmann::json w = nlohmann::json::object();
  for (size_t k = 0; k < diagnosis::kBlendFeatures; ++k)
    w[diagnosis::BlendFeatureName(k)] = m.blend.w[k];
  return {{"kind", m.kind},
          {"createdMs", m.created_ms},
          {"cases", m.cases},
          {"labels", m.labels.size()},
          {"graphSeq", m.graph_seq},
          {"trainSeconds", m.train_seconds},
          {"heldBack",
           {{"cases", m.held_back.cases},
            {"classifierTop1", m.held_back.classifier_top1},
            {"classifierTop3", m.held_back.classifier_top3},
            {"top1", m.held_back.blend_top1},
            {"top3", m.held_back.blend_top3}}},
          {"weights", w},
          {"confidence",
           {{"high", m.calibration.high},
            {"medium", m.calibration.medium},
            {"temperature", m.calibration.temperature}}},
          {"file", m.file},
          {"fileBytes", m.file_bytes}};
}

void Print(const diagnosis::ModelInfo& m) {
  std::printf("%s model  %s  %s\n", m.kind.c_str(), m.file.c_str(), Date(m.created_ms).c_str());
  std::printf("  trained on %llu diagnosed cases, %zu components, graph sequence %llu, in %.1f s, "
              "%.1f MB\n",
              static_cast<unsigned long long>(m.cases), m.labels.size(),
              static_cast<unsigned long long>(m.graph_seq), m.train_seconds,
              static_cast<double>(m.file_bytes) / 1e6);
  std::printf("  held back %llu cases: root cause top-1 %.1f%% top-3 %.1f%% (classifier alone "
              "%.1f%% / %.1f%%)\n",
              static_cast<unsigned long long>(m.held_back.cases), 100 * m.held_back.blend_top1,
              100 * m.held_back.blend_top3, 100 * m.held_back.classifier_top1,
              100 * m.held_back.classifier_top3);
  std::printf("  blend weights:");
  for (size_t k = 0; k < diagnosis::kBlendFeatures; ++k)
    std::printf("%s %s %.3f", k ? "," : "", diagnosis::BlendFeatureName(k), m.blend.w[k]);
  std::printf("\n");
  const auto& c = m.calibration;
  std::printf("  confidence: high from %.0f%%, medium from %.0f%% (first answers right >= 90%% / "
              ">= 60%% of the time; temperature %.2f)\n",
              100 * c.high, 100 * c.medium, c.temperature);
  for (const auto& b : c.deciles) {
    if (b.answers == 0) continue;
    std::printf("    predicted %3.0f-%3.0f%%: %5zu answers, mean %5.1f%%, right %5.1f%%\n",
                100 * b.from, 100 * b.to, b.answers, 100 * b.predicted, 100 * b.observed);
  }
}

}  // namespace

int RunTrainCommand(const graph::GraphStore& store, diagnosis::Diagnoser& diagnoser,
                    const ingest::TextRules& rules, const std::string& models_dir, bool as_json) {
  auto m = diagnosis::TrainModels(store, diagnoser, rules, models_dir, diagnosis::TrainOptions{},
                                  [as_json](const std::string& line) {
                                    if (!as_json) std::fprintf(stderr, "train: %s\n", line.c_str());
                                  });
  if (!m.ok()) {
    std::fprintf(stderr, "faultgraph: train: %s\n", m.status().message().c_str());
    return 1;
  }
  if (as_json) {
    std::printf("%s\n", ToJson((*m)->component_info).dump().c_str());
  } else {
    Print((*m)->component_info);
  }
  return 0;
}

int RunModelsCommand(const std::string& models_dir, bool as_json) {
  auto list = diagnosis::ListModels(models_dir);
  if (!list.ok()) {
    std::fprintf(stderr, "faultgraph: models: %s\n", list.status().message().c_str());
    return 1;
  }
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : *list) out.push_back(ToJson(m));
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  if (list->empty())
    std::printf("no trained model: root cause ranks without one (faultgraph train makes one)\n");
  for (const auto& m : *list) Print(m);
  return 0;
}

void UseModels(const std::string& models_dir, diagnosis::Diagnoser& diagnoser) {
  auto m = diagnosis::LoadModels(models_dir);
  if (m.ok()) {
    diagnoser.SetModels(std::move(*m));
  } else if (!m.status().IsNotFound()) {
    std::fprintf(stderr, "faultgraph: model not used, answering without it: %s\n",
                 m.status().message().c_str());
  }
}

}  // namespace faultgraph::cli
