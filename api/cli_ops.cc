#include "api/cli_ops.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/cli_args.h"
#include "api/cli_format.h"
#include "api/cli_messages.h"
#include "api/cli_reason.h"
#include "api/handler.h"
#include "api/limits.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::cli {

using nlohmann::json;

int CmdIngest(api::FaultGraphIf& fg, api::Handler* local, const Args& a, bool as_json,
              const std::atomic<bool>& stop) {
  std::string mapping = a.Get("--mapping");
  json results = json::array();
  std::vector<std::vector<std::string>> rows;
  int rc = 0;
  for (size_t i = 1; i < a.positional.size() && !stop; ++i) {
    const std::string& file = a.positional[i];
    cli::ProgressBar bar(file);
    const bool lines = a.Has("--progress");
    if (local != nullptr) {
      local->set_progress([&](uint64_t d, uint64_t t) {
        if (!lines) return bar.Update(d, t);
        std::fprintf(stderr, "%s: committed to byte %llu of %llu\n", file.c_str(),
                     static_cast<unsigned long long>(d), static_cast<unsigned long long>(t));
        std::fflush(stderr);
      });
    }
    api::IngestResult r;
    try {
      fg.ingestFile(r, mapping, file);
    } catch (const api::BadRequest& e) {
      bar.Finish();
      std::fprintf(stderr, "faultgraph: %s: %s\n", e.field.c_str(), e.message.c_str());
      rc = 1;
      continue;
    }
    bar.Finish();
    results.push_back({{"file", file},
                       {"stream", r.stream},
                       {"applied", r.applied},
                       {"skipped", r.skipped},
                       {"rejected", r.rejected},
                       {"resumedFrom", r.resumedFrom},
                       {"endOffset", r.endOffset},
                       {"size", r.size},
                       {"stopped", r.stopped},
                       {"resumed", r.resumed}});
    rows.push_back(
        {file, std::to_string(r.applied), std::to_string(r.skipped), std::to_string(r.rejected),
         r.stopped ? TrF("stopped at byte {0}; run again to resume", {std::to_string(r.endOffset)})
         : !r.resumed              ? Tr("complete")
         : r.resumedFrom == r.size ? Tr("already complete")
                                   : TrF("resumed at byte {0}", {std::to_string(r.resumedFrom)})});
    if (r.stopped) break;
  }
  if (as_json) {
    Print(results);
  } else {
    cli::PrintTable(TrAll({"file", "applied", "skipped", "rejected", "state"}), rows);
    int64_t rejected = 0;
    for (const auto& r : results) rejected += r["rejected"].get<int64_t>();
    if (rejected > 0)
      std::printf("\n%lld rows rejected: see 'faultgraph dlq list'\n",
                  static_cast<long long>(rejected));
  }
  return rc;
}

int CmdStatus(api::FaultGraphIf& fg, bool as_json) {
  api::IngestStatus s;
  fg.ingestStatus(s);
  if (as_json) {
    json sources = json::array();
    for (const auto& src : s.sources) {
      sources.push_back({{"source", src.source},
                         {"stream", src.stream},
                         {"position", src.position},
                         {"applied", src.applied},
                         {"skipped", src.skipped},
                         {"rejected", src.rejected},
                         {"updatedMs", src.updatedMs}});
    }
    Print({{"sources", sources},
           {"records", s.records},
           {"entities", s.entities},
           {"deadLetters", s.deadLetters}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& src : s.sources) {
    rows.push_back({src.source, cli::ReasonText(src.position), std::to_string(src.applied),
                    std::to_string(src.skipped), std::to_string(src.rejected),
                    cli::FormatTime(src.updatedMs)});
  }
  using cli::Tr;
  cli::PrintTable({Tr("source"), Tr("position"), Tr("applied"), Tr("skipped"), Tr("rejected"),
                   Tr("updated (UTC)")},
                  rows);
  int64_t applied = 0;
  for (const auto& src : s.sources) applied += src.applied;
  std::printf("\n%s\n", cli::TrF("records: {0}   entities: {1}   dead letters: {2}",
                                 {std::to_string(s.records), std::to_string(s.entities),
                                  std::to_string(s.deadLetters)})
                            .c_str());
  // Issue 19: "applied" summed past "records" with no word why.
  if (applied > s.records)
    for (const auto& l :
         cli::Wrap(cli::TrF("applied counts every version of a record that was applied, so a "
                            "record revised at its source counts once per version ({0} in all); "
                            "records counts each record once",
                            {std::to_string(applied)}),
                   100))
      std::printf("%s\n", l.c_str());
  return 0;
}

static json DeadLetterJson(const api::DeadLetter& d) {
  json out = {
      {"id", d.id},         {"source", d.source}, {"stream", d.stream}, {"position", d.position},
      {"reason", d.reason}, {"raw", d.raw},       {"line", d.line}};
  if (d.byteOffset >= 0) out["byteOffset"] = d.byteOffset;  // files only
  return out;
}

int CmdDlq(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  const std::string verb = a.positional.size() >= 2 ? a.positional[1] : "";
  if (verb == "show") {
    if (a.positional.size() != 3) UsageError("dlq show takes one id (from 'dlq list')");
    api::DeadLetter d;
    fg.deadLetter(d, a.positional[2]);  // NotFound: exit 3 with the message
    if (as_json) {
      Print(DeadLetterJson(d));
    } else {
      const std::vector<std::pair<std::string, std::string>> fields = {
          {Tr("id"), d.id},
          {Tr("source"), d.source},
          {Tr("stream"), d.stream},
          {Tr("position"), d.position},
          {Tr("reason"), cli::ReasonText(d.reason)}};
      size_t width = 0;
      for (const auto& [label, value] : fields) width = std::max(width, cli::DisplayWidth(label));
      for (const auto& [label, value] : fields)
        std::printf("%s:%s %s\n", label.c_str(),
                    std::string(width - cli::DisplayWidth(label), ' ').c_str(), value.c_str());
      std::printf("%s:\n%s\n", Tr("raw").c_str(), d.raw.c_str());
    }
    return 0;
  }
  if (verb == "retry") {
    if (a.positional.size() < 3 || !a.Has("--mapping"))
      UsageError("dlq retry takes ids (from 'dlq list') and --mapping FILE");
    std::vector<std::string> ids(a.positional.begin() + 2, a.positional.end());
    std::vector<api::DeadLetterRetry> results;
    // NotFound (exit 3) names an id that is no dead letter.
    fg.retryDeadLetters(results, ids, a.Get("--mapping"));
    int failed = 0;
    json out = json::array();
    for (const auto& r : results) {
      failed += !r.applied;
      out.push_back({{"id", r.id}, {"applied", r.applied}, {"message", r.message}});
      if (!as_json)
        std::printf("%s: %s: %s\n", r.id.c_str(), Tr(r.applied ? "applied" : "not applied").c_str(),
                    cli::ReasonText(r.message).c_str());
    }
    if (as_json) Print(out);
    return failed == 0 ? 0 : 1;
  }
  if (verb != "list" || a.positional.size() != 2)
    UsageError("dlq takes list, show ID or retry ID... --mapping FILE");
  std::vector<api::DeadLetter> dl;
  fg.deadLetters(dl, a.Get("--source"), ParseLimit(a, 100));
  if (as_json) {
    json out = json::array();
    for (const auto& d : dl) {
      out.push_back(DeadLetterJson(d));
    }
    Print(out);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : dl) rows.push_back({d.id, d.source, d.position, cli::ReasonText(d.reason)});
  cli::PrintTable(TrAll({"id", "source", "position", "reason"}), rows);
  return 0;
}

int CmdReindex(api::FaultGraphIf& fg, bool as_json) {
  int64_t n = fg.reindex();
  if (as_json) {
    Print({{"indexed", n}});
  } else {
    std::printf("%s\n", TrF("search index rebuilt: {0} documents", {std::to_string(n)}).c_str());
  }
  return 0;
}

// Exit code when the index is not complete (and was not repaired).
constexpr int kIncomplete = 4;

int CmdVerify(api::FaultGraphIf& fg, const Args& args, bool as_json) {
  api::IndexCheck c;
  fg.verifyIndex(c, args.Has("--repair"));
  if (as_json) {
    Print({{"clean", c.clean},
           {"graphDocuments", c.graphDocuments},
           {"indexDocuments", c.indexDocuments},
           {"pending", c.pending},
           {"missing", c.missing},
           {"stale", c.stale},
           {"orphaned", c.orphaned},
           {"repaired", c.repaired},
           {"foundAtOpen", c.foundAtOpen},
           {"examples", c.examples}});
  } else {
    auto n = [](int64_t v) { return std::to_string(v); };
    std::printf("%s\n",
                TrF("search index: {0}", {Tr(c.clean ? "complete" : "INCOMPLETE")}).c_str());
    std::printf("%s\n", TrF("  cases and fixes in the graph  {0}", {n(c.graphDocuments)}).c_str());
    std::printf("%s\n", TrF("  documents in the index        {0}", {n(c.indexDocuments)}).c_str());
    std::printf("%s\n", TrF("  waiting to be indexed         {0}", {n(c.pending)}).c_str());
    std::printf("%s\n", TrF("  missing / stale / orphaned    {0} / {1} / {2}",
                            {n(c.missing), n(c.stale), n(c.orphaned)})
                            .c_str());
    for (const auto& e : c.examples) std::printf("    %s\n", e.c_str());
    if (c.repaired > 0)
      std::printf("  repaired                      %lld documents\n",
                  static_cast<long long>(c.repaired));
    if (c.foundAtOpen > 0)
      std::printf("  at open, after an unclean shutdown: %lld found and repaired\n",
                  static_cast<long long>(c.foundAtOpen));
    if (!c.clean && c.repaired == 0)
      std::printf("%s\n", Tr("run 'faultgraph verify --repair' to fix it").c_str());
  }
  return c.clean || c.repaired > 0 ? 0 : kIncomplete;
}

}  // namespace faultgraph::cli
