#include "search/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "search/analyzer.h"
#include "search/index_schema.h"
#include "search/indexer.h"
#include "search/snippet.h"
#include "search/text_fold.h"

namespace faultgraph::search {
namespace {

constexpr Xapian::doccount kFacetDocs = 100;  // facets count over this many best matches
constexpr size_t kSnippetBytes = 180;

Xapian::Query Filter(std::string_view prefix, const std::string& value) {
  return Xapian::Query(std::string(prefix) + value);
}

}  // namespace

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir, int shards) {
  auto s = std::unique_ptr<Searcher>(new Searcher());
  s->paths_ = ShardPaths(dir, shards);
  for (const auto& p : s->paths_) {
    if (!std::filesystem::exists(p)) {
      return Status::NotFound("no search index in " + dir + " (run 'faultgraph reindex')");
    }
  }
  auto folder = TextFolder::Create();
  if (!folder.ok()) return folder.status();
  s->folder_ = std::move(folder).value();
  return s;
}

Searcher::~Searcher() = default;

std::unique_ptr<Xapian::Database> Searcher::Acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      db->reopen();  // see the latest commit
      return db;
    }
  }
  auto db = std::make_unique<Xapian::Database>();
  for (const auto& p : paths_) db->add_database(Xapian::Database(p));
  return db;
}

void Searcher::Release(std::unique_ptr<Xapian::Database> db) const {
  std::lock_guard<std::mutex> lock(mu_);
  pool_.push_back(std::move(db));
}

Result<SearchResponse> Searcher::Search(const SearchRequest& req) const {
  std::string folded = folder_->Fold(req.text);
  if (folded.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status::InvalidArgument("the query is empty");
  }
  if (req.filters.from_ms != 0 && req.filters.to_ms != 0 &&
      req.filters.to_ms <= req.filters.from_ms) {
    return Status::InvalidArgument("the period ends before it starts");
  }
  std::unique_ptr<Xapian::Database> db;
  try {
    db = Acquire();
    // The query's words are analysed exactly as the documents' were and
    // OR-ed, so BM25 ranks by overlap. (Xapian 1.4's QueryParser rejects
    // mixed text such as "noise 噪音 fan" under FLAG_CJK_NGRAM.)
    std::vector<Xapian::Query> words;
    std::vector<WeightedTerm> terms = QueryTerms(folded);
    for (const auto& t : terms) words.emplace_back(t.term, t.wdf);
    if (words.empty()) {
      Release(std::move(db));
      return Status::InvalidArgument("the query has no words to search for");
    }
    std::vector<Xapian::Query> filters;
    const SearchFilters& f = req.filters;
    if (!f.kind.empty()) filters.push_back(Filter(kKindPrefix, f.kind));
    if (!f.product.empty()) filters.push_back(Filter(kProductPrefix, f.product));
    if (!f.family.empty()) filters.push_back(Filter(kFamilyPrefix, f.family));
    if (!f.component.empty()) filters.push_back(Filter(kComponentPrefix, f.component));
    if (!f.symptom.empty()) filters.push_back(Filter(kSymptomPrefix, f.symptom));
    if (!f.region.empty()) filters.push_back(Filter(kRegionPrefix, f.region));
    if (f.from_ms != 0 || f.to_ms != 0) {
      std::string lo = Xapian::sortable_serialise(static_cast<double>(f.from_ms));
      std::string hi =
          Xapian::sortable_serialise(static_cast<double>(f.to_ms != 0 ? f.to_ms - 1 : INT64_MAX));
      filters.push_back(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kOpenedSlot, lo, hi));
    }
    auto restrict = [&](Xapian::Query query) {
      if (!filters.empty()) {
        query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
      }
      if (!req.exclude.empty()) {
        query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                              Xapian::Query(std::string(kIdPrefix) + req.exclude));
      }
      return query;
    };

    Xapian::Enquire enquire(*db);
    Xapian::doccount want = static_cast<Xapian::doccount>(req.offset + req.limit);
    Xapian::doccount fetch = req.facets ? std::max(want, kFacetDocs) : want;
    Xapian::MSet mset;
    if (req.all_words_first && words.size() > 1) {
      // Documents with every word first (intersections of long posting
      // lists are cheap); any word only when too few have them all.
      enquire.set_query(restrict(Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end())));
      mset = enquire.get_mset(0, fetch);
    }
    if (mset.size() < want) {
      // A long text (a whole ticket) may match on its most informative words
      // only: the elite set keeps the terms with the highest BM25 bound.
      const auto elite = static_cast<Xapian::termcount>(req.max_terms);
      Xapian::Query any =
          elite > 0 && words.size() > elite && db->get_doccount() > req.max_terms_min_docs
              ? Xapian::Query(Xapian::Query::OP_ELITE_SET, words.begin(), words.end(), elite)
              : Xapian::Query(Xapian::Query::OP_OR, words.begin(), words.end());
      enquire.set_query(restrict(any));
      mset = enquire.get_mset(0, fetch);
    }

    SearchResponse out;
    out.matches_estimated = mset.get_matches_estimated();
    std::unordered_map<std::string, int> counts[3];  // product, component, symptom
    Xapian::doccount rank = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it, ++rank) {
      bool is_hit = rank >= req.offset && rank < want;
      if (!is_hit && !req.facets) continue;
      // The stored data carries what facets and hits show: one read per doc.
      StoredDoc sd = StoredDoc::Parse(it.get_document().get_data());
      if (req.facets) {
        if (!sd.product.empty()) ++counts[0][sd.product];
        for (const auto& c : sd.components) ++counts[1][c];
        for (const auto& y : sd.symptoms) ++counts[2][y];
      }
      if (!is_hit) continue;
      SearchHit h;
      h.kind = sd.kind;
      h.id = sd.id;
      h.title = sd.title;
      h.product = sd.product;
      h.components = sd.components;
      h.symptoms = sd.symptoms;
      h.fixes = sd.fixes;
      h.opened_ms = sd.opened_ms;
      h.percent = it.get_percent();
      h.weight = it.get_weight();
      h.snippet = MakeSnippet(sd.folded, terms, kSnippetBytes);
      out.hits.push_back(std::move(h));
    }
    if (req.facets) {
      static constexpr const char* kNames[3] = {"product", "component", "symptom"};
      for (int k = 0; k < 3; ++k) {
        auto& list = out.facets[kNames[k]];
        for (auto& [v, c] : counts[k]) list.push_back({v, c});
        std::sort(list.begin(), list.end(), [](const FacetCount& a, const FacetCount& b) {
          return a.count != b.count ? a.count > b.count : a.value < b.value;
        });
        if (list.size() > 20) list.resize(20);
      }
    }
    Release(std::move(db));
    return out;
  } catch (const Xapian::DatabaseOpeningError& e) {
    return Status::NotFound("no search index yet: " + e.get_description());
  } catch (const Xapian::Error& e) {
    return Status::IOError("search failed: " + e.get_description());
  }
}

}  // namespace faultgraph::search
