#include "connectors/scheduler.h"

#include "common/clock.h"
#include "common/log.h"

namespace faultgraph::connectors {

Scheduler::Scheduler(ingest::IngestPipeline& pipeline, graph::GraphStore& store,
                     ConnectorsFile file, const Clock* clock)
    : pipeline_(pipeline), store_(store), file_(std::move(file)), clock_(clock) {
  for (const auto& c : file_.connectors) metrics_[c.name];
}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Wake() {
  { std::lock_guard<std::mutex> lock(mu_); }  // the loop is waiting, or will read the clock
  cv_.notify_all();
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status Scheduler::RunNow(const std::string& name, bool full) {
  if (file_.Find(name) == nullptr) return Status::NotFound("no connector '" + name + "'");
  {
    std::lock_guard<std::mutex> lock(mu_);
    Request r{name, {}};
    r.options.full = full;
    requests_.push_back(std::move(r));
  }
  cv_.notify_all();
  return Status::Ok();
}

Status Scheduler::Backfill(const std::string& name, const std::string& from,
                           const std::string& to) {
  const ConnectorConfig* c = file_.Find(name);
  if (c == nullptr) return Status::NotFound("no connector '" + name + "'");
  if (c->type != "postgres" && c->type != "http")
    return Status::InvalidArgument("connector " + name + " is of type " + c->type +
                                   ", which has no backfill (postgres and http have)");
  if (from.empty() || to.empty())
    return Status::InvalidArgument("a backfill needs both ends of its window (from and to)");
  {
    std::lock_guard<std::mutex> lock(mu_);
    Request r{name, {}};
    r.options.from = from;
    r.options.to = to;
    requests_.push_back(std::move(r));
  }
  cv_.notify_all();
  return Status::Ok();
}

Status Scheduler::Reset(const std::string& name) {
  const ConnectorConfig* c = file_.Find(name);
  if (c == nullptr) return Status::NotFound("no connector '" + name + "'");
  // Under the lock the loop cannot start a run of it meanwhile.
  std::lock_guard<std::mutex> lock(mu_);
  if (metrics_[name].running)
    return Status::Busy("connector " + name + " is running; reset it when the run has ended");
  for (const auto& r : requests_) {
    if (r.name == name)
      return Status::Busy("connector " + name +
                          " has a run queued; reset it when that run has ended");
  }
  return ResetConnector(store_, *c);
}

std::map<std::string, ConnectorMetrics> Scheduler::Metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  return metrics_;
}

void Scheduler::Loop() {
  std::map<std::string, int64_t> next;  // due time per scheduled connector
  int64_t now = clock_->NowMillis();
  for (const auto& c : file_.connectors) {
    if (c.schedule) next[c.name] = c.schedule->NextAfter(now);
  }
  while (true) {
    std::string name;
    RunOptions o;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (true) {
        if (stop_) return;
        if (!requests_.empty()) {
          name = requests_.front().name;
          o = requests_.front().options;
          requests_.erase(requests_.begin());
          break;
        }
        now = clock_->NowMillis();
        int64_t soonest = INT64_MAX;
        for (auto& [n, due] : next) {
          if (due >= 0 && due <= now) {
            name = n;
            break;
          }
          if (due >= 0) soonest = std::min(soonest, due);
        }
        if (!name.empty()) break;
        if (soonest == INT64_MAX)
          cv_.wait(lock);
        else
          cv_.wait_for(lock, std::chrono::milliseconds(soonest - now));
      }
      metrics_[name].running = true;
    }
    const ConnectorConfig* c = file_.Find(name);
    if (c->schedule) next[name] = c->schedule->NextAfter(clock_->NowMillis());
    o.stop = &stop_;
    o.clock = clock_;
    LogInfo("connector " + name + ": run started" +
            (o.full           ? " (full)"
             : o.from.empty() ? ""
                              : " (backfill " + o.from + " to " + o.to + ")"));
    // On the scheduler's thread: an exception from a source's code fails
    // the run instead of ending the process.
    auto r = CatchExceptions("connector " + name,
                             [&] { return RunConnector(pipeline_, store_, *c, o); });
    std::lock_guard<std::mutex> lock(mu_);
    ConnectorMetrics& m = metrics_[name];
    m.running = false;
    if (!r.ok()) {
      ++m.runs_failed;
      ++m.failed_in_a_row;
      m.last_status = "failed";
      LogError("connector " + name + ": " + WithoutConnectorPrefix(r.status().ToString(), name));
      continue;
    }
    m.read += r->read;
    m.written += r->written;
    m.rejected += r->rejected;
    m.last_status = r->status;
    m.last_commit_ms = r->batches > 0 ? r->commit_ms / static_cast<double>(r->batches) : 0;
    m.max_commit_ms = r->max_commit_ms;
    if (r->status == "ok") {
      ++m.runs_ok;
      m.last_success_ms = r->ended_ms;
    } else if (r->status == "failed") {
      ++m.runs_failed;
    }
    m.failed_in_a_row = r->status == "failed" ? m.failed_in_a_row + 1 : 0;
    std::string line = "connector " + name + ": " + r->status + ", read " +
                       std::to_string(r->read) + ", written " + std::to_string(r->written) +
                       ", rejected " + std::to_string(r->rejected);
    if (r->status == "failed")
      LogError(line + ": " + r->error);
    else
      LogInfo(line);
  }
}

}  // namespace faultgraph::connectors
