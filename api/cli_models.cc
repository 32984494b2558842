#include "api/cli_models.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/cli_format.h"
#include "api/cli_messages.h"
#include "diagnosis/diagnose.h"
#include "diagnosis/models.h"

namespace faultgraph::cli {
namespace {

nlohmann::json ToJson(const api::ModelSummary& m) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : m.reliability)
    bins.push_back({{"from", b.fromProbability},
                    {"to", b.toProbability},
                    {"answers", b.answers},
                    {"predicted", b.predicted},
                    {"observed", b.observed}});
  return {{"kind", m.kind},
          {"createdMs", m.createdMs},
          {"cases", m.cases},
          {"labels", m.labels},
          {"graphSeq", m.graphSeq},
          {"trainSeconds", m.trainSeconds},
          {"fileBytes", m.fileBytes},
          {"heldBack",
           {{"cases", m.heldBackCases},
            {"top1", m.top1},
            {"top3", m.top3},
            {"classifierTop1", m.classifierTop1},
            {"classifierTop3", m.classifierTop3}}},
          {"weights", m.weights},
          {"confidentHigh", m.confidentHigh},
          {"confidentMedium", m.confidentMedium},
          {"reliability", bins}};
}

void Print(const api::ModelSummary& m) {
  std::printf("%s model, trained %s\n", m.kind.c_str(), (FormatTime(m.createdMs) + " UTC").c_str());
  const bool cause = m.kind == "cause", fix = m.kind == "fix";
  const bool mixed = cause || fix;
  std::printf("  from %lld diagnosed cases, %d %s, graph sequence %lld, in %.1f s, "
              "%.1f MB\n",
              static_cast<long long>(m.cases), m.labels,
              cause ? "causes" : fix ? "fixes" : "components",
              static_cast<long long>(m.graphSeq), m.trainSeconds,
              static_cast<double>(m.fileBytes) / 1e6);
  std::printf("  held back %lld cases: root cause top-1 %.1f%% top-3 %.1f%% (classifier alone "
              "%.1f%% / %.1f%%)\n",
              static_cast<long long>(m.heldBackCases), 100 * m.top1, 100 * m.top3,
              100 * m.classifierTop1, 100 * m.classifierTop3);
  std::printf(cause ? "  mix of the cause ranking:"
              : fix ? "  mix of each component's fix order:"
                    : "  blend weights:");
  bool first = true;
  for (const auto& [name, w] : m.weights) {
    std::printf("%s %s %.3f", first ? "" : ",", name.c_str(), w);
    first = false;
  }
  if (mixed) {  // no calibration of its own
    std::printf("\n");
    return;
  }
  std::printf("\n  confidence: high from %.0f%%, medium from %.0f%% (every decile from there "
              "up right >= 90%% / >= 60%% of the time on held-back cases; 0: never)\n",
              100 * m.confidentHigh, 100 * m.confidentMedium);
  for (const auto& b : m.reliability) {
    if (b.answers == 0) continue;
    std::printf("    predicted %3.0f-%3.0f%%: %5lld answers, mean %5.1f%%, right %5.1f%%\n",
                100 * b.fromProbability, 100 * b.toProbability, static_cast<long long>(b.answers),
                100 * b.predicted, 100 * b.observed);
  }
}

}  // namespace

int RunTrainCommand(api::FaultGraphIf& fg, bool as_json) {
  api::ModelSummary m;
  fg.trainModels(m);  // errors: the CLI's handler of typed exceptions
  if (as_json) {
    std::printf("%s\n", ToJson(m).dump().c_str());
  } else {
    Print(m);
  }
  return 0;
}

int RunModelsCommand(api::FaultGraphIf& fg, bool as_json) {
  std::vector<api::ModelSummary> list;
  fg.listModels(list);
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : list) out.push_back(ToJson(m));
    std::printf("%s\n", out.dump().c_str());
    return 0;
  }
  if (list.empty())
    std::printf("%s\n",
                Tr("no trained model: root cause ranks without one ('faultgraph train' makes one)")
                    .c_str());
  for (const auto& m : list) Print(m);
  return 0;
}

void UseModels(const std::string& models_dir, diagnosis::Diagnoser& diagnoser) {
  auto m = diagnosis::LoadModels(models_dir);
  if (m.ok()) {
    for (const auto& w : (*m)->warnings) std::fprintf(stderr, "faultgraph: %s\n", w.c_str());
    diagnoser.SetModels(std::move(*m));
  } else if (!m.status().IsNotFound()) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 TrF("model not used, answering without it: {0}", {m.status().message()}).c_str());
  }
}

}  // namespace faultgraph::cli
