// The search index beside the graph: one Indexer (the only Xapian writer)
// kept in step with the outbox, by a background thread in the daemon or on
// demand in the CLI, and a Searcher for queries.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "graph/graph_store.h"
#include "search/indexer.h"
#include "search/searcher.h"

namespace faultgraph::api {

// Where a data directory keeps each store.
struct DataPaths {
  explicit DataPaths(const std::string& dir)
      : graph(dir + "/graph"), index(dir + "/index"), models(dir + "/models") {}
  std::string graph;
  std::string index;
  std::string models;  // root cause's trained models (diagnosis/models.h)
};

class SearchService {
 public:
  // Opens (creating) the index in `index_dir` and catches up with the
  // outbox. With `background`, a thread keeps catching up after Notify()
  // and every half second until Stop().
  static Result<std::unique_ptr<SearchService>> Open(graph::GraphStore* store,
                                                     const std::string& index_dir, bool background);
  ~SearchService();

  // New outbox entries were committed.
  void Notify();
  // Indexes what the outbox holds now; returns entries indexed.
  Result<uint64_t> CatchUp();
  Result<uint64_t> Rebuild();
  // Catches up, then compares the index with the graph
  // (search/index_verify.h); with `repair`, indexes again what is missing
  // or stale and deletes orphans (`repaired` counts them).
  struct VerifyResult {
    search::IndexReport report;
    uint64_t repaired = 0;
  };
  Result<VerifyResult> Verify(bool repair);
  // What the check at open found when the previous writer of this index
  // did not close it (a crash or kill -9); nullopt after a clean close.
  // Whatever it found was repaired then.
  const std::optional<search::IndexReport>& unclean_open_report() const {
    return unclean_open_report_;
  }
  // Documents missing + stale + orphaned at the last Verify (or the check
  // at open); what /metrics shows.
  struct Health {
    uint64_t missing = 0, stale = 0, orphaned = 0, repaired = 0;
    int64_t checked_ms = 0;  // 0: never checked in this process
  };
  Health health() const;
  const search::Searcher& searcher() const { return *searcher_; }
  // The outbox sequence every shard held after the last catch-up, rebuild
  // or check (what /metrics compares with the graph's). Lock-free.
  uint64_t indexed_seq() const { return indexed_seq_.load(); }
  // Stops the background thread; with `catch_up`, indexes what the last
  // batches committed first and returns how that went (without: what is
  // left stays in the outbox for the next writer). Idempotent.
  Status Stop(bool catch_up = true);

 private:
  SearchService() = default;
  void Loop();

  mutable std::mutex mu_;  // guards indexer_ and health_
  std::unique_ptr<search::Indexer> indexer_;
  std::string open_marker_;  // exists while this process writes the index
  std::optional<search::IndexReport> unclean_open_report_;
  Health health_;
  std::unique_ptr<search::Searcher> searcher_;
  std::atomic<uint64_t> indexed_seq_{0};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace faultgraph::api
