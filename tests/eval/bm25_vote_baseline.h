// The "BM25 nearest-case vote" baseline (issue 15), exactly:
// training texts in an SQLite FTS5 table; each query is the OR of its
// distinct tokens (tests/eval/baseline_text.h), each token quoted; the top
// 20 rows by bm25() each vote their label with weight 1/(rank+1) (rank 0
// the best); the labels by vote, padded with the most-frequent ranking
// (the query product's first where it has one).
//
// English: the raw text under FTS5's `porter unicode61` tokenizer.
// Chinese: the text pre-tokenised (BaselineTokens: overlapping CJK
// bigrams, lone ideographs as unigrams, other words as they are, joined by
// spaces) under plain `unicode61`, which then only splits at the spaces and
// folds case; Latin words in Chinese text are not stemmed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tests/eval/baseline_text.h"

struct sqlite3;
struct sqlite3_stmt;

namespace faultgraph::eval {

enum class Bm25Language { kEnglish, kChinese };

class Bm25Vote {
 public:
  static constexpr size_t kHits = 20;

  // An in-memory FTS5 table of the rows (rows without a label are left out).
  static Result<std::unique_ptr<Bm25Vote>> Build(const std::vector<LabelledText>& train,
                                                 Bm25Language language);
  ~Bm25Vote();
  Bm25Vote(const Bm25Vote&) = delete;
  Bm25Vote& operator=(const Bm25Vote&) = delete;

  // The labels best first: every label a hit voted for, then the
  // most-frequent ranking until there are k (where there are so many).
  // Ties in the vote: the label of the better-ranked hit first.
  Result<std::vector<std::string>> Rank(std::string_view product, std::string_view text,
                                        size_t k) const;

  // The FTS5 query of a text: "tok1" OR "tok2" ... ("" when it has no token).
  static std::string Query(std::string_view text);

 private:
  explicit Bm25Vote(const std::vector<LabelledText>& train) : most_frequent_(train) {}

  sqlite3* db_ = nullptr;
  sqlite3_stmt* search_ = nullptr;
  std::vector<std::string> labels_;  // label number (the table's column) -> label
  MostFrequent most_frequent_;
};

}  // namespace faultgraph::eval
