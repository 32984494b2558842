// Handler: lookups that forgive and agree. People type ids in lower case,
// with spaces around them or in full-width forms (ｔ００００１ from a
// Chinese input method); the graph's ids are as the sources wrote them,
// which is nearly always upper case. Each lookup tries the id as given,
// then as diagnosis::IdKey reads it, and says NotFound, naming
// what was asked, when neither is there.
#include "api/api_errors.h"
#include "api/handler.h"
#include "diagnosis/query_scope.h"
#include "graph/vocabulary.h"

namespace faultgraph::api {

using diagnosis::IdKey;

std::string Handler::FindCaseId(const std::string& given) const {
  CheckId("caseId", given);
  for (const std::string& id : {given, IdKey(given)}) {
    auto c = store_->GetCase(id);
    if (c.ok()) return id;
    if (!c.status().IsNotFound()) ThrowIfError(c.status(), "caseId");
  }
  ThrowNotFound("caseId", "no case '" + given + "' in the graph");
}

std::string Handler::FindProductId(const std::string& given) const {
  CheckId("model", given);
  auto m = Unwrap(diagnosis::MatchProduct(*store_, given), "model");
  if (!m.known())
    ThrowNotFound("model", "no product '" + given +
                               "': not in the product master and no case names it");
  return m.id;
}

std::vector<graph::TimelineItem> Handler::FindAssetTimeline(const std::string& serial,
                                                            size_t limit) const {
  return FindAsset(serial, limit).second;
}

std::pair<std::string, std::vector<graph::TimelineItem>> Handler::FindAsset(
    const std::string& serial, size_t limit) const {
  CheckId("serial", serial);
  const std::string key = IdKey(serial);
  for (const std::string& id : {serial, key}) {
    auto items = Unwrap(store_->AssetTimeline(id, limit), "serial");
    if (!items.empty()) return {id, std::move(items)};
    auto asset = store_->GetEntity(graph::kinds::kAsset, id);  // installed, nothing happened to it yet
    if (asset.ok()) return {id, std::move(items)};
    if (!asset.status().IsNotFound()) ThrowIfError(asset.status(), "serial");
    if (key == serial) break;
  }
  ThrowNotFound("serial", "no asset '" + serial +
                              "': no installed-base record, case, call or alarm has that serial");
}

std::vector<graph::Neighbour> Handler::NearNodeNeighbours(graph::EdgeType type,
                                                          const std::string& scope,
                                                          const std::string& id, bool incoming,
                                                          size_t limit) const {
  const auto direction = incoming ? graph::Direction::kIn : graph::Direction::kOut;
  const std::string what = std::string(graph::EdgeTypeName(type)) + " edge " +
                           (incoming ? "into" : "out of") + " '" + id + "'";
  const std::string key = IdKey(id);
  // Another case or width of the same id.
  if (key != id) {
    auto near = Unwrap(store_->Neighbours(type, scope, key, direction, limit), "id");
    if (!near.empty()) return near;
  }
  // A fault code without its family: symptoms of codes are scoped (AC:E4).
  if (id.find(':') != std::string::npos) return {};
  auto readings = Unwrap(diagnosis::ReadCodesWithoutProduct(*store_, {key}), "id");
  const auto& r = readings[key];
  if (r.empty()) return {};
  std::string options;
  for (size_t i = 0; i < r.size() && i < 5; ++i)
    options += (i ? ", " : "") + r[i].symptom + " (" + std::to_string(r[i].cases) +
               (r[i].cases == 1 ? " case)" : " cases)");
  ThrowNotFound("id", "no " + what + ": a fault code's symptom is named with its family or " +
                          "product; did you mean " + options + "?");
}

}  // namespace faultgraph::api
