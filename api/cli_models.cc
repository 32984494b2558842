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

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void Print(const api::ModelSummary& m) {
  std::printf("%s\n",
              TrF("{0} model, trained {1} UTC", {Tr(m.kind), FormatTime(m.createdMs)}).c_str());
  const bool cause = m.kind == "cause", fix = m.kind == "fix";
  const bool mixed = cause || fix;
  PrintWrapped(
      "  ", TrF(cause ? "from {0} diagnosed cases, {1} causes, graph sequence {2}, in {3} s, {4} MB"
                : fix ? "from {0} diagnosed cases, {1} fixes, graph sequence {2}, in {3} s, {4} MB"
                      : "from {0} diagnosed cases, {1} components, graph sequence {2}, in {3} "
                        "s, {4} MB",
                {std::to_string(m.cases), std::to_string(m.labels), std::to_string(m.graphSeq),
                 Fixed(m.trainSeconds, 1), Fixed(static_cast<double>(m.fileBytes) / 1e6, 1)}));
  PrintWrapped("  ",
               TrF("held back {0} cases: root cause top-1 {1}% top-3 {2}% (classifier alone "
                   "{3}% / {4}%)",
                   {std::to_string(m.heldBackCases), Fixed(100 * m.top1, 1), Fixed(100 * m.top3, 1),
                    Fixed(100 * m.classifierTop1, 1), Fixed(100 * m.classifierTop3, 1)}));
  std::string weights;
  for (const auto& [name, w] : m.weights)
    weights += (weights.empty() ? "" : ", ") + name + " " + Fixed(w, 3);
  PrintWrapped("  ", Tr(cause ? "mix of the cause ranking:"
                        : fix ? "mix of each component's fix order:"
                              : "blend weights:") +
                         " " + weights);
  if (mixed) return;  // no calibration of its own
  PrintWrapped("  ", TrF("confidence: high from {0}%, medium from {1}% (every decile from there up "
                         "right >= 90% / >= 60% of the time on held-back cases; 0: never)",
                         {Fixed(100 * m.confidentHigh, 0), Fixed(100 * m.confidentMedium, 0)}));
  for (const auto& b : m.reliability) {
    if (b.answers == 0) continue;
    char range[32];
    std::snprintf(range, sizeof range, "%3.0f-%3.0f", 100 * b.fromProbability,
                  100 * b.toProbability);
    char answers[16], mean[16], right[16];
    std::snprintf(answers, sizeof answers, "%5lld", static_cast<long long>(b.answers));
    std::snprintf(mean, sizeof mean, "%5.1f", 100 * b.predicted);
    std::snprintf(right, sizeof right, "%5.1f", 100 * b.observed);
    std::printf("    %s\n", TrF("predicted {0}%: {1} answers, mean {2}%, right {3}%",
                                {range, answers, mean, right})
                                .c_str());
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
