#include "diagnosis/query_scope.h"

#include <algorithm>
#include <set>

#include "graph/graph_store.h"
#include "graph/vocabulary.h"
#include "ingest/derive.h"
#include "ingest/text.h"
#include "text/text_fold.h"

namespace faultgraph::diagnosis {
namespace {

constexpr size_t kMaxProducts = 100000;  // as the ranker's every-product scope
constexpr size_t kNeighbours = 64;

}  // namespace

std::string IdKey(std::string_view id) {
  return ingest::ToUpperAscii(ingest::Trim(text::TextFolder::Nfkc(id)));
}

Result<ProductMatch> MatchProduct(const graph::GraphStore& store, const std::string& given) {
  ProductMatch m;
  m.id = given;
  if (given.empty()) return m;
  auto has_cases = [&](const std::string& id) -> Result<bool> {
    auto n = store.GetCount(graph::Cf::kCounter, graph::keys::Counter(graph::counters::kCases, id));
    if (!n.ok()) return n.status();
    return *n > 0;
  };
  // Exactly as given: the common case, two point reads.
  auto exact = store.GetEntity(graph::kinds::kProduct, given);
  if (exact.ok()) {
    m.in_master = true;
    m.family = exact->family;
  } else if (!exact.status().IsNotFound()) {
    return exact.status();
  }
  auto cases = has_cases(given);
  if (!cases.ok()) return cases.status();
  m.has_cases = *cases;
  if (m.known()) return m;

  // As typed: another case, spaces, full-width forms.
  const std::string key = IdKey(given);
  auto products = store.ListEntities(graph::kinds::kProduct, kMaxProducts);
  if (!products.ok()) return products.status();
  for (const auto& p : *products) {
    if (IdKey(p.id) != key) continue;
    m.id = p.id;
    m.family = p.family;
    m.in_master = true;
    auto c = has_cases(p.id);
    if (!c.ok()) return c.status();
    m.has_cases = *c;
    return m;
  }
  auto with_cases = store.CounterSubjects(graph::counters::kCases);
  if (!with_cases.ok()) return with_cases.status();
  for (const auto& id : *with_cases) {
    if (IdKey(id) != key) continue;
    m.id = id;
    m.has_cases = true;
    return m;
  }
  return m;
}

Result<std::map<std::string, std::vector<CodeReading>>> ReadCodesWithoutProduct(
    const graph::GraphStore& store, const std::vector<std::string>& codes) {
  std::map<std::string, std::vector<CodeReading>> out;
  if (codes.empty()) return out;
  // The scopes ingest gives codes: a product's family, else the product.
  std::set<std::string> scopes;
  std::set<std::string> in_master;
  auto products = store.ListEntities(graph::kinds::kProduct, kMaxProducts);
  if (!products.ok()) return products.status();
  for (const auto& p : *products) {
    in_master.insert(p.id);
    scopes.insert(!p.family.empty() ? p.family : p.id);
  }
  auto with_cases = store.CounterSubjects(graph::counters::kCases);
  if (!with_cases.ok()) return with_cases.status();
  for (const auto& id : *with_cases)
    if (!in_master.count(id)) scopes.insert(id);

  for (const auto& code : codes) {
    auto& readings = out[code];
    for (const auto& scope : scopes) {
      std::string symptom = ingest::FaultCodeSymptom(scope, code);
      auto n = store.Neighbours(graph::EdgeType::kCausedBy, std::string(graph::kGlobalScope),
                                symptom, graph::Direction::kOut, kNeighbours);
      if (!n.ok()) return n.status();
      uint64_t total = 0;
      for (const auto& e : *n) total += e.count;
      if (total > 0) readings.push_back({symptom, total});
    }
    std::stable_sort(readings.begin(), readings.end(),
                     [](const CodeReading& a, const CodeReading& b) { return a.cases > b.cases; });
  }
  return out;
}

}  // namespace faultgraph::diagnosis
