#include "search/searcher.h"

#include <tbb/parallel_for.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <tuple>
#include <unordered_map>

#include "search/analyzer.h"
#include "search/index_schema.h"
#include "search/indexer.h"
#include "search/snippet.h"
#include "text/text_fold.h"

namespace faultgraph::search {
namespace {

// Tries of a search whose revision the indexer discarded meanwhile.
constexpr int kMaxAttempts = 4;
constexpr size_t kSnippetBytes = 180;

// One match of one shard.
struct Match {
  double weight = 0;
  int percent = 0;
  size_t shard = 0;
  Xapian::docid docid = 0;
  std::string data;  // the stored document, read for hits and facets
};

// A shard's months of cases, oldest first: (month term, documents).
using Months = std::vector<std::pair<std::string, Xapian::doccount>>;

Months MonthsOf(const Xapian::Database& db) {
  Months months;
  const std::string prefix(kMonthPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    months.emplace_back(*t, t.get_termfreq());
  }
  return months;
}

// The newest months holding `need` documents that match, when a share
// `share` of each month's documents matches, as the terms of a filter,
// and every fix (fixes have no month); `held`: their documents. Empty
// when that takes every month: the window would save nothing.
std::vector<std::string> NewestWindow(const Months& months, double share, double need,
                                      double* held) {
  std::vector<std::string> out;
  *held = 0;
  for (auto it = months.rbegin(); it != months.rend() && *held * share < need; ++it) {
    out.push_back(it->first);
    *held += it->second;
  }
  if (out.size() == months.size()) return {};
  out.push_back(BoundedTerm(kKindPrefix, "fix"));
  return out;
}

// How many documents match a query in one shard: exact below the
// check_at_least asked for, bounds above.
struct MatchCounts {
  uint64_t lower = 0, estimated = 0, upper = 0;
};

// Matches `query` on the newest months of `shard` only, so that a query of
// many matches does not score them all: first a window sized by `share`
// (the expected share of matching documents), then one sized by the share
// seen in it (Xapian's estimate when none matched). True with `ms` and the
// shard's counts when a window held `need` matches (the second: at least
// `count`); false when the whole shard must be matched (the query is then
// the enquire's again).
bool MatchNewestWindow(Xapian::Enquire& enquire, const Xapian::Query& query,
                       const Xapian::Database& shard, double share, Xapian::doccount count,
                       Xapian::doccount check, Xapian::doccount need, Xapian::MSet* ms,
                       MatchCounts* counts) {
  const Months months = MonthsOf(shard);
  const double shard_docs = std::max<double>(1, shard.get_doccount());
  Xapian::MSet estimate = enquire.get_mset(0, 0);  // statistics only, no matching
  size_t tried = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    double held = 0;
    auto window = NewestWindow(months, share, need, &held);
    if (window.empty() || window.size() <= tried) break;
    tried = window.size();
    enquire.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, query,
                      Xapian::Query(Xapian::Query::OP_OR, window.begin(), window.end())));
    *ms = enquire.get_mset(0, count, std::max(check, need));
    const Xapian::doccount lower = ms->get_matches_lower_bound();
    // The second window may hold fewer than `need`, if enough to fill the
    // page: matching the whole shard costs the most.
    if (lower >= need || (attempt == 1 && lower >= count)) {
      *counts = {lower, std::max(lower, estimate.get_matches_estimated()),
                 std::max(lower, estimate.get_matches_upper_bound())};
      return true;
    }
    share = lower > 0 ? 0.8 * lower / std::max(1.0, held)
                      : std::min(1.0, estimate.get_matches_estimated() / shard_docs);
  }
  enquire.set_query(query);
  return false;
}

}  // namespace

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::string& dir, int shards) {
  auto s = std::unique_ptr<Searcher>(new Searcher());
  s->paths_ = ShardPaths(dir, shards);
  for (const auto& p : s->paths_) {
    if (!std::filesystem::exists(p)) {
      return Status::Unavailable("no search index in " + dir + " (run 'faultgraph reindex')");
    }
  }
  auto folder = text::TextFolder::Shared();
  if (!folder.ok()) return folder.status();
  s->folder_ = folder.value();
  return s;
}

Searcher::~Searcher() = default;

std::unique_ptr<Searcher::Handles> Searcher::Acquire() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pool_.empty()) {
      auto h = std::move(pool_.back());
      pool_.pop_back();
      for (auto& db : h->shards) db.reopen();  // see the latest commit
      return h;
    }
  }
  auto h = std::make_unique<Handles>();
  for (const auto& p : paths_) h->shards.emplace_back(p);
  return h;
}

void Searcher::Release(std::unique_ptr<Handles> h) const {
  std::lock_guard<std::mutex> lock(mu_);
  pool_.push_back(std::move(h));
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
  // The query's words are analysed exactly as the documents' were and
  // OR-ed, so BM25 ranks by overlap. (Xapian 1.4's QueryParser rejects
  // mixed text such as "noise 噪音 fan" under FLAG_CJK_NGRAM.)
  std::vector<WeightedTerm> terms;
  try {
    terms = QueryTerms(folded);
  } catch (...) {
    return CurrentExceptionStatus("search: analysing the query");
  }
  if (terms.empty()) return Status::InvalidArgument("the query has no words to search for");
  std::unique_ptr<Handles> db;
  for (int attempt = 1;; ++attempt) {
    try {
      if (db == nullptr) {
        db = Acquire();
      } else {
        for (auto& shard : db->shards) shard.reopen();
      }
      if (before_match_) before_match_();
      auto out = SearchOnce(req, terms, *db);
      Release(std::move(db));
      return out;
    } catch (const Xapian::DatabaseModifiedError& e) {
      // The indexer committed (every 500 ms while it writes) often enough
      // during this search that the revision it read is gone: read the
      // latest one and search again, a bounded number of times.
      if (attempt >= kMaxAttempts) {
        return Status::Busy("search failed: the index changed under it " + std::to_string(attempt) +
                            " times in a row (" + e.get_msg() + ")");
      }
    } catch (const Xapian::DatabaseOpeningError& e) {
      return Status::Unavailable("no search index yet: " + e.get_description());
    } catch (const Xapian::Error& e) {
      return Status::IOError("search failed: " + e.get_description());
    } catch (...) {
      return CurrentExceptionStatus("search");
    }
  }
}

Result<SearchResponse> Searcher::SearchOnce(const SearchRequest& req,
                                            const std::vector<WeightedTerm>& terms,
                                            Handles& db) const {
  const SearchFilters& f = req.filters;
  std::vector<std::string> filter_terms;
  if (!f.kind.empty()) filter_terms.push_back(BoundedTerm(kKindPrefix, f.kind));
  if (!f.product.empty()) filter_terms.push_back(BoundedTerm(kProductPrefix, f.product));
  if (!f.family.empty()) filter_terms.push_back(BoundedTerm(kFamilyPrefix, f.family));
  if (!f.component.empty()) filter_terms.push_back(BoundedTerm(kComponentPrefix, f.component));
  if (!f.symptom.empty()) filter_terms.push_back(BoundedTerm(kSymptomPrefix, f.symptom));
  if (!f.region.empty()) filter_terms.push_back(BoundedTerm(kRegionPrefix, f.region));
  const bool ranged = f.from_ms != 0 || f.to_ms != 0;
  const std::string lo = Xapian::sortable_serialise(static_cast<double>(f.from_ms));
  const std::string hi =
      Xapian::sortable_serialise(static_cast<double>(f.to_ms == 0           ? INT64_MAX
                                                     : f.to_ms == INT64_MIN ? INT64_MIN
                                                                            : f.to_ms - 1));
  enum class Mode { kAll, kAny, kElite };
  const bool has_content =
      std::any_of(terms.begin(), terms.end(), [](const WeightedTerm& t) { return !t.stop; });
  // Builds the whole query from strings. Each shard's thread builds its
  // own: Xapian::Query shares its parts with non-atomic reference
  // counts, so one Query must never be copied on two threads at once.
  auto make_query = [&](Mode mode, Xapian::termcount elite) {
    std::vector<Xapian::Query> words, stops;
    for (const auto& t : terms) {
      (mode == Mode::kAll && t.stop && has_content ? stops : words).emplace_back(t.term, t.wdf);
    }
    Xapian::Query query =
        mode == Mode::kAll ? Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end())
        : mode == Mode::kElite
            ? Xapian::Query(Xapian::Query::OP_ELITE_SET, words.begin(), words.end(), elite)
            : Xapian::Query(Xapian::Query::OP_OR, words.begin(), words.end());
    // Every word but the function words ("fan not spinning" needs "fan"
    // and "spinning"; "not" only adds its weight where it is).
    if (!stops.empty()) {
      query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                            Xapian::Query(Xapian::Query::OP_OR, stops.begin(), stops.end()));
    }
    std::vector<Xapian::Query> filters;
    for (const auto& t : filter_terms) filters.emplace_back(t);
    if (ranged) filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, kOpenedSlot, lo, hi);
    if (!filters.empty()) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    if (!req.exclude.empty()) {
      query = Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                            Xapian::Query(BoundedTerm(kIdPrefix, req.exclude)));
    }
    return query;
  };

  // Each shard is matched on its own core and the best of both merged by
  // weight: the shards hold hash-distributed halves of one collection, so
  // their BM25 statistics, and so their weights, agree closely.
  const size_t n = db.shards.size();
  Xapian::doccount want = static_cast<Xapian::doccount>(req.offset + req.limit);
  Xapian::doccount fetch = req.facets ? std::max(want, kFacetDocs) : want;
  using Counts = MatchCounts;
  // The best `count` matches of a query over all shards, and how many
  // documents match it. check_at_least `check` (the page and the facets'
  // documents when matches are wanted): below that many matches the
  // counts are exact, above it the lower bound is at least that many.
  // `window`: how a query of many matches (over req.window_above) is
  // first matched on the newest of them only (see NewestWindow): kAll, a
  // query that needs every word; kAny, one that needs any word.
  enum class Window { kNone, kAll, kAny };
  uint64_t docs = 0;
  for (const auto& d : db.shards) docs += d.get_doccount();
  auto run = [&](const std::function<Xapian::Query()>& make, Xapian::doccount count,
                 Xapian::doccount check, Counts* total, Window windowed = Window::kNone) {
    std::vector<std::vector<Match>> per(n);
    std::vector<Counts> c(n);
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
      Xapian::Enquire enquire(db.shards[i]);
      Xapian::Query query = make();
      enquire.set_query(query);
      Xapian::MSet ms;
      bool done = false;
      if (windowed != Window::kNone && count > 0 && req.window_above > 0 &&
          docs > req.window_min_docs) {
        // At most as many documents hold every word as hold the rarest; at
        // least as many hold any word as hold the commonest.
        const Xapian::Database& shard = db.shards[i];
        const double shard_docs = std::max<double>(1, shard.get_doccount());
        double bound = windowed == Window::kAll ? shard_docs : 0;
        for (const auto& t : terms) {
          if (windowed == Window::kAll && t.stop && has_content) continue;  // not needed
          const double tf = shard.get_termfreq(t.term);
          bound = windowed == Window::kAll ? std::min(bound, tf) : std::max(bound, tf);
        }
        const double shards = static_cast<double>(n);
        if (bound * shards > static_cast<double>(req.window_above)) {
          // Per shard: the newest `need` matches, at least.
          const auto need = static_cast<Xapian::doccount>(
              std::max<size_t>(req.window_matches, 4 * size_t{count}) / n + 1);
          done = MatchNewestWindow(enquire, query, shard, std::min(1.0, bound / shard_docs), count,
                                   check, need, &ms, &c[i]);
        }
      }
      if (!done) {
        ms = enquire.get_mset(0, count, check);
        c[i] = {ms.get_matches_lower_bound(), ms.get_matches_estimated(),
                ms.get_matches_upper_bound()};
      }
      for (auto it = ms.begin(); it != ms.end(); ++it)
        per[i].push_back({it.get_weight(), it.get_percent(), i, *it, {}});
    });
    std::vector<Match> out;
    *total = {};
    for (size_t i = 0; i < n; ++i) {
      total->lower += c[i].lower;
      total->estimated += c[i].estimated;
      total->upper += c[i].upper;
      for (auto& m : per[i]) out.push_back(std::move(m));
    }
    std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) {
      return a.weight != b.weight ? a.weight > b.weight
                                  : std::tie(a.shard, a.docid) < std::tie(b.shard, b.docid);
    });
    if (out.size() > count) out.resize(count);
    return out;
  };
  // A long text (a whole ticket) may match on its most informative words
  // only: the elite set keeps the terms with the highest BM25 bound.
  const auto elite = static_cast<Xapian::termcount>(req.max_terms);
  const bool use_elite = elite > 0 && terms.size() > elite && docs > req.max_terms_min_docs;
  const Mode any = use_elite ? Mode::kElite : Mode::kAny;
  const bool all_words_first =
      req.all_words_first ||
      (req.all_words_first_min_docs > 0 && docs > req.all_words_first_min_docs);
  auto any_query = [&] { return make_query(any, elite); };
  std::vector<Match> mset;
  Counts matched;
  if (all_words_first && terms.size() > 1) {
    // Documents with every word first (intersections of long posting
    // lists are cheap), then those with only some, ranked among
    // themselves: one order for every page, so that paging on reaches
    // every document with any word, and the count says so.
    Counts all;
    mset = run([&] { return make_query(Mode::kAll, 0); }, fetch, 0, &all, Window::kAll);
    if (mset.size() < want) {
      // Every full match is in `mset` (fewer than asked): the rest follow.
      Counts rest;
      const auto left = fetch - static_cast<Xapian::doccount>(mset.size());
      auto more = run(
          [&] {
            return Xapian::Query(Xapian::Query::OP_AND_NOT, any_query(), make_query(Mode::kAll, 0));
          },
          left, left, &rest, Window::kAny);
      matched = {mset.size() + rest.lower, mset.size() + rest.estimated, mset.size() + rest.upper};
      for (auto& m : more) mset.push_back(std::move(m));
    } else {
      // The page is all full matches: the rest only counted, from the
      // index's statistics (no matching: a search stays as fast as before).
      run(any_query, 0, 0, &matched);
      matched.lower = std::max(matched.lower, all.lower);
    }
  } else {
    mset = run(any_query, fetch, fetch, &matched, Window::kAny);
  }
  // Consistent bounds: the estimate within them, never below the hits.
  matched.lower = std::max<uint64_t>(matched.lower, mset.size());
  matched.estimated = std::max(matched.estimated, matched.lower);
  matched.upper = std::max(matched.upper, matched.estimated);
  // The stored fields carry what facets and hits show: one read per
  // document, each shard's on its own core (in the document data for
  // documents indexed before kStoredSlot).
  size_t keep = req.facets ? mset.size() : std::min<size_t>(mset.size(), want);
  tbb::parallel_for(size_t{0}, n, [&](size_t i) {
    for (size_t k = 0; k < keep; ++k) {
      if (mset[k].shard == i && (req.facets || k >= req.offset)) {
        // From this shard's match set: the document is there.
        auto d = db.shards[i].get_document(mset[k].docid, Xapian::DOC_ASSUME_VALID);
        mset[k].data = d.get_data();
        if (mset[k].data.empty()) mset[k].data = d.get_value(kStoredSlot);
      }
    }
  });

  SearchResponse out;
  out.matches_estimated = matched.estimated;
  out.matches_lower_bound = matched.lower;
  out.matches_upper_bound = matched.upper;
  std::unordered_map<std::string, int> counts[3];  // product, component, symptom
  for (size_t rank = 0; rank < keep; ++rank) {
    const Match& m = mset[rank];
    bool is_hit = rank >= req.offset && rank < want;
    if (!is_hit && !req.facets) continue;
    auto parsed = StoredDoc::Parse(m.data);
    if (!parsed.ok()) {
      return Status::Corruption("search index shard " + std::to_string(m.shard) + ", document " +
                                std::to_string(m.docid) + ": " + parsed.status().message());
    }
    const StoredDoc& sd = *parsed;
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
    h.cause = sd.cause;
    h.percent = m.percent;
    h.weight = m.weight;
    h.snippet = sd.shown.empty()
                    ? MakeSnippet(sd.folded, terms, kSnippetBytes)
                    : MakeShownSnippet(sd.shown, sd.folded, *folder_, terms, kSnippetBytes);
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
  return out;
}

}  // namespace faultgraph::search
