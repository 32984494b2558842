#include "api/metrics_text.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "api/prometheus_text.h"
#include "common/clock.h"

namespace faultgraph::api {
namespace {

// Bytes of the regular files under `dir` (0 when it is not there; files
// that vanish while it is walked are not counted).
uint64_t BytesUnder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      auto n = it->file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}

}  // namespace

std::string MetricsText(const graph::GraphStore& store, const connectors::Scheduler* scheduler) {
  std::string out;
  PromFamily(&out, "faultgraph_outbox_sequence", "counter",
             "Records committed to the graph that feed the search index (outbox sequence).");
  out += "faultgraph_outbox_sequence " + std::to_string(store.LastOutboxSeq()) + "\n";
  if (scheduler == nullptr) return out;
  auto metrics = scheduler->Metrics();
  auto checkpoints = store.ListCheckpoints();
  int64_t now = SystemClock()->NowMillis();
  struct Def {
    const char* name;
    const char* type;
    const char* help;
  };
  const Def defs[] = {
      {"faultgraph_connector_rows_read_total", "counter",
       "Rows a connector read since the daemon started."},
      {"faultgraph_connector_rows_written_total", "counter",
       "Rows that changed the graph since the daemon started."},
      {"faultgraph_connector_rows_rejected_total", "counter",
       "Rows sent to the dead-letter store since the daemon started."},
      {"faultgraph_connector_runs_total", "counter", "Connector runs by outcome."},
      {"faultgraph_connector_last_success_timestamp_seconds", "gauge",
       "End of the last successful run (0: none since the daemon started)."},
      {"faultgraph_connector_cursor_lag_seconds", "gauge",
       "Seconds since the connector's committed position last moved (-1: never committed)."},
      {"faultgraph_connector_checkpoint_commit_seconds", "gauge",
       "Atomic commit (rows + checkpoint) duration in the last run: mean and max."},
      {"faultgraph_connector_running", "gauge", "1 while a run is in progress."},
  };
  for (size_t d = 0; d < std::size(defs); ++d) {
    PromFamily(&out, defs[d].name, defs[d].type, defs[d].help);
    for (const auto& c : scheduler->file().connectors) {
      const auto& m = metrics[c.name];
      std::string l = "connector=\"" + PromLabel(c.name) + "\"";
      switch (d) {
        case 0:
          PromSample(&out, defs[d].name, l, static_cast<double>(m.read));
          break;
        case 1:
          PromSample(&out, defs[d].name, l, static_cast<double>(m.written));
          break;
        case 2:
          PromSample(&out, defs[d].name, l, static_cast<double>(m.rejected));
          break;
        case 3:
          PromSample(&out, defs[d].name, l + ",outcome=\"ok\"", static_cast<double>(m.runs_ok));
          PromSample(&out, defs[d].name, l + ",outcome=\"failed\"",
                     static_cast<double>(m.runs_failed));
          break;
        case 4:
          PromSample(&out, defs[d].name, l, static_cast<double>(m.last_success_ms) / 1000);
          break;
        case 5: {
          int64_t moved = -1;
          if (checkpoints.ok()) {
            for (const auto& cp : *checkpoints) {
              if (connectors::OwnsCheckpoint(c, cp)) moved = std::max(moved, cp.updated_ms);
            }
          }
          PromSample(&out, defs[d].name, l,
                     moved < 0 ? -1.0 : static_cast<double>(now - moved) / 1000);
          break;
        }
        case 6:
          PromSample(&out, defs[d].name, l + ",stat=\"mean\"", m.last_commit_ms / 1000);
          PromSample(&out, defs[d].name, l + ",stat=\"max\"", m.max_commit_ms / 1000);
          break;
        case 7:
          PromSample(&out, defs[d].name, l, m.running ? 1 : 0);
          break;
      }
    }
  }
  return out;
}

std::string StorageText(const graph::GraphStore& store, const SearchService& search,
                        const DataPaths& paths,
                        const std::shared_ptr<const diagnosis::Models>& models) {
  std::string out;
  PromFamily(
      &out, "faultgraph_store_bytes", "gauge",
      "Bytes on disk of the graph (RocksDB, with its WAL), the search index and the models.");
  PromSample(&out, "faultgraph_store_bytes", "part=\"graph\"",
             static_cast<double>(BytesUnder(paths.graph)));
  PromSample(&out, "faultgraph_store_bytes", "part=\"index\"",
             static_cast<double>(BytesUnder(paths.index)));
  PromSample(&out, "faultgraph_store_bytes", "part=\"models\"",
             static_cast<double>(BytesUnder(paths.models)));
  const uint64_t graph_seq = store.LastOutboxSeq();
  const uint64_t indexed = search.indexed_seq();
  PromFamily(&out, "faultgraph_index_lag_entries", "gauge",
             "Outbox entries (cases and fixes written) the search index has not taken in yet.");
  PromSample(&out, "faultgraph_index_lag_entries", "",
             static_cast<double>(graph_seq > indexed ? graph_seq - indexed : 0));
  if (models == nullptr) return out;
  std::vector<const diagnosis::ModelInfo*> loaded;
  if (models->component) loaded.push_back(&models->component_info);
  if (models->cause) loaded.push_back(&models->cause_info);
  if (models->fix) loaded.push_back(&models->fix_info);
  if (loaded.empty()) return out;
  const int64_t now = SystemClock()->NowMillis();
  PromFamily(&out, "faultgraph_model_age_seconds", "gauge",
             "Seconds since the loaded model of each kind was trained.");
  for (const auto* info : loaded) {
    PromSample(&out, "faultgraph_model_age_seconds", "kind=\"" + PromLabel(info->kind) + "\"",
               static_cast<double>(std::max<int64_t>(0, now - info->created_ms)) / 1000);
  }
  PromFamily(&out, "faultgraph_model_records_behind", "gauge",
             "Outbox entries the graph took in since the loaded model of each kind was trained.");
  for (const auto* info : loaded) {
    PromSample(&out, "faultgraph_model_records_behind", "kind=\"" + PromLabel(info->kind) + "\"",
               static_cast<double>(graph_seq > info->graph_seq ? graph_seq - info->graph_seq : 0));
  }
  return out;
}

std::string IndexHealthText(const SearchService::Health& h) {
  std::string out;
  PromFamily(&out, "faultgraph_index_documents_missing", "gauge",
             "documents the index lacked, by problem, at its last check against the graph");
  PromSample(&out, "faultgraph_index_documents_missing", "problem=\"missing\"",
             static_cast<double>(h.missing));
  PromSample(&out, "faultgraph_index_documents_missing", "problem=\"stale\"",
             static_cast<double>(h.stale));
  PromSample(&out, "faultgraph_index_documents_missing", "problem=\"orphaned\"",
             static_cast<double>(h.orphaned));
  PromFamily(&out, "faultgraph_index_documents_repaired_total", "counter",
             "documents indexed again or deleted by checks since the daemon started");
  PromSample(&out, "faultgraph_index_documents_repaired_total", "",
             static_cast<double>(h.repaired));
  PromFamily(&out, "faultgraph_index_last_check_timestamp_seconds", "gauge",
             "when the index was last checked against the graph (0 = not since start)");
  PromSample(&out, "faultgraph_index_last_check_timestamp_seconds", "",
             static_cast<double>(h.checked_ms) / 1000);
  return out;
}

}  // namespace faultgraph::api
