#include "connectors/runner.h"

#include <fnmatch.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/redact.h"
#include "connectors/batch_pump.h"
#include "connectors/file_connector.h"
#include "graph/key_codec.h"

namespace faultgraph::connectors {
namespace {

using json = nlohmann::json;

std::string ToJson(const RunRecord& r) {
  return json{
      {"connector", r.connector},   {"status", r.status},       {"error", r.error},
      {"started_ms", r.started_ms}, {"ended_ms", r.ended_ms},   {"read", r.read},
      {"written", r.written},       {"skipped", r.skipped},     {"rejected", r.rejected},
      {"batches", r.batches},       {"commit_ms", r.commit_ms}, {"max_commit_ms", r.max_commit_ms},
      {"position", r.position},     {"full", r.full},           {"backfill", r.backfill}}
      .dump();
}

bool FromJson(const std::string& text, RunRecord* r) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  r->connector = j.value("connector", "");
  r->status = j.value("status", "");
  r->error = j.value("error", "");
  r->started_ms = j.value("started_ms", int64_t{0});
  r->ended_ms = j.value("ended_ms", int64_t{0});
  r->read = j.value("read", int64_t{0});
  r->written = j.value("written", int64_t{0});
  r->skipped = j.value("skipped", int64_t{0});
  r->rejected = j.value("rejected", int64_t{0});
  r->batches = j.value("batches", int64_t{0});
  r->commit_ms = j.value("commit_ms", 0.0);
  r->max_commit_ms = j.value("max_commit_ms", 0.0);
  r->position = j.value("position", "");
  r->full = j.value("full", false);
  r->backfill = j.value("backfill", "");
  return true;
}

// What a run record may show: its error and position with secrets redacted
// (a source's error can quote a URL or a server's answer).
void RedactRun(RunRecord* r) {
  r->error = Redact(r->error);
  r->position = Redact(r->position);
}

Status SaveRun(graph::GraphStore& store, RunRecord r) {
  RedactRun(&r);
  graph::GraphBatch b = store.NewBatch();
  b.PutConnectorRun(r.connector, r.started_ms, ToJson(r));
  return store.Commit(b);
}

// The error budget: a share of the rows read, judged once a run has read
// enough rows for a share to mean something.
bool OverBudget(const RunRecord& r, double budget) {
  constexpr int64_t kMinRows = 20;
  return r.read >= kMinRows &&
         static_cast<double>(r.rejected) > budget * static_cast<double>(r.read);
}

std::string BudgetMessage(const RunRecord& r, double budget) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "error budget exceeded: %lld of %lld rows rejected (%.1f%% > %.1f%%); see "
                "`faultgraph dlq list`",
                static_cast<long long>(r.rejected), static_cast<long long>(r.read),
                100.0 * static_cast<double>(r.rejected) / static_cast<double>(r.read),
                100.0 * budget);
  return buf;
}

// After each batch (or file): the run ends when it went over its error
// budget, or when a stop was asked. True when it ends.
bool EndsAfterBatch(RunRecord* r, double budget, bool stop_asked) {
  if (OverBudget(*r, budget)) {
    r->status = "failed";
    r->error = BudgetMessage(*r, budget);
    return true;
  }
  if (stop_asked) r->status = "stopped";
  return stop_asked;
}

void Count(RunRecord* r, const ingest::BatchStats& s) {
  r->written += s.applied;
  r->skipped += s.skipped;
  r->rejected += s.rejected;
  r->read += s.applied + s.skipped + s.rejected;
}

// A source's batches through the two-stage pump: the source reads and
// prepares the next batches while ingest commits the one before.
Status RunBatches(ingest::IngestPipeline& pipeline, BatchSource& source, const ConnectorConfig& c,
                  const RunOptions& o, RunRecord* r) {
  auto result = PumpBatches(
      pipeline, [&](ingest::SourceBatch* b) { return source.NextBatch(b); },
      [&](const ingest::PreparedBatch& b, const ingest::BatchStats& stats, double ms) {
        r->commit_ms += ms;
        r->max_commit_ms = std::max(r->max_commit_ms, ms);
        ++r->batches;
        Count(r, stats);
        r->position = b.checkpoint_description;
        if (o.committed) o.committed(*r);
        return !EndsAfterBatch(r, c.error_budget, o.stop != nullptr && o.stop->load());
      },
      o.queue_batches);
  if (!result.source_error.ok()) {
    r->status = "failed";
    r->error = result.source_error.message();
  }
  return result.store_error;
}

Status RunFolder(ingest::IngestPipeline& pipeline, const ConnectorConfig& c, const RunOptions& o,
                 RunRecord* r) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(c.folder.path, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (name.starts_with(".")) continue;  // files being written by convention start with a dot
    if (::fnmatch(c.folder.pattern.c_str(), name.c_str(), 0) == 0) files.push_back(e.path());
  }
  if (ec) {
    r->status = "failed";
    r->error = "cannot list " + c.folder.path + ": " + ec.message();
    return Status::Ok();
  }
  // Oldest first, so that a later export's versions win within one run too.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    std::error_code e1, e2;
    auto ta = std::filesystem::last_write_time(a, e1), tb = std::filesystem::last_write_time(b, e2);
    return ta != tb ? ta < tb : a < b;
  });
  for (const auto& f : files) {
    FileIngestOptions fo;
    fo.stop = o.stop;
    auto res = IngestFile(pipeline, c.mapping, f.string(), fo);
    if (!res.ok()) {
      std::error_code gone;
      if (res.status().IsInvalidArgument() || !std::filesystem::exists(f, gone)) {
        // A file that cannot be used at all (or went away): say which, go
        // on with the others.
        r->error += (r->error.empty() ? "" : "; ") + res.status().message();
        continue;
      }
      return res.status();
    }
    // The commits' own time, as for the other sources (not the file's reading).
    r->commit_ms += res->commit_ms;
    r->max_commit_ms = std::max(r->max_commit_ms, res->max_commit_ms);
    r->batches += static_cast<int64_t>(res->batches);
    Count(r, res->stats);
    r->position = f.filename().string() + " byte " + std::to_string(res->end_offset);
    if (o.committed) o.committed(*r);
    if (EndsAfterBatch(r, c.error_budget, res->stopped || (o.stop != nullptr && o.stop->load())))
      return Status::Ok();
  }
  if (!r->error.empty()) r->status = "failed";
  return Status::Ok();
}

}  // namespace

std::string WithoutConnectorPrefix(std::string_view message, std::string_view name) {
  const std::string prefix = "connector " + std::string(name) + ": ";
  std::string out(message);
  for (size_t at = out.find(prefix); at != std::string::npos; at = out.find(prefix, at))
    out.erase(at, prefix.size());
  return out;
}

Result<RunRecord> RunConnector(ingest::IngestPipeline& pipeline, graph::GraphStore& store,
                               const ConnectorConfig& c, const RunOptions& options) {
  // A run still marked running was cut off (kill -9, power): say so.
  auto previous = ConnectorHistory(store, c.name, 20);
  if (!previous.ok()) return previous.status();
  for (auto& p : *previous) {
    if (p.status != "running") continue;
    p.status = "interrupted";
    FG_RETURN_IF_ERROR(SaveRun(store, p));
  }
  RunRecord r;
  r.connector = c.name;
  r.status = "running";
  r.full = options.full;
  if (!options.from.empty()) {
    r.backfill = "[" + options.from + ", " + options.to + ")";
    r.position = "backfill " + options.from + " to " + options.to;
  }
  const Clock* clock = options.clock != nullptr ? options.clock : SystemClock();
  r.started_ms = clock->NowMillis();
  if (!previous->empty() && previous->front().started_ms >= r.started_ms)
    r.started_ms = previous->front().started_ms + 1;  // keys stay unique and ordered
  FG_RETURN_IF_ERROR(SaveRun(store, r));
  Status s;
  if (c.type == "postgres" || c.type == "http") {
    auto source = c.type == "postgres" ? NewPostgresSource(pipeline, c, options)
                                       : NewHttpSource(pipeline, c, options);
    if (!source.ok()) {
      r.status = "failed";
      r.error = source.status().message();
    } else {
      s = RunBatches(pipeline, **source, c, options, &r);
    }
  } else if (c.type == "mqtt") {
    auto source = NewMqttSource(pipeline, store, c);
    if (!options.from.empty()) {
      r.status = "failed";
      r.error = "an MQTT feed has no backfill: the broker keeps only what is not yet delivered";
    } else if (!source.ok()) {
      r.status = "failed";
      r.error = source.status().message();
    } else {
      s = RunBatches(pipeline, **source, c, options, &r);
    }
  } else if (c.type == "folder") {
    if (!options.from.empty()) {
      r.status = "failed";
      r.error = "a drop folder has no backfill: copy the files again (each is read once)";
    } else {
      s = RunFolder(pipeline, c, options, &r);
    }
  } else {
    r.status = "failed";
    r.error = "unknown connector type " + c.type;
  }
  if (r.status == "running") r.status = "ok";
  if (!s.ok()) {
    r.status = "failed";
    r.error = s.message();
  }
  r.ended_ms = clock->NowMillis();
  r.error = WithoutConnectorPrefix(r.error, c.name);
  RedactRun(&r);
  Status saved = SaveRun(store, r);
  if (!s.ok()) return s;
  FG_RETURN_IF_ERROR(saved);
  return r;
}

Result<std::vector<RunRecord>> ConnectorHistory(const graph::GraphStore& store,
                                                const std::string& connector, size_t limit) {
  auto rows = store.ScanRaw(graph::Cf::kAudit, graph::keys::ConnectorRunPrefix(connector), limit,
                            /*reverse=*/true);
  if (!rows.ok()) return rows.status();
  std::vector<RunRecord> out;
  for (const auto& [k, v] : *rows) {
    RunRecord r;
    if (!FromJson(v, &r)) return Status::Corruption("bad run record of connector " + connector);
    RedactRun(&r);  // records an older version stored unredacted
    out.push_back(std::move(r));
  }
  return out;
}

bool OwnsCheckpoint(const ConnectorConfig& c, const graph::storage::Checkpoint& cp) {
  if (cp.source != c.mapping.source) return false;
  if (c.type == "postgres") return cp.stream == PostgresStream(c);
  if (c.type == "http") return cp.stream == HttpStream(c);
  if (c.type == "mqtt") return cp.stream == MqttStream(c);
  return cp.stream.starts_with("file:");  // a drop folder: each file its own stream
}

Status ResetConnector(graph::GraphStore& store, const ConnectorConfig& c) {
  auto checkpoints = store.ListCheckpoints();
  if (!checkpoints.ok()) return checkpoints.status();
  graph::GraphBatch b = store.NewBatch();
  for (const auto& cp : *checkpoints) {
    if (!OwnsCheckpoint(c, cp)) continue;
    b.DeleteCheckpoint(cp.source, cp.stream);
  }
  return store.Commit(b);
}

}  // namespace faultgraph::connectors
