// Diagnose: what the support agent typed (product or serial, text, fault
// codes) in, the ranked components, causes and fixes out. The one entry
// point of root cause for the API, the CLI, the daemon and the tools: it
// turns the text and codes into canonical symptoms exactly as ingest does,
// finds the nearest past cases with search, asks the trained classifier
// when a model is loaded, and ranks (root_cause.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "diagnosis/models.h"
#include "diagnosis/root_cause.h"
#include "search/searcher.h"

namespace faultgraph::ingest {
class TextRules;
}
namespace faultgraph::search {
class Searcher;
}

namespace faultgraph::diagnosis {

struct DiagnoseRequest {
  std::string product;
  std::string serial;
  std::string text;
  std::vector<std::string> fault_codes;
  size_t top_k = 3;
  int64_t as_of_ms = 0;  // 0: now; else no case opened later is used
  // Training: these cases (the case itself, and those with its text) are
  // never similar cases, and the features of every candidate are returned.
  std::vector<std::string> exclude_cases;
  std::vector<std::string> self_components;  // RootCauseQuery::self_components
  std::string self_cause;                    // RootCauseQuery::self_cause
  bool want_features = false;
};

// The nearest-case search Diagnose issues for `text`, before its scope
// (product or family) and date filters: kNearCases + `excluded` cases, no
// facets, the large-index bounds. root_cause_bench times it alone.
search::SearchRequest NearCasesRequest(const std::string& text, size_t excluded);

class Diagnoser {
 public:
  // `searcher` may be null (no index: codes, symptoms and history only).
  Diagnoser(const graph::GraphStore* store, const ingest::TextRules* rules,
            const search::Searcher* searcher)
      : store_(store), rules_(rules), searcher_(searcher), ranker_(store) {}

  Result<RootCauseAnswer> Diagnose(const DiagnoseRequest& request) const;
  // Diagnose with these models instead of the loaded ones (null: none).
  Result<RootCauseAnswer> Diagnose(const DiagnoseRequest& request,
                                   const std::shared_ptr<const Models>& models) const;

  // The models answers use from now on (null: none); in-flight answers
  // keep the ones they started with.
  void SetModels(std::shared_ptr<const Models> models);
  std::shared_ptr<const Models> models() const;

 private:
  const graph::GraphStore* store_;
  const ingest::TextRules* rules_;
  const search::Searcher* searcher_;
  RootCauseRanker ranker_;
  mutable std::mutex mu_;
  std::shared_ptr<const Models> models_;
};

}  // namespace faultgraph::diagnosis
