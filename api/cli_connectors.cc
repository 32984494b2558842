#include "api/cli_connectors.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/cli_format.h"
#include "api/cli_messages.h"
#include "api/cli_reason.h"
#include "common/clock.h"
#include "connectors/connector_config.h"
#include "connectors/runner.h"

namespace faultgraph::cli {
namespace {

using json = nlohmann::json;

constexpr const char* kForgotten =
    "{0}: position forgotten; the next run reads everything again (records already in the "
    "graph are skipped by version)";

json RunJson(const connectors::RunRecord& r) {
  return {{"connector", r.connector}, {"status", r.status},
          {"error", r.error},         {"startedMs", r.started_ms},
          {"endedMs", r.ended_ms},    {"read", r.read},
          {"written", r.written},     {"skipped", r.skipped},
          {"rejected", r.rejected},   {"batches", r.batches},
          {"commitMs", r.commit_ms},  {"position", r.position},
          {"full", r.full},           {"backfill", r.backfill}};
}

std::vector<std::string> RunRow(const connectors::RunRecord& r) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f",
                r.ended_ms > 0 ? static_cast<double>(r.ended_ms - r.started_ms) / 1000 : 0.0);
  return {r.connector, FormatTime(r.started_ms), r.ended_ms > 0 ? secs : "-",
          // A backfill says so, with its window; a --full run too.
          TrWord("run status", r.status) +
              (r.backfill.empty() ? "" : " " + TrF("backfill {0}", {r.backfill})) +
              (r.full ? " " + Tr("(full)") : ""),
          std::to_string(r.read), std::to_string(r.written), std::to_string(r.rejected),
          r.error.empty() ? r.position : r.error};
}

// A row of `connectors status`: the same embedded and through the daemon.
std::vector<std::string> StatusRow(const std::string& name, const std::string& type,
                                   const std::string& next, const connectors::RunRecord* last) {
  if (last == nullptr) return {name, type, next, Tr("never run"), "-", "-", "-"};
  return {name,
          type,
          next,
          TrWord("run status", last->status) + " " + FormatTime(last->started_ms),
          std::to_string(last->read),
          std::to_string(last->rejected),
          last->error.empty() ? last->position : last->error};
}

std::vector<std::string> StatusHeader() {
  return TrAll(
      {"connector", "type", "next run", "last run", "read", "rejected", "position / error"});
}

connectors::RunRecord FromApi(const api::ConnectorRun& a) {
  connectors::RunRecord r;
  r.connector = a.connector;
  r.status = a.status;
  r.error = a.error;
  r.started_ms = a.startedMs;
  r.ended_ms = a.endedMs;
  r.read = a.rowsRead;
  r.written = a.rowsWritten;
  r.skipped = a.rowsSkipped;
  r.rejected = a.rowsRejected;
  r.batches = a.batches;
  r.commit_ms = a.commitMs;
  r.position = a.position;
  r.full = a.full;
  r.backfill = a.backfill;
  return r;
}

std::vector<std::string> RunHeader() {
  return TrAll({"connector", "started", "seconds", "status", "read", "written", "rejected",
                "position / error"});
}

}  // namespace

int RunConnectorsCommand(const ConnectorsCommand& cmd, graph::GraphStore* store,
                         ingest::IngestPipeline* pipeline, const std::atomic<bool>* stop) {
  if (cmd.config.empty()) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 Tr("connectors needs --config FILE (or $FAULTGRAPH_CONNECTORS)").c_str());
    return 2;
  }
  auto file = connectors::LoadConnectors(cmd.config, {.check_secret_files = cmd.verb == "check"});
  if (!file.ok()) {
    std::fprintf(stderr, "faultgraph: %s\n", ReasonText(file.status().message()).c_str());
    return 2;
  }
  if (cmd.verb == "check") {
    for (const auto& c : file->connectors) {
      std::printf("%s\n",
                  TrF("{0}: {1}, mapping {2} ({3}), {4}",
                      {c.name, c.type, c.mapping_path, c.mapping.source,
                       c.schedule ? TrF("schedule {0}", {c.schedule->text()}) : Tr("on demand")})
                      .c_str());
    }
    std::printf("%s\n", TrF("{0}: {1} connectors, all valid",
                            {cmd.config, std::to_string(file->connectors.size())})
                            .c_str());
    return 0;
  }
  const connectors::ConnectorConfig* one = nullptr;
  if (!cmd.name.empty()) {
    one = file->Find(cmd.name);
    if (one == nullptr) {
      std::string names;
      for (const auto& c : file->connectors) names += (names.empty() ? "" : ", ") + c.name;
      std::fprintf(
          stderr, "faultgraph: %s\n",
          TrF("no connector '{0}' in {1} (there are: {2})", {cmd.name, cmd.config, names}).c_str());
      return 2;
    }
  }
  if (cmd.verb == "run" || cmd.verb == "backfill") {
    if (one == nullptr) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   TrF("connectors {0} needs a connector name", {cmd.verb}).c_str());
      return 2;
    }
    connectors::RunOptions o;
    o.full = cmd.full;
    o.stop = stop;
    if (cmd.progress) {
      o.committed = [](const connectors::RunRecord& r) {
        std::fprintf(stderr,
                     "%s: batch %lld committed: %lld read, %lld written, %lld rejected; at %s\n",
                     r.connector.c_str(), static_cast<long long>(r.batches),
                     static_cast<long long>(r.read), static_cast<long long>(r.written),
                     static_cast<long long>(r.rejected), r.position.c_str());
        std::fflush(stderr);
      };
    }
    if (cmd.verb == "backfill") {
      if (cmd.from.empty() || cmd.to.empty()) {
        std::fprintf(stderr, "faultgraph: %s\n",
                     Tr("connectors backfill needs --from and --to").c_str());
        return 2;
      }
      o.from = cmd.from;
      o.to = cmd.to;
    }
    auto r = connectors::RunConnector(*pipeline, *store, *one, o);
    if (!r.ok()) {
      std::fprintf(stderr, "faultgraph: %s\n", r.status().message().c_str());
      return 1;
    }
    if (cmd.as_json) {
      std::printf("%s\n", RunJson(*r).dump(2).c_str());
    } else {
      PrintTable(RunHeader(), {RunRow(*r)});
    }
    return r->status == "ok" || r->status == "stopped" ? 0 : 1;
  }
  if (cmd.verb == "reset") {
    if (one == nullptr) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   TrF("connectors {0} needs a connector name", {"reset"}).c_str());
      return 2;
    }
    Status s = connectors::ResetConnector(*store, *one);
    if (!s.ok()) {
      std::fprintf(stderr, "faultgraph: %s\n", s.message().c_str());
      return 1;
    }
    std::printf("%s\n", TrF(kForgotten, {one->name}).c_str());
    return 0;
  }
  if (cmd.verb == "history" || cmd.verb == "status") {
    json out = json::array();
    std::vector<std::vector<std::string>> rows;
    int64_t now = SystemClock()->NowMillis();
    for (const auto& c : file->connectors) {
      if (one != nullptr && &c != one) continue;
      size_t limit = cmd.verb == "status" ? 1 : static_cast<size_t>(cmd.limit);
      auto runs = connectors::ConnectorHistory(*store, c.name, limit);
      if (!runs.ok()) {
        std::fprintf(stderr, "faultgraph: %s\n", runs.status().message().c_str());
        return 1;
      }
      if (cmd.verb == "status") {
        std::string next = c.schedule ? FormatTime(c.schedule->NextAfter(now)) : "on demand";
        json j = {{"connector", c.name}, {"type", c.type}, {"next", next}};
        if (!c.schedule) next = Tr(next);
        if (!runs->empty()) j["last"] = RunJson(runs->front());
        out.push_back(j);
        rows.push_back(StatusRow(c.name, c.type, next, runs->empty() ? nullptr : &runs->front()));
        continue;
      }
      for (const auto& r : *runs) {
        out.push_back(RunJson(r));
        rows.push_back(RunRow(r));
      }
    }
    if (cmd.as_json) {
      std::printf("%s\n", out.dump(2).c_str());
    } else if (cmd.verb == "status") {
      PrintTable(StatusHeader(), rows);
    } else {
      PrintTable(RunHeader(), rows);
    }
    return 0;
  }
  std::fprintf(stderr, "faultgraph: %s\n",
               Tr("connectors takes check, run, status, history or reset").c_str());
  return 2;
}

int RunRemoteConnectorsCommand(const ConnectorsCommand& cmd, api::FaultGraphIf& fg) {
  if (cmd.verb == "run") {
    if (cmd.name.empty()) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   TrF("connectors {0} needs a connector name", {"run"}).c_str());
      return 2;
    }
    fg.runConnector(cmd.name, cmd.full);
    std::printf(
        "%s\n",
        TrF("{0}: run queued in the daemon; see 'connectors history {0}'", {cmd.name}).c_str());
    return 0;
  }
  if (cmd.verb == "backfill") {
    if (cmd.name.empty() || cmd.from.empty() || cmd.to.empty()) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   Tr("connectors backfill needs a connector name, --from and --to").c_str());
      return 2;
    }
    fg.backfillConnector(cmd.name, cmd.from, cmd.to);
    std::printf("%s\n", TrF("{0}: backfill of [{1}, {2}) queued in the daemon; see 'connectors "
                            "history {0}'",
                            {cmd.name, cmd.from, cmd.to})
                            .c_str());
    return 0;
  }
  if (cmd.verb == "reset") {
    if (cmd.name.empty()) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   TrF("connectors {0} needs a connector name", {"reset"}).c_str());
      return 2;
    }
    fg.resetConnector(cmd.name);  // refused (Unavailable) while it runs or is queued
    std::printf("%s\n", TrF(kForgotten, {cmd.name}).c_str());
    return 0;
  }
  if (cmd.verb != "history" && cmd.verb != "status") {
    std::fprintf(
        stderr, "faultgraph: %s\n",
        Tr("through --server, connectors takes run, backfill, reset, status or history").c_str());
    return 2;
  }
  json out = json::array();
  std::vector<std::vector<std::string>> rows;
  if (cmd.verb == "status") {  // every configured connector, as the local command shows them
    std::vector<api::ConnectorState> states;
    fg.connectorStatus(states, cmd.name);
    for (const auto& s : states) {
      const std::string next = s.nextRunMs > 0 ? FormatTime(s.nextRunMs) : "on demand";
      json j = {{"connector", s.connector}, {"type", s.type}, {"next", next}};
      std::optional<connectors::RunRecord> last;
      if (s.__isset.lastRun) {
        last = FromApi(s.lastRun);
        j["last"] = RunJson(*last);
      }
      out.push_back(j);
      rows.push_back(StatusRow(s.connector, s.type, s.nextRunMs > 0 ? next : Tr(next),
                               last ? &*last : nullptr));
    }
    if (cmd.as_json) {
      std::printf("%s\n", out.dump(2).c_str());
    } else {
      PrintTable(StatusHeader(), rows);
    }
    return 0;
  }
  std::vector<api::ConnectorRun> runs;
  fg.connectorRuns(runs, cmd.name, cmd.limit);
  for (const auto& a : runs) {
    const connectors::RunRecord r = FromApi(a);
    out.push_back(RunJson(r));
    rows.push_back(RunRow(r));
  }
  if (cmd.as_json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    PrintTable(RunHeader(), rows);
  }
  return 0;
}

}  // namespace faultgraph::cli
