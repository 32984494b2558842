// Bilingual ranked search (BM25) over the shards of the index as one
// database: the query is folded like the documents (NFKC, case, traditional
// -> simplified), Chinese is matched by character n-grams, English by stems.
// Boolean filters, a date range, facet counts and marked snippets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace Xapian {
class Database;
}

namespace faultgraph::text {
class TextFolder;
}

namespace faultgraph::search {

using text::TextFolder;
struct WeightedTerm;

struct SearchFilters {
  std::string kind;  // "case", "fix" or empty for both
  std::string product, family, component, symptom, region;
  int64_t from_ms = 0;  // opened at or after; 0 = no bound
  int64_t to_ms = 0;    // opened before; 0 = no bound
};

struct SearchRequest {
  std::string text;
  SearchFilters filters;
  size_t offset = 0;
  size_t limit = 10;
  bool facets = true;
  std::string exclude;  // "kind:id" left out of the hits (the query case itself)
  // Rank the documents that have every word of the query first, then those
  // with only some of them (one order for every page). For short searches;
  // similar-case queries (whole texts) match any word.
  bool all_words_first = false;
  // > 0: a text with more query terms matches on this many of them, those
  // with the highest BM25 upper bound (Xapian's elite set); 0: all terms.
  size_t max_terms = 0;
  // ... and only on an index of more documents than this: small indexes
  // are fast with every term.
  size_t max_terms_min_docs = 0;
  // > 0: all_words_first on an index of more documents than this (a
  // similar-case query on a large index: the intersection of long posting
  // lists is cheap, their union is not).
  size_t all_words_first_min_docs = 0;
  // On an index of more than `window_min_docs` documents, when more than
  // `window_above` may match, the matches are ranked among the newest of
  // them only: the most recent months of cases (and every fix) that hold
  // at least max(window_matches, 4 x the documents asked for) matches
  // (with every word, for the documents that have every word), so that a
  // search for common words costs the same at 200k cases as at 5M. The
  // whole index when no such window is smaller. 0: never.
  size_t window_min_docs = 100'000;
  size_t window_above = 2'000;
  size_t window_matches = 400;
};

// Facets count over this many best matches (all of them when fewer).
inline constexpr unsigned kFacetDocs = 100;

struct SearchHit {
  std::string kind, id, title, snippet, product;
  std::vector<std::string> components, symptoms, fixes;
  int64_t opened_ms = 0;
  std::string cause;  // a case's failure cause, when it has one
  int percent = 0;
  double weight = 0;
};

struct FacetCount {
  std::string value;
  int count = 0;
};

struct SearchResponse {
  // How many documents match, as paging on would reach them: at least
  // `lower_bound` (exact when it equals `upper_bound`), about `estimated`.
  uint64_t matches_estimated = 0;
  uint64_t matches_lower_bound = 0;
  uint64_t matches_upper_bound = 0;
  std::vector<SearchHit> hits;
  // "product", "component", "symptom" -> counts over the best matches
  std::map<std::string, std::vector<FacetCount>> facets;
};

class Searcher {
 public:
  // The index in `dir` with `shards` shards (as the indexer wrote it);
  // Unavailable when a shard is not there.
  static Result<std::unique_ptr<Searcher>> Open(const std::string& dir, int shards);
  ~Searcher();

  // InvalidArgument for an empty query (after folding) or a bad range;
  // Unavailable when there is no index yet; IOError when the index cannot be
  // read; Corruption when a document's stored data is damaged (a reindex
  // writes it again); Busy when the indexer discarded the revision being
  // read so often that a few fresh starts did not get through. Thread-safe.
  Result<SearchResponse> Search(const SearchRequest& request) const;

  // Tests only: called in every try of a search after its handles are
  // opened or reopened, before matching (to commit under a search).
  void SetBeforeMatchForTest(std::function<void()> fn) { before_match_ = std::move(fn); }

 private:
  Searcher() = default;
  // One open handle per shard, used by one search at a time.
  struct Handles {
    std::vector<Xapian::Database> shards;
  };
  // One try of Search on `db`; throws what Xapian throws.
  Result<SearchResponse> SearchOnce(const SearchRequest& req,
                                    const std::vector<WeightedTerm>& terms, Handles& db) const;
  std::unique_ptr<Handles> Acquire() const;
  void Release(std::unique_ptr<Handles> h) const;

  std::vector<std::string> paths_;
  const TextFolder* folder_ = nullptr;  // TextFolder::Shared()
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<Handles>> pool_;
  std::function<void()> before_match_;
};

}  // namespace faultgraph::search
