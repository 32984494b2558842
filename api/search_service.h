// The search index beside the graph: one Indexer (the only Xapian writer)
// kept in step with the outbox, by a background thread in the daemon or on
// demand in the CLI, and a Searcher for queries.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "graph/graph_store.h"
#include "search/indexer.h"
#include "search/searcher.h"

namespace faultgraph::api {

// Where a data directory keeps each store.
struct DataPaths {
  explicit DataPaths(const std::string& dir) : graph(dir + "/graph"), index(dir + "/index") {}
  std::string graph;
  std::string index;
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
  const search::Searcher& searcher() const { return *searcher_; }
  // Stops the background thread after a last catch-up. Idempotent.
  void Stop();

 private:
  SearchService() = default;
  void Loop();

  std::mutex mu_;  // guards indexer_
  std::unique_ptr<search::Indexer> indexer_;
  std::unique_ptr<search::Searcher> searcher_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace faultgraph::api
