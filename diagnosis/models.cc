#include "diagnosis/models.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/hash.h"

namespace faultgraph::diagnosis {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kInfoSuffix = ".json";
constexpr uint64_t kMaxModelBytes = 1ULL << 30;  // a model file larger than this is not ours

json CalibrationJson(const Calibration& c) {
  json bins = json::array();
  for (const auto& b : c.deciles)
    bins.push_back({{"from", b.from},
                    {"to", b.to},
                    {"answers", b.answers},
                    {"predicted", b.predicted},
                    {"observed", b.observed}});
  return {{"temperature", c.temperature}, {"high", c.high}, {"medium", c.medium}, {"deciles", bins}};
}

json ToJson(const ModelInfo& m) {
  json w = json::object();
  for (size_t k = 0; k < kBlendFeatures; ++k) w[BlendFeatureName(k)] = m.blend.w[k];
  return {{"kind", m.kind},
          {"layout", m.layout},
          {"created_ms", m.created_ms},
          {"cases", m.cases},
          {"graph_seq", m.graph_seq},
          {"train_seconds", m.train_seconds},
          {"held_back",
           {{"cases", m.held_back.cases},
            {"classifier_top1", m.held_back.classifier_top1},
            {"classifier_top3", m.held_back.classifier_top3},
            {"blend_top1", m.held_back.blend_top1},
            {"blend_top3", m.held_back.blend_top3}}},
          {"blend", {{"fitted", m.has_blend}, {"weights", w}, {"bias", m.blend.bias}}},
          {"mix", m.mix},
          {"calibration", CalibrationJson(m.calibration)},
          {"labels", m.labels},
          {"label_cases", m.label_cases},
          {"file", m.file},
          {"file_bytes", m.file_bytes},
          {"file_hash", m.file_hash}};
}

Result<ModelInfo> FromJson(const std::string& path, const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption(path + " is not a JSON object");
  ModelInfo m;
  try {
    m.layout = j.at("layout").get<int>();
    if (m.layout != kModelLayout)
      return Status::Corruption(path + " has layout " + std::to_string(m.layout) + ", this build reads " +
                                std::to_string(kModelLayout) + ": train again (faultgraph train)");
    m.kind = j.at("kind").get<std::string>();
    m.created_ms = j.at("created_ms").get<int64_t>();
    m.cases = j.at("cases").get<uint64_t>();
    m.graph_seq = j.at("graph_seq").get<uint64_t>();
    m.train_seconds = j.at("train_seconds").get<double>();
    const auto& h = j.at("held_back");
    m.held_back.cases = h.at("cases").get<uint64_t>();
    m.held_back.classifier_top1 = h.at("classifier_top1").get<double>();
    m.held_back.classifier_top3 = h.at("classifier_top3").get<double>();
    m.held_back.blend_top1 = h.at("blend_top1").get<double>();
    m.held_back.blend_top3 = h.at("blend_top3").get<double>();
    const auto& b = j.at("blend");
    m.has_blend = b.at("fitted").get<bool>();
    for (size_t k = 0; k < kBlendFeatures; ++k)
      m.blend.w[k] = b.at("weights").at(BlendFeatureName(k)).get<double>();
    m.blend.bias = b.at("bias").get<double>();
    m.mix = j.value("mix", 0.0);  // written since the cause model
    if (!(m.mix >= 0 && m.mix <= 1))
      return Status::Corruption(path + " has mix " + std::to_string(m.mix) + "; expected 0..1");
    const auto& cal = j.at("calibration");
    m.calibration.temperature = cal.at("temperature").get<double>();
    m.calibration.high = cal.at("high").get<double>();
    m.calibration.medium = cal.at("medium").get<double>();
    for (const auto& b : cal.at("deciles")) {
      ReliabilityBin bin;
      bin.from = b.at("from").get<double>();
      bin.to = b.at("to").get<double>();
      bin.answers = b.at("answers").get<size_t>();
      bin.predicted = b.at("predicted").get<double>();
      bin.observed = b.at("observed").get<double>();
      m.calibration.deciles.push_back(bin);
    }
    m.labels = j.at("labels").get<std::vector<std::string>>();
    m.label_cases = j.at("label_cases").get<std::vector<uint64_t>>();
    m.file = j.at("file").get<std::string>();
    m.file_bytes = j.at("file_bytes").get<uint64_t>();
    m.file_hash = j.at("file_hash").get<uint64_t>();
  } catch (const json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  if (m.label_cases.size() != m.labels.size())
    return Status::Corruption(path + " has " + std::to_string(m.labels.size()) + " labels but " +
                              std::to_string(m.label_cases.size()) + " label counts");
  if (m.file.empty() || m.file.find('/') != std::string::npos || m.file.starts_with("."))
    return Status::Corruption(path + " names model file '" + m.file + "'; expected a plain name");
  return m;
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
  if (!f.flush()) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

}  // namespace

Status SaveModel(const std::string& dir, const TextClassifier& model, ModelInfo info) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  info.file = info.kind + "-" + std::to_string(info.created_ms) + ".bin";
  const std::string file = dir + "/" + info.file;
  if (auto s = model.Save(file); !s.ok()) return s;
  auto bytes = ReadFileToString(file, "model");
  if (!bytes.ok()) return bytes.status();
  info.file_bytes = bytes->size();
  info.file_hash = Fnv1a64(*bytes);
  if (info.label_cases.size() != model.labels().size())
    return Status::InvalidArgument("model info: label counts do not match the model's labels");
  info.labels = model.labels();
  const std::string json_path = dir + "/" + info.kind + std::string(kInfoSuffix);
  if (auto s = WriteFile(json_path + ".tmp", ToJson(info).dump(1)); !s.ok()) return s;
  fs::rename(json_path + ".tmp", json_path, ec);
  if (ec) return Status::IOError("cannot rename " + json_path + ".tmp: " + ec.message());
  // The kind's older files: no reader can be sent to them any more.
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name != info.file && name.starts_with(info.kind + "-") && name.ends_with(".bin"))
      fs::remove(e.path(), ec);
  }
  return Status::Ok();
}

Result<std::vector<ModelInfo>> ListModels(const std::string& dir) {
  std::vector<ModelInfo> out;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string path = e.path().string();
    if (!path.ends_with(kInfoSuffix)) continue;
    auto text = ReadFileToString(path, "model info");
    if (!text.ok()) return text.status();
    auto info = FromJson(path, *text);
    if (!info.ok()) return info.status();
    out.push_back(std::move(*info));
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  return out;
}

namespace {

// One kind's model and info; NotFound when the kind has none.
Result<std::pair<std::unique_ptr<TextClassifier>, ModelInfo>> LoadKind(const std::string& dir,
                                                                        const std::string& kind) {
  const std::string json_path = dir + "/" + kind + std::string(kInfoSuffix);
  std::error_code ec;
  if (!fs::exists(json_path, ec)) return Status::NotFound("no trained " + kind + " model in " + dir);
  auto text = ReadFileToString(json_path, "model info");
  if (!text.ok()) return text.status();
  auto info = FromJson(json_path, *text);
  if (!info.ok()) return info.status();
  if (info->kind != kind)
    return Status::Corruption(json_path + " is a '" + info->kind + "' model; expected " + kind);
  const std::string file = dir + "/" + info->file;
  auto size = fs::file_size(file, ec);
  if (ec) return Status::Corruption("model file " + file + " cannot be read: " + ec.message());
  if (size != info->file_bytes || size > kMaxModelBytes)
    return Status::Corruption("model file " + file + " has " + std::to_string(size) +
                              " bytes, its info says " + std::to_string(info->file_bytes));
  auto bytes = ReadFileToString(file, "model");
  if (!bytes.ok()) return bytes.status();
  if (Fnv1a64(*bytes) != info->file_hash)
    return Status::Corruption("model file " + file + " does not match the hash in " + json_path);
  bytes->clear();
  bytes->shrink_to_fit();
  auto model = TextClassifier::Load(file, info->labels);
  if (!model.ok()) return model.status();
  return std::make_pair(std::move(*model), std::move(*info));
}

}  // namespace

Status RemoveModel(const std::string& dir, const std::string& kind) {
  std::error_code ec;
  fs::remove(dir + "/" + kind + std::string(kInfoSuffix), ec);
  if (ec) return Status::IOError("cannot remove the " + kind + " model in " + dir + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(kind + "-") && name.ends_with(".bin")) fs::remove(e.path(), ec);
  }
  return Status::Ok();
}

Result<std::shared_ptr<const Models>> LoadModels(const std::string& dir) {
  auto component = LoadKind(dir, "component");
  if (!component.ok()) {
    if (component.status().IsNotFound()) return Status::NotFound("no trained model in " + dir);
    return component.status();
  }
  auto cause = LoadKind(dir, "cause");
  auto fix = LoadKind(dir, "fix");
  auto out = std::make_shared<Models>();
  for (const auto* kind : {&cause, &fix}) {
    if (!kind->ok() && !kind->status().IsNotFound())
      out->warnings.push_back(std::string(kind == &cause ? "cause" : "fix") +
                              " model not used: " + kind->status().message());
  }
  out->component = std::move(component->first);
  out->component_info = std::move(component->second);
  if (cause.ok()) {
    out->cause = std::move(cause->first);
    out->cause_info = std::move(cause->second);
  }
  if (fix.ok()) {
    out->fix = std::move(fix->first);
    out->fix_info = std::move(fix->second);
  }
  const auto& ci = out->component_info;
  double total = 0;
  for (uint64_t n : ci.label_cases) total += static_cast<double>(n);
  std::vector<std::pair<uint64_t, std::string>> by_count;
  for (size_t i = 0; i < ci.labels.size(); ++i) {
    out->overall_rate[ci.labels[i]] = total > 0 ? ci.label_cases[i] / total : 0.0;
    by_count.emplace_back(ci.label_cases[i], ci.labels[i]);
  }
  std::sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (auto& [n, l] : by_count) out->most_frequent.push_back(std::move(l));
  return std::shared_ptr<const Models>(std::move(out));
}

}  // namespace faultgraph::diagnosis
