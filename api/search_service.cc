#include "api/search_service.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "common/clock.h"
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
  // A marker that outlives its writer means the last one did not close the
  // index (kill -9, power loss): after catching up, check the index against
  // the graph, and say and repair what differs. Written before this writer
  // changes anything; removed only by a writer that opened and closed.
  const std::string marker = index_dir + "/WRITER_OPEN";
  std::error_code ec;
  const bool unclean = std::filesystem::exists(marker, ec);
  if (!unclean) {
    FILE* f = std::fopen(marker.c_str(), "w");
    if (f == nullptr || std::fclose(f) != 0) return Status::IOError("cannot write " + marker);
  }
  auto caught = s->indexer_->CatchUp();
  if (!caught.ok()) return caught.status();
  s->indexed_seq_ = s->indexer_->indexed_seq();
  if (unclean) {
    auto checked = s->Verify(/*repair=*/true);
    if (!checked.ok()) return checked.status();
    s->unclean_open_report_ = checked->report;
    const auto& r = checked->report;
    std::string what = std::to_string(r.missing.size()) + " missing, " +
                       std::to_string(r.stale.size()) + " stale, " +
                       std::to_string(r.orphaned.size()) + " orphaned of " +
                       std::to_string(r.graph_docs) + " cases and fixes";
    if (r.clean()) {
      LogInfo("search index: checked after an unclean shutdown: complete (" + what + ")");
    } else {
      LogError("search index: checked after an unclean shutdown: " + what + "; " +
               std::to_string(checked->repaired) + " documents repaired");
    }
  }
  auto searcher = search::Searcher::Open(index_dir, kShards);
  if (!searcher.ok()) return searcher.status();
  s->searcher_ = std::move(searcher).value();
  if (background) s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  s->open_marker_ = marker;  // from here a close is a clean one
  return s;
}

void SearchService::Notify() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    pending_ = true;
  }
  wake_.notify_one();
}

Result<uint64_t> SearchService::CatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = indexer_->CatchUp();
  indexed_seq_ = indexer_->indexed_seq();
  return r;
}

Result<uint64_t> SearchService::Rebuild() {
  std::lock_guard<std::mutex> lock(mu_);
  auto r = indexer_->Rebuild();
  indexed_seq_ = indexer_->indexed_seq();
  return r;
}

Result<SearchService::VerifyResult> SearchService::Verify(bool repair) {
  std::lock_guard<std::mutex> lock(mu_);
  auto caught = indexer_->CatchUp();
  indexed_seq_ = indexer_->indexed_seq();
  if (!caught.ok()) return caught.status();
  auto report = indexer_->Verify();
  if (!report.ok()) return report.status();
  VerifyResult out{std::move(report).value(), 0};
  health_.missing = out.report.missing.size();
  health_.stale = out.report.stale.size();
  health_.orphaned = out.report.orphaned.size();
  health_.checked_ms = SystemClock()->NowMillis();
  if (repair && !out.report.clean()) {
    auto repaired = indexer_->Repair(out.report);
    if (!repaired.ok()) return repaired.status();
    out.repaired = *repaired;
    health_.repaired += *repaired;
  }
  return out;
}

SearchService::Health SearchService::health() const {
  std::lock_guard<std::mutex> lock(mu_);
  return health_;
}

void SearchService::Loop() {
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(500),
                     [&] { return pending_ || stop_.load(); });
      pending_ = false;
    }
    // The indexer's thread: an exception is logged like any error and the
    // next round tries again.
    auto r = CatchExceptions("indexer", [&] { return CatchUp(); });
    if (!r.ok()) LogError("indexer: " + r.status().ToString());
  }
}

Status SearchService::Stop(bool catch_up) {
  if (!thread_.joinable()) return Status::Ok();
  stop_ = true;
  wake_.notify_one();
  thread_.join();
  if (!catch_up) return Status::Ok();
  auto r = CatchUp();  // what the last batches committed
  return r.ok() ? Status::Ok() : r.status();
}

SearchService::~SearchService() {
  if (Status s = Stop(); !s.ok()) LogError("indexer: " + s.ToString());
  // Closed cleanly: the next writer need not check the index.
  std::lock_guard<std::mutex> lock(mu_);
  indexer_.reset();
  if (!open_marker_.empty()) std::remove(open_marker_.c_str());
}

}  // namespace faultgraph::api
