#include "api/audit_log.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/log.h"
#include "graph/key_codec.h"

namespace faultgraph::api {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr auto kPruneEvery = std::chrono::hours(1);
constexpr size_t kPruneBatch = 10'000;

nlohmann::json ToJson(const AuditEvent& e) {
  return {{"time_ms", e.time_ms},
          {"principal", e.principal},
          {"role", e.role},
          {"method", e.method},
          {"targets", e.targets},
          {"outcome", e.outcome},
          {"duration_us", e.duration_us},
          {"peer", e.peer}};
}

Result<AuditEvent> FromJson(std::string_view value) {
  auto j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("an audit record is not readable");
  AuditEvent e;
  e.time_ms = j.value("time_ms", int64_t{0});
  e.principal = j.value("principal", std::string());
  e.role = j.value("role", std::string());
  e.method = j.value("method", std::string());
  e.targets = j.value("targets", std::vector<std::string>());
  e.outcome = j.value("outcome", std::string());
  e.duration_us = j.value("duration_us", int64_t{0});
  e.peer = j.value("peer", std::string());
  return e;
}

}  // namespace

std::string AuditJson(const AuditEvent& e) {
  return ToJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AuditLog::AuditLog(graph::GraphStore* store, AuditOptions options)
    : store_(store),
      options_(options),
      // Unique across restarts within one millisecond: keys are time|seq.
      next_seq_(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())),
      writer_([this] {
        try {
          WriterLoop();
        } catch (...) {
          LogError(CurrentExceptionStatus("audit trail writer").ToString() +
                   ": calls are no longer written to the audit trail");
        }
      }) {}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

void AuditLog::Record(AuditEvent event) {
  if (options_.log_lines) {
    nlohmann::json line = ToJson(event);
    line["level"] = "audit";
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fputs(text.c_str(), stderr);
  }
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(event));
}

Status AuditLog::WriteQueued(std::unique_lock<std::mutex>& lock) {
  if (queue_.empty()) return Status::Ok();
  std::vector<AuditEvent> events;
  events.swap(queue_);
  uint64_t seq = next_seq_;
  next_seq_ += events.size();
  lock.unlock();
  auto batch = store_->NewBatch();
  for (const auto& e : events)
    batch.PutApiCall(e.time_ms, seq++, AuditJson(e));
  Status s = store_->Commit(batch);
  lock.lock();
  if (!s.ok())
    LogError("cannot write " + std::to_string(events.size()) + " audit records: " + s.ToString());
  return s;
}

Status AuditLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  return WriteQueued(lock);
}

void AuditLog::WriterLoop() {
  auto next_prune = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (options_.retention_days > 0 && std::chrono::steady_clock::now() >= next_prune) {
      lock.unlock();
      int64_t before = SystemClock()->NowMillis() - options_.retention_days * kDayMs;
      auto pruned = PruneAudit(*store_, before);
      if (!pruned.ok())
        LogError("cannot prune the audit trail: " + pruned.status().ToString());
      else if (*pruned > 0)
        LogInfo("audit trail: deleted " + std::to_string(*pruned) + " records older than " +
                std::to_string(options_.retention_days) + " days");
      next_prune = std::chrono::steady_clock::now() + kPruneEvery;
      lock.lock();
    }
    (void)WriteQueued(lock);
    if (stop_) break;
    wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_ms));
  }
  (void)WriteQueued(lock);
}

Result<std::vector<AuditEvent>> QueryAudit(const graph::GraphStore& store,
                                           const AuditFilter& filter) {
  std::vector<AuditEvent> out;
  Status bad;
  Status s =
      store.ForEachRaw(graph::Cf::kAudit, graph::keys::ApiCallPrefix(), /*reverse=*/true,
                       [&](std::string_view, std::string_view value) {
                         auto e = FromJson(value);
                         if (!e.ok()) {
                           bad = e.status();
                           return false;
                         }
                         if (e->time_ms < filter.since_ms) return false;
                         if ((filter.principal.empty() || e->principal == filter.principal) &&
                             (filter.method.empty() || e->method == filter.method))
                           out.push_back(std::move(e).value());
                         return out.size() < filter.limit;
                       });
  FG_RETURN_IF_ERROR(s);
  FG_RETURN_IF_ERROR(bad);
  return out;
}

Result<size_t> PruneAudit(graph::GraphStore& store, int64_t before_ms) {
  size_t deleted = 0;
  const std::string limit_key = graph::keys::ApiCall(before_ms, 0);
  while (true) {
    auto rows = store.ScanRaw(graph::Cf::kAudit, graph::keys::ApiCallPrefix(), kPruneBatch, false);
    if (!rows.ok()) return rows.status();
    auto batch = store.NewBatch();
    size_t n = 0;
    for (const auto& [key, value] : *rows) {
      if (key >= limit_key) break;
      batch.DeleteApiCall(key);
      ++n;
    }
    if (n == 0) return deleted;
    FG_RETURN_IF_ERROR(store.Commit(batch));
    deleted += n;
    if (n < rows->size()) return deleted;
  }
}

}  // namespace faultgraph::api
