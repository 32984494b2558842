#include "tests/eval/bm25_vote_baseline.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

namespace faultgraph::eval {
namespace {

Status SqliteError(sqlite3* db, const std::string& what) {
  return Status::IOError("SQLite " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// Finalizes a statement when it goes out of scope.
struct Statement {
  sqlite3_stmt* s = nullptr;
  ~Statement() { sqlite3_finalize(s); }
};

}  // namespace

std::string Bm25Vote::Query(std::string_view text) {
  std::string q;
  std::set<std::string> seen;
  for (auto& t : BaselineTokens(text)) {
    if (!seen.insert(t).second) continue;
    // A token holds letters and digits only, so no '"' to double.
    q += (q.empty() ? "\"" : " OR \"") + t + "\"";
  }
  return q;
}

Result<std::unique_ptr<Bm25Vote>> Bm25Vote::Build(const std::vector<LabelledText>& train,
                                                  Bm25Language language) {
  std::unique_ptr<Bm25Vote> out(new Bm25Vote(train));
  if (sqlite3_open_v2(":memory:", &out->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    return SqliteError(out->db_, "open");
  const std::string tokenizer =
      language == Bm25Language::kEnglish ? "porter unicode61" : "unicode61";
  const std::string create =
      "CREATE VIRTUAL TABLE docs USING fts5(body, label UNINDEXED, tokenize = '" + tokenizer + "')";
  if (sqlite3_exec(out->db_, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return SqliteError(out->db_, "create table (is FTS5 compiled in?)");
  if (sqlite3_exec(out->db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return SqliteError(out->db_, "begin");
  {
    Statement insert;
    if (sqlite3_prepare_v2(out->db_, "INSERT INTO docs(body, label) VALUES(?1, ?2)", -1, &insert.s,
                           nullptr) != SQLITE_OK)
      return SqliteError(out->db_, "prepare insert");
    std::map<std::string, int64_t> numbers;
    for (const auto& row : train) {
      if (row.label.empty()) continue;
      auto [it, added] = numbers.emplace(row.label, static_cast<int64_t>(out->labels_.size()));
      if (added) out->labels_.push_back(row.label);
      std::string body = row.text;
      if (language == Bm25Language::kChinese) {
        body.clear();
        for (const auto& t : BaselineTokens(row.text)) body += (body.empty() ? "" : " ") + t;
      }
      sqlite3_bind_text(insert.s, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(insert.s, 2, it->second);
      if (sqlite3_step(insert.s) != SQLITE_DONE) return SqliteError(out->db_, "insert");
      sqlite3_reset(insert.s);
    }
  }
  if (sqlite3_exec(out->db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return SqliteError(out->db_, "commit");
  const std::string search =
      "SELECT label FROM docs WHERE docs MATCH ?1 ORDER BY bm25(docs), rowid LIMIT " +
      std::to_string(kHits);
  if (sqlite3_prepare_v2(out->db_, search.c_str(), -1, &out->search_, nullptr) != SQLITE_OK)
    return SqliteError(out->db_, "prepare search");
  return out;
}

Bm25Vote::~Bm25Vote() {
  sqlite3_finalize(search_);
  sqlite3_close(db_);
}

Result<std::vector<std::string>> Bm25Vote::Rank(std::string_view product, std::string_view text,
                                                size_t k) const {
  struct Vote {
    double weight = 0;
    size_t first = 0;  // the rank of its best hit
  };
  std::map<int64_t, Vote> votes;
  const std::string q = Query(text);
  if (!q.empty()) {
    sqlite3_reset(search_);
    sqlite3_bind_text(search_, 1, q.data(), static_cast<int>(q.size()), SQLITE_TRANSIENT);
    size_t rank = 0;
    int rc;
    while ((rc = sqlite3_step(search_)) == SQLITE_ROW) {
      const int64_t label = sqlite3_column_int64(search_, 0);
      auto [it, added] = votes.try_emplace(label, Vote{0, rank});
      it->second.weight += 1.0 / static_cast<double>(rank + 1);
      ++rank;
    }
    sqlite3_reset(search_);
    if (rc != SQLITE_DONE) return SqliteError(db_, "search");
  }
  std::vector<std::pair<int64_t, Vote>> ranked(votes.begin(), votes.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.second.weight != b.second.weight ? a.second.weight > b.second.weight
                                              : a.second.first < b.second.first;
  });
  std::vector<std::string> out;
  for (const auto& [label, v] : ranked) out.push_back(labels_[static_cast<size_t>(label)]);
  most_frequent_.Pad(product, k, &out);
  return out;
}

}  // namespace faultgraph::eval
