#include "api/search_service.h"

#include <chrono>

#include "common/log.h"

namespace faultgraph::api {

namespace {
constexpr int kShards = 2;
}

Result<std::unique_ptr<SearchService>> SearchService::Open(graph::GraphStore* store,
                                                           const std::string& index_dir,
                                                           bool background) {
  auto s = std::unique_ptr<SearchService>(new SearchService());
  search::IndexOptions options;
  options.shards = kShards;
  auto ix = search::Indexer::Open(store, index_dir, options);
  if (!ix.ok()) return ix.status();
  s->indexer_ = std::move(ix).value();
  auto caught = s->indexer_->CatchUp();
  if (!caught.ok()) return caught.status();
  auto searcher = search::Searcher::Open(index_dir, kShards);
  if (!searcher.ok()) return searcher.status();
  s->searcher_ = std::move(searcher).value();
  if (background) s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

SearchService::~SearchService() { Stop(); }

void SearchService::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

Result<uint64_t> SearchService::CatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  return indexer_->CatchUp();
}

Result<uint64_t> SearchService::Rebuild() {
  std::lock_guard<std::mutex> lock(mu_);
  return indexer_->Rebuild();
}

void SearchService::Loop() {
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(500),
                     [&] { return pending_ || stop_.load(); });
      pending_ = false;
    }
    auto r = CatchUp();
    if (!r.ok()) LogError("indexer: " + r.status().ToString());
  }
}

void SearchService::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  wake_.notify_one();
  thread_.join();
  auto r = CatchUp();  // what the last batches committed
  if (!r.ok()) LogError("indexer: " + r.status().ToString());
}

}  // namespace faultgraph::api
