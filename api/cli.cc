// faultgraph: the command-line interface for people and scripts. Works
// embedded (--data DIR, no daemon) or against faultgraphd (--server
// HOST:PORT) through the same FaultGraphIf interface.
#include <signal.h>

// clang-format off
#include <string>  // Thrift's TOutput.h uses std::string without including it
#include <thrift/TOutput.h>
// clang-format on

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/cli_connectors.h"
#include "api/cli_format.h"
#include "api/cli_messages.h"
#include "api/cli_models.h"
#include "api/cli_plot.h"
#include "api/cli_security.h"
#include "api/client.h"
#include "api/handler.h"
#include "api/limits.h"
#include "api/search_service.h"
#include "common/private_dir.h"
#include "common/version.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace {

using namespace faultgraph;
using nlohmann::json;

constexpr const char* kUsage =
    R"(usage: faultgraph [--data DIR | --server HOST:PORT] [--json] COMMAND ...

  ingest --mapping MAP [--no-index] [--progress] FILE...
                                     load files through a mapping (resumes where it stopped);
                                     --no-index leaves indexing to the next search or daemon;
                                     --progress: a line on stderr per committed batch
  status                             sources, their positions and record counts
  product MODEL                      a product: parts, symptoms, cases, installed units
  neighbours TYPE ID [--in] [--product P] [--limit N]
                                     edges of TYPE (HAS_PART, SHOWS, CAUSED_BY, FIXED_BY,
                                     IN_FAMILY, APPLIES_TO) out of (or into) ID, with counts
  case ID                            one service case, with the outcomes recorded on it
  outcome CASE [--component C] [--fix F] --worked yes|no [--note TEXT] [--id ID]
                                     record what the technician found and whether the fix
                                     held (again with the same --id: revise it; the default
                                     id is CASE#you, so your own outcome is revised)
  outcome CASE --retract [--id ID]   withdraw an outcome: it counts for nothing from now on
  outcome --answer ID ...            the same on a rootcause answer's question (its id is
                                     printed with the answer): the question becomes a case
  asset SERIAL [--limit N]           the asset 360: installed base, warranty, cases and
                                     whether their fixes held, calls, alarms (newest first)
  asset SERIAL --timeline            everything on the asset in time order
  dlq list [--source S] [--limit N]  records rejected at ingest, with the reason and an id
  dlq show ID                        one dead letter whole (the row as read, PII masked)
  dlq retry ID... --mapping FILE     map rows again (after fixing the mapping) and apply the
                                     ones that are valid now; their dead letters go away
  search TEXT [FILTERS] [--offset N] [--limit N]
                                     past cases and fixes matching TEXT (中文/English),
                                     with marked snippets and facet counts; documents
                                     with every word first; --limit up to 100,
                                     --offset up to 10000
  similar (--case ID | TEXT) [FILTERS] [--limit N]
                                     cases most like a case or a text (--limit up to 100)
  rootcause --product P [--serial S] [--codes E4,E5] --text TEXT [--top K] [--at DATE]
                                     what is broken, why, and what fixes it, with the
                                     evidence (counts, similar cases, fix success rates)
  rootcause --batch FILE             one JSON query per line ({"product", "text", "codes",
                                     "serial", "top", "at", "id"}) -> one JSON answer per line
                                     (--at: the asset history is read as of DATE)
  train                              train root cause's models (text classifier and blend)
                                     from the diagnosed cases now (faultgraphd also retrains
                                     by itself when the graph has grown by 5 %)
  models                             the model in use: cases, held-back accuracy, weights,
                                     confidence thresholds
  repeats [--product P] [--window DAYS] [--limit N]
                                     fixes that did not hold: the asset back with the same
                                     component within the window (default 30 days)
  repeats --contacts [--product P] [--min-calls N] [--open] [--limit N]
                                     cases the customer had to chase: N (default 2) or more
                                     calls before the case closed (--open: still open ones)
  trends --cohort [--product P] [--component C] [--csv]
                                     failures by shipment month and months in service, per
                                     1,000 units shipped that month
  trends [--product P] [--component C] [--baseline MONTHS] [--alpha A] [--series] [--csv]
                                     failures per 1,000 units in service per month, and
                                     alerts where a rate rose above its trailing baseline
  trends [--product P --component C] --plot OUT.svg
                                     the series as a chart, alerts marked (default: the pair
                                     of the most significant alert)
  trends --since CURSOR [--limit N] [--csv]
                                     the R&D feed (alerts, repeat findings, monthly rates)
                                     after CURSOR ("" = from the start), each item once;
                                     the next cursor is in the JSON or on stderr
  kpi [--by product|region|month|quarter|year|all] [--product P] [--region R]
      [--from DATE] [--to DATE] [--window DAYS]
                                     first-time-fix and repeat rates, MTTR, response time,
                                     satisfaction, repeat contacts
  reindex                            rebuild the search index from the graph
  verify [--repair]                  check that every case and fix is in the search index,
                                     as its current version (exit 4 when not); --repair
                                     indexes exactly what is missing or stale
  digest                             a hash of the graph's content: equal for two data
                                     directories holding the same records (checks, tests)
  connectors check --config FILE     validate a connectors file (and its mappings); names
                                     the file, line and key of a problem
  connectors run NAME [--full] [--no-index] [--progress] --config FILE
                                     pull one connector now, from where it stopped (--full:
                                     from the start; records already in are skipped;
                                     --progress: a line on stderr per committed batch)
  connectors backfill NAME --from X --to Y --config FILE
                                     read again the rows whose cursor (postgres) or
                                     modification time (http) is in [X, Y), under a position
                                     of its own: the connector's position does not move
  connectors status|history [NAME] [--limit N] --config FILE
                                     each connector's last run and next scheduled run; past
                                     runs with rows read, written, rejected and errors
  connectors reset NAME --config FILE
                                     forget a connector's position (daemon stopped)
  connectors run|backfill|reset|status|history [NAME] --server HOST:PORT
                                     the same through a running faultgraphd --connectors
                                     (run and backfill queue in the daemon; reset is
                                     refused while the connector runs or is queued)

  users add NAME --role agent|rnd|operator|admin [--token-out FILE]
                                     a principal and its API token (printed once, or
                                     written to FILE with mode 0600)
  users list | users revoke NAME     principals and roles; a revoked token stops at once
  audit [--since DATE] [--principal P] [--method M] [--limit N]
                                     faultgraphd's audit trail, newest first: who called
                                     what on which ids, the outcome and time taken

  FILTERS: --product P --family F --component C --symptom S --region R
           --kind case|fix --from DATE --to DATE

  --data DIR        data directory (default $FAULTGRAPH_DATA or ./faultgraph-data)
  --rules FILE      text rules (default $FAULTGRAPH_RULES, else the shipped
                    ops/config/text_rules.toml, compiled in)
  --server H:P      talk to a running faultgraphd instead of opening DIR
  --token-file FILE the API token to sign in with (--server; else $FAULTGRAPH_TOKEN or
                    the file named by $FAULTGRAPH_TOKEN_FILE); never on the command line
  --tls-ca FILE     connect with TLS; the server's certificate must come from this CA
                    (else $FAULTGRAPH_TLS_CA) and name the host in --server
  --tls             connect with TLS, trusting the system's CAs
  --tls-cert FILE --tls-key FILE
                    a client certificate, for a server that asks for one (else
                    $FAULTGRAPH_TLS_CERT, $FAULTGRAPH_TLS_KEY; the key 0600)
  --json            machine-readable output
  --lang zh-CN|zh-TW|en
                    the language of rootcause, search, similar, case and asset (else
                    $FAULTGRAPH_LANG, else the locale: LC_ALL, LC_MESSAGES, LANG)
)";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // --name value ("" for flags)
  bool Has(const std::string& name) const {
    for (const auto& o : options) {
      if (o.first == name) return true;
    }
    return false;
  }
  std::string Get(const std::string& name, const std::string& fallback = "") const {
    for (const auto& o : options) {
      if (o.first == name) return o.second;
    }
    return fallback;
  }
};

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "faultgraph: %s (see 'faultgraph --help')\n", message.c_str());
  std::exit(2);
}

// Every command, so that a mistyped one is named before anything is opened.
const std::vector<std::string> kCommands = {
    "ingest", "status", "product", "neighbours", "neighbors",  "case",      "outcome", "asset",
    "dlq",    "search", "similar", "reindex",    "verify",     "rootcause", "repeats", "trends",
    "kpi",    "train",  "models",  "digest",     "connectors", "users",     "audit",   "help"};

// The integer value of option `name` in [lo, hi], or `fallback` when absent.
int ParseIntOption(const Args& a, const std::string& name, int fallback, int lo, int hi) {
  std::string v = a.Get(name);
  if (v.empty()) return fallback;
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (*end != '\0' || n < lo || n > hi) {
    UsageError(name + " must be an integer from " + std::to_string(lo) + " to " +
               std::to_string(hi));
  }
  return static_cast<int>(n);
}

// --limit within the API's bound for the call (kMaxSearchLimit for a page
// of hits), so that the CLI refuses what the server would.
int ParseLimit(const Args& a, int fallback, int max = api::kMaxLimit) {
  return ParseIntOption(a, "--limit", fallback, 1, max);
}

void Print(const json& j) { std::printf("%s\n", j.dump(2).c_str()); }

json ToJson(const std::vector<api::Neighbour>& ns) {
  json out = json::array();
  for (const auto& n : ns) out.push_back({{"id", n.id}, {"count", n.count}});
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

int CmdIngest(api::FaultGraphIf& fg, api::Handler* local, const Args& a, bool as_json) {
  std::string mapping = a.Get("--mapping");
  if (mapping.empty()) UsageError("ingest needs --mapping MAP");
  if (a.positional.size() < 2) UsageError("ingest needs at least one FILE");
  json results = json::array();
  std::vector<std::vector<std::string>> rows;
  int rc = 0;
  for (size_t i = 1; i < a.positional.size() && !g_stop; ++i) {
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
         r.stopped    ? "stopped at byte " + std::to_string(r.endOffset) + "; run again to resume"
         : !r.resumed ? "complete"
         : r.resumedFrom == r.size ? "already complete"
                                   : "resumed at byte " + std::to_string(r.resumedFrom)});
    if (r.stopped) break;
  }
  if (as_json) {
    Print(results);
  } else {
    cli::PrintTable({"file", "applied", "skipped", "rejected", "state"}, rows);
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
    rows.push_back({src.source, src.position, std::to_string(src.applied),
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

int CmdProduct(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.positional.size() != 2) UsageError("product needs one MODEL");
  api::Product p;
  fg.getProduct(p, a.positional[1]);
  if (as_json) {
    Print({{"model", p.model},
           {"name", p.name},
           {"family", p.family},
           {"category", p.category},
           {"attrs", p.attrs},
           {"parts", ToJson(p.parts)},
           {"symptoms", ToJson(p.symptoms)},
           {"cases", p.cases},
           {"installed", p.installed}});
    return 0;
  }
  std::printf("%s  %s\nfamily: %s   category: %s   installed units: %lld   cases: %lld\n",
              p.model.c_str(), p.name.c_str(), p.family.c_str(), p.category.c_str(),
              static_cast<long long>(p.installed), static_cast<long long>(p.cases));
  for (const auto& [k, v] : p.attrs) std::printf("%s: %s\n", k.c_str(), v.c_str());
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : p.parts) rows.push_back({"part", n.id, std::to_string(n.count)});
  for (const auto& n : p.symptoms) rows.push_back({"symptom", n.id, std::to_string(n.count)});
  std::printf("\n");
  cli::PrintTable({"kind", "id", "count"}, rows);
  return 0;
}

int CmdNeighbours(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.positional.size() != 3) UsageError("neighbours needs TYPE and ID");
  api::NeighboursRequest req;
  req.edgeType = a.positional[1];
  req.id = a.positional[2];
  req.incoming = a.Has("--in");
  req.product = a.Get("--product");
  req.limit = ParseLimit(a, 20);
  std::vector<api::Neighbour> out;
  fg.neighbours(out, req);
  if (as_json) {
    Print(ToJson(out));
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : out) rows.push_back({n.id, std::to_string(n.count)});
  cli::PrintTable({req.incoming ? "from" : "to", "count"}, rows);
  return 0;
}

json OutcomeJson(const api::Outcome& o) {
  return {
      {"outcomeId", o.outcomeId}, {"caseId", o.caseId}, {"component", o.component}, {"fix", o.fix},
      {"worked", o.worked},       {"note", o.note},     {"timeMs", o.timeMs},       {"by", o.by},
      {"retracted", o.retracted}, {"source", o.source}};
}

std::vector<std::string> OutcomeRow(const api::Outcome& o) {
  return {cli::FormatTime(o.timeMs),
          o.by,
          o.component.empty() ? "-" : o.component,
          o.fix.empty() ? "-" : o.fix,
          o.fix.empty() ? "-"
          : o.worked    ? "yes"
                        : "no",
          o.note};
}

const std::vector<std::string> kOutcomeColumns = {"time (UTC)", "by",   "component",
                                                  "fix",        "held", "note"};

int CmdOutcome(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::OutcomeRequest req;
  if (a.Has("--answer")) {
    if (a.positional.size() != 1) UsageError("outcome takes a CASE id or --answer ID, not both");
    req.answerId = a.Get("--answer");
  } else {
    if (a.positional.size() != 2) UsageError("outcome needs one CASE id (or --answer ID)");
    req.caseId = a.positional[1];
  }
  req.outcomeId = a.Get("--id");
  req.retract = a.Has("--retract");
  req.component = a.Get("--component");
  req.fix = a.Get("--fix");
  req.note = a.Get("--note");
  if (req.retract) {
    if (a.Has("--component") || a.Has("--fix") || a.Has("--worked") || a.Has("--note"))
      UsageError("outcome --retract takes only CASE and --id");
  } else {
    if (!a.Has("--worked")) UsageError("outcome needs --worked yes|no (did the fix hold?)");
    if (!ingest::ParseYesNo(a.Get("--worked"), &req.worked))
      UsageError("--worked must be yes or no");
    if (req.component.empty() && req.fix.empty())
      UsageError("outcome needs --component, --fix or both");
  }
  api::Outcome o;
  fg.recordOutcome(o, req);
  if (as_json) {
    Print(OutcomeJson(o));
    return 0;
  }
  std::printf("outcome %s of case %s %s\n", o.outcomeId.c_str(), o.caseId.c_str(),
              o.retracted ? "retracted" : "recorded");
  if (!o.retracted) cli::PrintTable(kOutcomeColumns, {OutcomeRow(o)});
  return 0;
}

int CmdCase(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.positional.size() != 2) UsageError("case needs one ID");
  api::CaseView c;
  fg.getCase(c, a.positional[1]);
  if (as_json) {
    json outcomes = json::array();
    for (const auto& o : c.outcomes) outcomes.push_back(OutcomeJson(o));
    Print({{"caseId", c.caseId},
           {"assetSerial", c.assetSerial},
           {"product", c.product},
           {"family", c.family},
           {"openedMs", c.openedMs},
           {"closedMs", c.closedMs},
           {"channel", c.channel},
           {"symptomText", c.symptomText},
           {"notes", c.notes},
           {"faultCodes", c.faultCodes},
           {"symptoms", c.symptoms},
           {"components", c.components},
           {"failureCause", c.failureCause},
           {"fixes", c.fixes},
           {"parts", c.parts},
           {"labourMinutes", c.labourMinutes},
           {"cost", c.cost},
           {"outcome", c.outcome},
           {"satisfaction", c.satisfaction},
           {"region", c.region},
           {"source", c.source},
           {"outcomes", outcomes}});
    return 0;
  }
  // An absent field shows as "-", not as a label with nothing after it.
  using cli::TrF;
  auto shown = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  for (const std::string& line :
       {TrF("case {0}  ({1})", {c.caseId, c.source}),
        TrF("product: {0}   asset: {1}   region: {2}",
            {shown(c.product), shown(c.assetSerial), shown(c.region)}),
        TrF("opened: {0}   closed: {1}",
            {cli::FormatTime(c.openedMs), cli::FormatTime(c.closedMs)}),
        TrF("symptom: {0}", {shown(c.symptomText)}), TrF("notes: {0}", {shown(c.notes)}),
        TrF("fault codes: {0}", {shown(Join(c.faultCodes))}),
        TrF("components: {0}", {shown(Join(c.components))}),
        TrF("cause: {0}", {shown(c.failureCause)}), TrF("fixes: {0}", {shown(Join(c.fixes))}),
        TrF("parts: {0}", {shown(Join(c.parts))}),
        TrF("labour: {0}   outcome: {1}",
            {c.labourMinutes > 0 ? TrF("{0} min", {std::to_string(c.labourMinutes)}) : "-",
             shown(c.outcome)})})
    std::printf("%s\n", line.c_str());
  if (!c.outcomes.empty()) {
    std::printf("\n%s\n", cli::Tr("outcomes recorded by technicians:").c_str());
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : c.outcomes) rows.push_back(OutcomeRow(o));
    cli::PrintTable(kOutcomeColumns, rows);
  }
  return 0;
}

json TimelineJson(const std::vector<api::TimelineItem>& items) {
  json out = json::array();
  for (const auto& t : items)
    out.push_back({{"timeMs", t.timeMs}, {"kind", t.kind}, {"id", t.id}, {"summary", t.summary}});
  return out;
}

std::vector<std::vector<std::string>> TimelineRows(const std::vector<api::TimelineItem>& items) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : items) rows.push_back({cli::FormatTime(t.timeMs), t.kind, t.id, t.summary});
  return rows;
}

// "2 calls" / "31 calls, the newest 20 shown": what a list holds. `what`
// is the message's English text, "{0} calls".
std::string Counted(size_t shown, int32_t total, const std::string& what) {
  if (shown >= static_cast<size_t>(total)) return cli::TrF(what, {std::to_string(total)});
  return cli::TrF(what + ", the newest {1} shown", {std::to_string(total), std::to_string(shown)});
}

int CmdAssetTimeline(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  std::vector<api::TimelineItem> items;
  fg.assetHistory(items, a.positional[1], ParseLimit(a, 100));
  if (as_json) {
    Print(TimelineJson(items));
    return 0;
  }
  cli::PrintTable({"time (UTC)", "kind", "id", "summary"}, TimelineRows(items));
  return 0;
}

int CmdAsset(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.positional.size() != 2) UsageError("asset needs one SERIAL");
  if (a.Has("--timeline")) return CmdAssetTimeline(fg, a, as_json);
  api::AssetView v;
  fg.assetView(v, a.positional[1], ParseLimit(a, 20));
  if (as_json) {
    json cases = json::array();
    for (const auto& c : v.cases) {
      cases.push_back({{"caseId", c.caseId},
                       {"openedMs", c.openedMs},
                       {"closedMs", c.closedMs},
                       {"symptomText", c.symptomText},
                       {"components", c.components},
                       {"componentNames", c.componentNames},
                       {"failureCause", c.failureCause},
                       {"fixes", c.fixes},
                       {"fixHeld", c.fixHeld},
                       {"fixHeldWhy", c.fixHeldWhy}});
    }
    Print({{"serial", v.serial},
           {"installedBase", v.installedBase},
           {"product", v.product},
           {"productName", v.productName},
           {"shippedMs", v.shippedMs},
           {"installedMs", v.installedMs},
           {"customerKey", v.customerKey},
           {"region", v.region},
           {"warrantyMonths", v.warrantyMonths},
           {"warrantyEndsMs", v.warrantyEndsMs},
           {"warranty", v.warranty},
           {"openCases", v.openCases},
           {"casesTotal", v.casesTotal},
           {"cases", cases},
           {"callsTotal", v.callsTotal},
           {"calls", TimelineJson(v.calls)},
           {"alarmsTotal", v.alarmsTotal},
           {"alarms", TimelineJson(v.alarms)}});
    return 0;
  }
  using cli::Tr;
  using cli::TrF;
  auto shown = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  const auto date = cli::FormatDate;
  std::printf("%s\n",
              TrF("asset {0}   {1} {2}", {v.serial, shown(v.product), v.productName}).c_str());
  if (v.installedBase) {
    std::printf("%s\n",
                TrF("shipped: {0}   installed: {1}   customer: {2}   region: {3}",
                    {date(v.shippedMs), date(v.installedMs), shown(v.customerKey), shown(v.region)})
                    .c_str());
  } else {
    std::printf(
        "%s\n",
        Tr("not in the installed base: known from its cases, calls and alarms only").c_str());
  }
  if (v.warranty == "unknown") {
    std::printf("%s\n", TrF("warranty: unknown ({0})",
                            {Tr(v.warrantyMonths == 0 ? "the product master has no warranty_months"
                                                      : "no ship or install date")})
                            .c_str());
  } else {
    const std::string from = v.installedMs != 0 ? "installation" : "shipment";
    const std::string state = v.warranty == "expired" ? "expired on {1}" : "in warranty until {1}";
    std::printf("%s\n", TrF("warranty: {0} months from " + from + ", " + state,
                            {std::to_string(v.warrantyMonths), date(v.warrantyEndsMs)})
                            .c_str());
  }
  const std::string cases =
      v.cases.size() < static_cast<size_t>(v.casesTotal)
          ? TrF("{0} cases, the newest {1} shown, {2} open",
                {std::to_string(v.casesTotal), std::to_string(v.cases.size()),
                 std::to_string(v.openCases)})
          : TrF("{0} cases, {1} open", {std::to_string(v.casesTotal), std::to_string(v.openCases)});
  std::printf("\n%s\n", cases.c_str());
  if (!v.cases.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : v.cases) {
      std::string parts;
      for (size_t i = 0; i < c.components.size(); ++i) {
        parts += (i ? ", " : "") + c.components[i];
        if (i < c.componentNames.size() && !c.componentNames[i].empty())
          parts += " " + c.componentNames[i];
      }
      // The reason stays in English: the server writes it.
      std::string held = Tr(c.fixHeld) + (c.fixHeldWhy.empty() ? "" : ": " + c.fixHeldWhy);
      rows.push_back({c.caseId, date(c.openedMs), date(c.closedMs), shown(parts),
                      shown(c.failureCause), shown(Join(c.fixes)), held});
    }
    cli::PrintTable({Tr("case"), Tr("opened"), Tr("closed"), Tr("components"), Tr("cause"),
                     Tr("fix"), Tr("fix held")},
                    rows);
  }
  const std::vector<std::string> columns = {Tr("time (UTC)"), Tr("kind"), Tr("id"), Tr("summary")};
  std::printf("\n%s\n", Counted(v.calls.size(), v.callsTotal, "{0} calls").c_str());
  if (!v.calls.empty()) cli::PrintTable(columns, TimelineRows(v.calls));
  std::printf("\n%s\n", Counted(v.alarms.size(), v.alarmsTotal, "{0} alarms").c_str());
  if (!v.alarms.empty()) cli::PrintTable(columns, TimelineRows(v.alarms));
  return 0;
}

json DeadLetterJson(const api::DeadLetter& d) {
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
      std::printf(
          "id:       %s\nsource:   %s\nstream:   %s\nposition: %s\nreason:   %s\nraw:\n%s\n",
          d.id.c_str(), d.source.c_str(), d.stream.c_str(), d.position.c_str(), d.reason.c_str(),
          d.raw.c_str());
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
        std::printf("%s: %s: %s\n", r.id.c_str(), r.applied ? "applied" : "not applied",
                    r.message.c_str());
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
  for (const auto& d : dl) rows.push_back({d.id, d.source, d.position, d.reason});
  cli::PrintTable({"id", "source", "position", "reason"}, rows);
  return 0;
}

api::SearchFilters ParseFilters(const Args& a) {
  api::SearchFilters f;
  f.product = a.Get("--product");
  f.family = a.Get("--family");
  f.component = a.Get("--component");
  f.symptom = a.Get("--symptom");
  f.region = a.Get("--region");
  f.kind = a.Get("--kind");
  for (auto [flag, out] : {std::pair{"--from", &f.fromMs}, std::pair{"--to", &f.toMs}}) {
    std::string v = a.Get(flag);
    if (v.empty()) continue;
    auto t = ingest::ParseTime(v, "");
    if (!t.ok()) UsageError(std::string(flag) + ": " + t.status().message());
    *out = *t;
  }
  return f;
}

// The text rules, for symptom names: the --data run's; with --server, those
// at g_rules_path, read on first use (no other command there needs them).
const ingest::TextRules* g_rules = nullptr;
std::optional<std::string> g_rules_path;

// Null when they could not be read: symptoms then show as ids.
const ingest::TextRules* SymptomRules() {
  if (g_rules == nullptr && g_rules_path) {
    static const std::unique_ptr<ingest::TextRules> loaded = [] {
      auto r = ingest::TextRules::LoadOrShipped(*g_rules_path);
      return r.ok() ? std::move(r).value() : nullptr;
    }();
    g_rules = loaded.get();
    g_rules_path.reset();
  }
  return g_rules;
}

// A symptom as people read it: "不制冷 (no_cooling)", "no cooling
// (no_cooling)"; the id alone when the rules do not name it (fault codes:
// AC:E4).
std::string SymptomLabel(const std::string& id) {
  const ingest::TextRules* rules = SymptomRules();
  if (rules == nullptr) return id;
  const bool zh = cli::CurrentLang() != cli::Lang::kEn;
  const std::string name = rules->SymptomName(id, zh ? "zh-CN" : "en");
  if (name.empty()) return id;
  return (zh ? cli::FromSimplified(name) : name) + " (" + id + ")";
}

std::string SymptomLabels(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + SymptomLabel(id);
  return out;
}

// `s` padded with spaces to `width` display columns.
std::string Pad(const std::string& s, size_t width) {
  const size_t w = cli::DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string Percent(double share) { return std::to_string(static_cast<int>(100 * share + 0.5)); }

void PrintSearch(const api::SearchResult& r, bool as_json) {
  if (as_json) {
    json hits = json::array();
    for (const auto& h : r.hits) {
      hits.push_back({{"kind", h.kind},
                      {"id", h.id},
                      {"percent", h.percent},
                      {"title", h.title},
                      {"snippet", h.snippet},
                      {"product", h.product},
                      {"components", h.components},
                      {"symptoms", h.symptoms},
                      {"fixes", h.fixes},
                      {"openedMs", h.openedMs}});
    }
    json facets = json::object();
    for (const auto& [name, counts] : r.facets) {
      json list = json::array();
      for (const auto& c : counts) list.push_back({{"value", c.value}, {"count", c.count}});
      facets[name] = list;
    }
    Print({{"matchesEstimated", r.matchesEstimated},
           {"matchesLowerBound", r.matchesLowerBound},
           {"matchesUpperBound", r.matchesUpperBound},
           {"hits", hits},
           {"facets", facets}});
    return;
  }
  using cli::Tr;
  using cli::TrF;
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : r.hits) {
    rows.push_back({Tr(h.kind), h.id, std::to_string(h.percent) + "%", h.product,
                    Join(h.components), Join(h.fixes), h.snippet});
  }
  cli::PrintTable({Tr("kind"), Tr("id"), Tr("match"), Tr("product"), Tr("components"), Tr("fixes"),
                   Tr("snippet")},
                  rows);
  if (r.matchesLowerBound == r.matchesUpperBound) {
    std::printf("\n%s\n", TrF("{0} matches", {std::to_string(r.matchesLowerBound)}).c_str());
  } else {
    std::printf("\n%s\n",
                TrF("about {0} matches (at least {1})",
                    {std::to_string(r.matchesEstimated), std::to_string(r.matchesLowerBound)})
                    .c_str());
  }
  if (!r.facets.empty() && r.matchesLowerBound > 0) {
    const long long counted =
        std::min<long long>(search::kFacetDocs, static_cast<long long>(r.matchesLowerBound));
    std::printf("%s\n", counted < r.matchesEstimated
                            ? TrF("counted in the best {0}:", {std::to_string(counted)}).c_str()
                            : Tr("counted in all of them:").c_str());
  }
  for (const auto& [name, counts] : r.facets) {
    std::string line;
    for (const auto& c : counts)
      line += (line.empty() ? "" : "  ") + (name == "symptom" ? SymptomLabel(c.value) : c.value) +
              " (" + std::to_string(c.count) + ")";
    if (!line.empty()) std::printf("%s %s\n", Pad(Tr(name) + ":", 10).c_str(), line.c_str());
  }
}

int CmdSearch(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.positional.size() != 2) UsageError("search needs one TEXT (quote it)");
  api::SearchResult r;
  fg.searchFixes(r, a.positional[1], ParseFilters(a),
                 ParseIntOption(a, "--offset", 0, 0, api::kMaxSearchOffset),
                 ParseLimit(a, 10, api::kMaxSearchLimit));
  PrintSearch(r, as_json);
  return 0;
}

int CmdSimilar(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  std::string case_id = a.Get("--case");
  std::string text = a.positional.size() == 2 ? a.positional[1] : "";
  if (case_id.empty() == text.empty()) UsageError("similar needs --case ID or one TEXT");
  api::SearchResult r;
  fg.similarCases(r, case_id, text, ParseFilters(a), ParseLimit(a, 10, api::kMaxSearchLimit));
  PrintSearch(r, as_json);
  return 0;
}

json ToJson(const api::RootCauseAnswer& a) {
  json comps = json::array();
  for (const auto& c : a.components) {
    json ev = json::array(), sup = json::array(), causes = json::array(), fixes = json::array();
    for (const auto& e : c.evidence)
      ev.push_back(
          {{"symptom", e.symptom}, {"scope", e.scope}, {"count", e.count}, {"total", e.total}});
    for (const auto& s : c.supporting)
      sup.push_back({{"caseId", s.caseId},
                     {"snippet", s.snippet},
                     {"similarity", s.similarity},
                     {"openedMs", s.openedMs}});
    for (const auto& k : c.causes) causes.push_back({{"cause", k.cause}, {"count", k.count}});
    for (const auto& f : c.fixes)
      fixes.push_back({{"fix", f.fix},
                       {"title", f.title},
                       {"attempts", f.attempts},
                       {"repeats", f.repeats},
                       {"successRate", f.successRate},
                       {"score", f.score},
                       {"textFit", f.textFit},
                       {"medianLabourMinutes", f.medianLabourMinutes},
                       {"parts", f.parts}});
    comps.push_back({{"component", c.component},
                     {"name", c.name},
                     {"probability", c.probability},
                     {"confidence", c.confidence},
                     {"fromSymptoms", c.fromSymptoms},
                     {"fromCases", c.fromCases},
                     {"historyFactor", c.historyFactor},
                     {"historyNote", c.historyNote},
                     {"namedInText", c.namedInText},
                     {"cases", c.cases},
                     {"fixScope", c.fixScope},
                     {"evidence", ev},
                     {"supporting", sup},
                     {"causes", causes},
                     {"fixes", fixes}});
  }
  json history = json::array();
  for (const auto& h : a.history)
    history.push_back(
        {{"timeMs", h.timeMs}, {"kind", h.kind}, {"id", h.id}, {"summary", h.summary}});
  json causes = json::array();
  for (const auto& k : a.causes)
    causes.push_back({{"cause", k.cause},
                      {"probability", k.probability},
                      {"cases", k.cases},
                      {"similarCases", k.similarCases}});
  return {{"product", a.product},   {"family", a.family}, {"productKnown", a.productKnown},
          {"symptoms", a.symptoms}, {"notes", a.notes},   {"components", comps},
          {"causes", causes},       {"history", history}, {"answerId", a.answerId}};
}

void PrintRootCause(const api::RootCauseAnswer& a) {
  using cli::Tr;
  using cli::TrF;
  std::string head = a.product.empty() ? Tr("(no product)") : a.product;
  if (!a.family.empty()) head += TrF(" (family {0})", {a.family});
  if (!a.productKnown && !a.product.empty()) head += Tr(" [unknown]");
  head += TrF("   symptoms: {0}",
              {a.symptoms.empty() ? Tr("none with evidence") : SymptomLabels(a.symptoms)});
  std::printf("%s\n", head.c_str());
  for (const auto& n : a.notes) std::printf("%s\n", TrF("note: {0}", {n}).c_str());
  int rank = 0;
  for (const auto& c : a.components) {
    std::string why = TrF("symptom evidence {0}%, similar cases {1}%",
                          {Percent(c.fromSymptoms), Percent(c.fromCases)});
    if (c.namedInText > 0) why += Tr(", named in the text");
    if (c.historyFactor != 1) why += Tr(", raised by the asset's history");
    std::printf("\n%d. %s  %s   %s%%  %s   (%s)\n", ++rank, c.component.c_str(), c.name.c_str(),
                Percent(c.probability).c_str(), TrF("{0} confidence", {Tr(c.confidence)}).c_str(),
                why.c_str());
    for (const auto& e : c.evidence)
      std::printf("   %s\n", TrF("{0}: {1} of {2} diagnosed cases ({3})",
                                 {SymptomLabel(e.symptom), std::to_string(e.count),
                                  std::to_string(e.total), e.scope})
                                 .c_str());
    if (!c.historyNote.empty())
      std::printf("   %s\n", TrF("history: {0}", {c.historyNote}).c_str());
    if (!c.causes.empty()) {
      std::string s;
      for (const auto& k : c.causes)
        s += (s.empty() ? "" : ", ") + k.cause + " " + std::to_string(k.count);
      std::printf(
          "   %s\n",
          TrF("causes ({0}, {1} cases): {2}", {c.fixScope, std::to_string(c.cases), s}).c_str());
    }
    for (const auto& f : c.fixes) {
      std::string line = Tr("fix") + " " + Pad(f.fix, 9) + " " + Pad(f.title, 34) + " " +
                         Pad(TrF("held {0}% ({1} of {2})",
                                 {Percent(f.successRate), std::to_string(f.attempts - f.repeats),
                                  std::to_string(f.attempts)}),
                             20) +
                         "  " + TrF("median {0} min", {std::to_string(f.medianLabourMinutes)}) +
                         "  " + TrF("parts {0}", {f.parts.empty() ? "-" : Join(f.parts)});
      if (f.textFit > 0) line += "  " + TrF("fits the text {0}%", {Percent(f.textFit)});
      std::printf("   %s\n", line.c_str());
    }
    for (const auto& s : c.supporting) {
      const std::string sim = s.similarity > 0
                                  ? std::to_string(static_cast<int>(100 * s.similarity)) + "%"
                                  : Tr("diagnosed");
      std::printf("   %s\n", TrF("case {0} ({1}, {2}): {3}",
                                 {s.caseId, sim, cli::FormatDate(s.openedMs), s.snippet})
                                 .c_str());
    }
  }
  if (!a.causes.empty()) {
    std::string s;
    for (const auto& k : a.causes)
      s += (s.empty() ? "" : ", ") + k.cause + " " + Percent(k.probability) + "%" +
           (k.similarCases > 0 ? " (" + TrF("{0} similar", {std::to_string(k.similarCases)}) + ")"
                               : "");
    std::printf("\n%s\n", TrF("likely causes: {0}", {s}).c_str());
  }
  if (!a.history.empty()) {
    std::printf("\n%s\n", Tr("asset history (last 90 days):").c_str());
    for (const auto& h : a.history)
      std::printf("   %s  %-6s %s  %s\n", cli::FormatTime(h.timeMs).c_str(), h.kind.c_str(),
                  h.id.c_str(), h.summary.c_str());
  }
  if (!a.answerId.empty())
    std::printf("\n%s\n", TrF("answer {0}: once the technician knows, faultgraph outcome "
                              "--answer {0} --component C --fix F --worked yes|no",
                              {a.answerId})
                              .c_str());
}

int CmdRootCause(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.Has("--batch")) {
    std::ifstream in(a.Get("--batch"));
    if (!in) UsageError("cannot read " + a.Get("--batch"));
    std::string line;
    int n = 0, failed = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      json q = json::parse(line, nullptr, false);
      json out;
      if (q.is_discarded() || !q.is_object()) {
        out = {{"line", n}, {"error", "line " + std::to_string(n) + " is not a JSON object"}};
      } else {
        api::RootCauseRequest r;
        try {
          r.product = q.value("product", "");
          r.text = q.value("text", "");
          r.serial = q.value("serial", "");
          r.topK = q.value("top", 3);
          if (q.contains("at")) {
            auto at = ingest::ParseTime(q["at"].get<std::string>(), "");
            if (!at.ok()) throw std::invalid_argument("at: " + at.status().message());
            r.asOfMs = *at;
          }
          if (q.contains("codes")) {
            if (q["codes"].is_string())
              r.faultCodes = ingest::SplitList(q["codes"].get<std::string>(), ",; ");
            else
              r.faultCodes = q["codes"].get<std::vector<std::string>>();
          }
          api::RootCauseAnswer ans;
          fg.rootCause(ans, r);
          out = ToJson(ans);
        } catch (const std::invalid_argument& e) {
          out = {{"line", n}, {"error", "line " + std::to_string(n) + ": " + e.what()}};
        } catch (const json::exception& e) {
          out = {{"line", n},
                 {"error", std::string("line ") + std::to_string(n) + ": " + e.what()}};
        } catch (const api::BadRequest& e) {
          out = {{"line", n},
                 {"error", "line " + std::to_string(n) + ": " + e.field + ": " + e.message}};
        }
      }
      if (q.is_object() && q.contains("id")) out["id"] = q["id"];
      failed += out.contains("error");
      std::printf("%s\n", out.dump().c_str());
    }
    return failed > 0 ? 1 : 0;
  }
  api::RootCauseRequest r;
  if (!a.Has("--text") && !a.Has("--codes") && !a.Has("--serial"))
    UsageError(
        "rootcause needs what the customer said (--text), fault codes (--codes) or the "
        "unit (--serial), or a --batch file");
  r.product = a.Get("--product");
  r.serial = a.Get("--serial");
  r.text = a.Get("--text");
  if (r.text.empty() && a.positional.size() > 1) r.text = a.positional[1];
  r.faultCodes = ingest::SplitList(a.Get("--codes"), ",; ");
  r.topK = ParseIntOption(a, "--top", 3, 1, 20);
  if (a.Has("--at")) {
    auto at = ingest::ParseTime(a.Get("--at"), "");
    if (!at.ok()) UsageError("--at: " + at.status().message());
    r.asOfMs = *at;
  }
  api::RootCauseAnswer ans;
  fg.rootCause(ans, r);
  if (as_json) {
    Print(ToJson(ans));
  } else {
    PrintRootCause(ans);
  }
  return 0;
}

int CmdRepeatContacts(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::RepeatContactRequest r;
  r.product = a.Get("--product");
  r.minCalls = ParseIntOption(a, "--min-calls", 2, 2, 1000);
  r.openOnly = a.Has("--open");
  r.limit = ParseLimit(a, 20);
  std::vector<api::RepeatContactRow> rows;
  fg.repeatContacts(rows, r);
  if (as_json) {
    json out = json::array();
    for (const auto& x : rows)
      out.push_back({{"case", x.caseId},
                     {"product", x.product},
                     {"asset", x.assetSerial},
                     {"calls", x.calls},
                     {"firstCallMs", x.firstCallMs},
                     {"lastCallMs", x.lastCallMs},
                     {"openedMs", x.openedMs},
                     {"closedMs", x.closedMs}});
    Print(out);
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& x : rows)
    table.push_back({x.caseId, x.product, x.assetSerial, std::to_string(x.calls),
                     cli::FormatTime(x.firstCallMs), cli::FormatTime(x.lastCallMs),
                     x.closedMs == 0 ? "open" : cli::FormatTime(x.closedMs)});
  cli::PrintTable({"case", "product", "asset", "calls", "first call", "last call", "closed"},
                  table);
  return 0;
}

int CmdRepeats(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.Has("--contacts")) return CmdRepeatContacts(fg, a, as_json);
  api::RepeatRequest r;
  r.product = a.Get("--product");
  r.windowDays = ParseIntOption(a, "--window", 30, 1, 365);
  const int limit = ParseLimit(a, 20);
  // Every row (up to the API's cap): the count of rows and the totals per
  // fix are over all of them, not only the rows shown.
  r.limit = api::kMaxLimit;
  std::vector<api::RepeatRow> all;
  fg.repeatFailures(all, r);
  const bool capped = static_cast<int>(all.size()) >= api::kMaxLimit;
  std::vector<api::RepeatRow> rows(all.begin(),
                                   all.begin() + std::min<std::ptrdiff_t>(limit, all.size()));
  if (as_json) {
    json out = json::array();
    for (const auto& x : rows)
      out.push_back({{"product", x.product},
                     {"component", x.component},
                     {"fix", x.fix},
                     {"attempts", x.attempts},
                     {"repeats", x.repeats},
                     {"rate", x.rate},
                     {"chains", x.chains},
                     {"customers", x.customers}});
    Print(out);
    return 0;
  }
  auto percent = [](double rate) {
    char out[16];
    std::snprintf(out, sizeof out, "%.0f%%", 100 * rate);
    return std::string(out);
  };
  std::vector<std::vector<std::string>> table;
  for (const auto& x : rows) {
    std::string chain;
    if (!x.chains.empty()) {
      for (const auto& id : x.chains[0]) chain += (chain.empty() ? "" : " > ") + id;
    }
    table.push_back({x.product, x.component, x.fix, std::to_string(x.attempts),
                     std::to_string(x.repeats), percent(x.rate),
                     std::to_string(x.customers.size()), chain});
  }
  using cli::Tr;
  cli::PrintTable({Tr("product"), Tr("component"), Tr("fix"), Tr("attempts"), Tr("repeats"),
                   Tr("rate"), Tr("customers"), Tr("longest chain")},
                  table);
  const std::string of = std::to_string(all.size()) + (capped ? "+" : "");
  if (rows.size() < all.size()) {
    std::printf("\n%s\n", cli::TrF("showing {0} of {1} rows; more with --limit N (up to {2})",
                                    {std::to_string(rows.size()), of,
                                     std::to_string(api::kMaxLimit)})
                               .c_str());
  }
  // One fix across every product it was used on.
  struct Total {
    std::set<std::string> products;
    int64_t attempts = 0, repeats = 0;
  };
  std::map<std::string, Total> by_fix;
  for (const auto& x : all) {
    Total& t = by_fix[x.fix];
    t.products.insert(x.product);
    t.attempts += x.attempts;
    t.repeats += x.repeats;
  }
  std::vector<std::pair<std::string, Total>> totals(by_fix.begin(), by_fix.end());
  std::sort(totals.begin(), totals.end(), [](const auto& x, const auto& y) {
    return x.second.repeats != y.second.repeats ? x.second.repeats > y.second.repeats
                                                : x.first < y.first;
  });
  if (totals.size() > 10) totals.resize(10);
  if (!totals.empty()) {
    std::printf("\n%s\n", cli::TrF("per fix, over all products ({0} rows)", {of}).c_str());
    std::vector<std::vector<std::string>> fixes;
    for (const auto& [fix, t] : totals) {
      fixes.push_back({fix, std::to_string(t.products.size()), std::to_string(t.attempts),
                       std::to_string(t.repeats),
                       percent(t.attempts == 0 ? 0.0
                                               : static_cast<double>(t.repeats) /
                                                     static_cast<double>(t.attempts))});
    }
    cli::PrintTable({Tr("fix"), Tr("products"), Tr("attempts"), Tr("repeats"), Tr("rate")},
                    fixes);
  }
  return 0;
}

// The feed: items after --since ("" = from the start); the next cursor is
// in the JSON, or on stderr for CSV.
int CmdFeed(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::FeedPage page;
  fg.defectFeed(page, a.Get("--since"), ParseLimit(a, 1000));
  if (as_json) {
    json items = json::array();
    for (const auto& it : page.items) {
      json payload = json::parse(it.payload, nullptr, false);
      items.push_back({{"seq", it.seq},
                       {"kind", it.kind},
                       {"key", it.key},
                       {"createdMs", it.createdMs},
                       {"product", it.product},
                       {"component", it.component},
                       {"fix", it.fix},
                       {"payload", payload}});
    }
    Print({{"items", items}, {"nextCursor", page.nextCursor}});
    return 0;
  }
  auto csv = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::printf("seq,kind,product,component,fix,created,key,payload\n");
  for (const auto& it : page.items) {
    std::printf("%lld,%s,%s,%s,%s,%s,%s,%s\n", static_cast<long long>(it.seq), it.kind.c_str(),
                it.product.c_str(), it.component.c_str(), it.fix.c_str(),
                cli::FormatTime(it.createdMs).c_str(), csv(it.key).c_str(),
                csv(it.payload).c_str());
  }
  std::fprintf(stderr, "next cursor: %s\n", page.nextCursor.c_str());
  return 0;
}

int CmdCohorts(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::CohortRequest r;
  r.product = a.Get("--product");
  r.component = a.Get("--component");
  std::vector<api::CohortCell> cells;
  fg.cohortRates(cells, r);
  if (as_json) {
    json out = json::array();
    for (const auto& c : cells)
      out.push_back({{"product", c.product},
                     {"component", c.component},
                     {"shipMonth", cli::FormatMonth(c.shipMonth)},
                     {"monthsInService", c.monthsInService},
                     {"failures", c.failures},
                     {"units", c.units},
                     {"per1000", c.per1000}});
    Print(out);
    return 0;
  }
  if (a.Has("--csv")) {
    std::printf("product,component,ship_month,months_in_service,failures,units,per_1000\n");
    for (const auto& c : cells)
      std::printf("%s,%s,%s,%d,%lld,%lld,%.4f\n", c.product.c_str(), c.component.c_str(),
                  cli::FormatMonth(c.shipMonth).c_str(), c.monthsInService,
                  static_cast<long long>(c.failures), static_cast<long long>(c.units), c.per1000);
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& c : cells) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.2f", c.per1000);
    table.push_back({c.product, c.component, cli::FormatMonth(c.shipMonth),
                     std::to_string(c.monthsInService), std::to_string(c.failures),
                     std::to_string(c.units), rate});
  }
  cli::PrintTable(
      {"product", "component", "shipped", "months in service", "failures", "units", "per 1000"},
      table);
  return 0;
}

int CmdTrends(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.Has("--since")) return CmdFeed(fg, a, as_json);
  if (a.Has("--cohort")) return CmdCohorts(fg, a, as_json);
  api::TrendRequest r;
  r.product = a.Get("--product");
  r.component = a.Get("--component");
  r.baselineMonths = ParseIntOption(a, "--baseline", 6, 2, 36);
  if (a.Has("--alpha")) {
    char* end = nullptr;
    r.alpha = std::strtod(a.Get("--alpha").c_str(), &end);
    if (*end != '\0' || !(r.alpha > 0 && r.alpha <= 0.1))
      UsageError("--alpha must be a number above 0 and at most 0.1");
  }
  r.withSeries = a.Has("--series") || a.Has("--csv") || a.Has("--plot");
  api::TrendReport t;
  fg.defectTrends(t, r);
  if (a.Has("--plot")) {
    // The pair asked for, or the one with the most significant alert.
    std::string product = r.product, component = r.component;
    if ((product.empty() || component.empty()) && !t.alerts.empty()) {
      for (const auto& al : t.alerts) {
        if ((product.empty() || al.product == product) &&
            (component.empty() || al.component == component)) {
          product = al.product;
          component = al.component;
          break;
        }
      }
    }
    for (const auto& s : t.series) {
      if (s.product != product || s.component != component) continue;
      std::ofstream out(a.Get("--plot"), std::ios::binary);
      out << cli::PlotRateSeries(s, t);
      if (!out) UsageError("cannot write " + a.Get("--plot"));
      std::printf("wrote %s: %s x %s, %zu months\n", a.Get("--plot").c_str(), product.c_str(),
                  component.c_str(), s.points.size());
      return 0;
    }
    UsageError("--plot needs --product and --component of a series (or an alert to show)");
  }
  if (a.Has("--csv")) {
    std::printf("product,component,month,failures,installed,per_1000,alert\n");
    for (const auto& s : t.series) {
      for (const auto& p : s.points) {
        bool alert = false;
        for (const auto& al : t.alerts)
          alert |= al.product == s.product && al.component == s.component && al.month == p.month;
        std::printf("%s,%s,%s,%lld,%lld,%.4f,%d\n", s.product.c_str(), s.component.c_str(),
                    cli::FormatMonth(p.month).c_str(), static_cast<long long>(p.failures),
                    static_cast<long long>(p.installed), p.per1000, alert ? 1 : 0);
      }
    }
    return 0;
  }
  if (as_json) {
    json alerts = json::array(), series = json::array();
    for (const auto& al : t.alerts)
      alerts.push_back({{"product", al.product},
                        {"component", al.component},
                        {"month", cli::FormatMonth(al.month)},
                        {"monthsFlagged", al.monthsFlagged},
                        {"rateBefore", al.rateBefore},
                        {"rateAfter", al.rateAfter},
                        {"failures", al.failures},
                        {"expected", al.expected},
                        {"pValue", al.pValue},
                        {"evidence", al.evidence}});
    for (const auto& s : t.series) {
      json pts = json::array();
      for (const auto& p : s.points)
        pts.push_back({{"month", cli::FormatMonth(p.month)},
                       {"failures", p.failures},
                       {"installed", p.installed},
                       {"per1000", p.per1000}});
      series.push_back({{"product", s.product}, {"component", s.component}, {"points", pts}});
    }
    Print({{"alerts", alerts}, {"series", series}, {"tests", t.tests}, {"alpha", t.alpha}});
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& al : t.alerts) {
    char before[32], after[32], p[32], exp[32];
    std::snprintf(before, sizeof before, "%.2f", al.rateBefore);
    std::snprintf(after, sizeof after, "%.2f", al.rateAfter);
    std::snprintf(p, sizeof p, "%.1e", al.pValue);
    std::snprintf(exp, sizeof exp, "%.1f", al.expected);
    std::string ev;
    for (size_t i = 0; i < al.evidence.size() && i < 3; ++i)
      ev += (ev.empty() ? "" : " ") + al.evidence[i];
    table.push_back({al.product, al.component, cli::FormatMonth(al.month),
                     std::to_string(al.monthsFlagged), before, after,
                     std::to_string(al.failures) + " vs " + exp, p, ev});
  }
  cli::PrintTable({"product", "component", "from", "months", "per 1000 before", "after", "failures",
                   "p-value", "cases"},
                  table);
  std::printf(
      "\n%zu alerts from %lld monthly tests at alpha %g (about %.1f false alarms "
      "expected by chance)\n",
      t.alerts.size(), static_cast<long long>(t.tests), t.alpha, t.tests * t.alpha);
  return 0;
}

int64_t ParseDateOption(const Args& a, const std::string& name) {
  if (!a.Has(name)) return 0;
  auto t = ingest::ParseTime(a.Get(name), "");
  if (!t.ok()) UsageError(name + ": " + t.status().message());
  return *t;
}

// What each KPI counts: its JSON field, and the line `kpi` prints (the
// name padded to 17 columns, then the definition; in the catalogue).
constexpr std::pair<const char*, const char*> kKpiDefinitions[] = {
    {"firstTimeFix",
     "first-time fix   closed cases whose asset did not come back with the same component "
     "(or symptom, when none was diagnosed) within the window"},
    {"repeatRate",
     "repeat           closed cases that were themselves a return: opened within the window "
     "after an earlier case on the asset closed with the same component; it counts other "
     "cases than first-time fix, so the two need not add up to 100%"},
    {"mttrHours", "MTTR h           median hours from opened to closed, of the closed cases"},
    {"responseMinutes",
     "response min     median minutes from the first call about the case to the ticket"},
    {"satisfaction", "satisfaction     mean rating of the rated cases"},
    {"repeatContactRate",
     "repeat contacts  cases with two or more calls before they closed, of the cases a call "
     "names"}};

int CmdKpi(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::KpiRequest r;
  r.product = a.Get("--product");
  r.region = a.Get("--region");
  r.by = a.Get("--by", "product");
  r.windowDays = ParseIntOption(a, "--window", 30, 1, 365);
  r.fromMs = ParseDateOption(a, "--from");
  r.toMs = ParseDateOption(a, "--to");
  std::vector<api::KpiRow> rows;
  fg.kpis(rows, r);
  const std::string days = std::to_string(r.windowDays);
  const std::string population =
      cli::TrF("each group: the cases opened in it (returns are judged on the asset's whole "
               "history, window {0} days)",
               {days});
  if (as_json) {
    // The rows, and what each figure counts (in the reader's language).
    json definitions = json::object();
    for (const auto& [field, line] : kKpiDefinitions) {
      std::string text = cli::Tr(line).substr(17);
      definitions[field] = text.substr(std::min(text.find_first_not_of(' '), text.size()));
    }
    json out = {{"by", r.by},
                {"windowDays", r.windowDays},
                {"population", population},
                {"definitions", definitions},
                {"rows", json::array()}};
    for (const auto& k : rows)
      out["rows"].push_back({{"group", k.group},
                     {"cases", k.cases},
                     {"closed", k.closed},
                     {"firstTimeFix", k.firstTimeFix},
                     {"repeatRate", k.repeatRate},
                     {"mttrHours", k.mttrHours},
                     {"responseMinutes", k.responseMinutes},
                     {"satisfaction", k.satisfaction},
                     {"rated", k.rated},
                     {"contacted", k.contacted},
                     {"repeatContacts", k.repeatContacts},
                     {"repeatContactRate", k.repeatContactRate}});
    Print(out);
    return 0;
  }
  auto fmt = [](const char* f, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, f, v);
    return std::string(buf);
  };
  std::vector<std::vector<std::string>> table;
  for (const auto& k : rows)
    table.push_back({k.group, std::to_string(k.cases), std::to_string(k.closed),
                     fmt("%.1f%%", 100 * k.firstTimeFix), fmt("%.1f%%", 100 * k.repeatRate),
                     fmt("%.1f", k.mttrHours),
                     k.responseMinutes < 0 ? "-" : fmt("%.0f", k.responseMinutes),
                     k.satisfaction < 0 ? "-" : fmt("%.2f", k.satisfaction),
                     k.contacted == 0 ? "-" : fmt("%.1f%%", 100 * k.repeatContactRate)});
  cli::PrintTable({r.by, "cases", "closed", "first-time fix", "repeat", "MTTR h (median)",
                   "response min (median)", "satisfaction", "repeat contacts"},
                  table);
  // What each figure counts, so that nobody adds first-time fix and repeat
  // and wonders why they pass 100 % (issue 17, item 5).
  std::printf("\n");
  for (const auto& l : cli::Wrap(population, 100))
    std::printf("%s\n", l.c_str());
  for (const auto& [field, line] : kKpiDefinitions) {
    // The name, then its definition wrapped to 100 columns beside it.
    const std::string text = cli::Tr(line);
    const auto lines = cli::Wrap(text.substr(17), 100 - 19);
    for (size_t k = 0; k < lines.size(); ++k)
      std::printf("  %s%s\n", k == 0 ? text.substr(0, 17).c_str() : std::string(17, ' ').c_str(),
                  lines[k].c_str());
  }
  return 0;
}

int CmdReindex(api::FaultGraphIf& fg, bool as_json) {
  int64_t n = fg.reindex();
  if (as_json) {
    Print({{"indexed", n}});
  } else {
    std::printf("search index rebuilt: %lld documents\n", static_cast<long long>(n));
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
    std::printf("search index: %s\n", c.clean ? "complete" : "INCOMPLETE");
    std::printf("  cases and fixes in the graph  %lld\n", static_cast<long long>(c.graphDocuments));
    std::printf("  documents in the index        %lld\n", static_cast<long long>(c.indexDocuments));
    std::printf("  waiting to be indexed         %lld\n", static_cast<long long>(c.pending));
    std::printf("  missing / stale / orphaned    %lld / %lld / %lld\n",
                static_cast<long long>(c.missing), static_cast<long long>(c.stale),
                static_cast<long long>(c.orphaned));
    for (const auto& e : c.examples) std::printf("    %s\n", e.c_str());
    if (c.repaired > 0)
      std::printf("  repaired                      %lld documents\n",
                  static_cast<long long>(c.repaired));
    if (c.foundAtOpen > 0)
      std::printf("  at open, after an unclean shutdown: %lld found and repaired\n",
                  static_cast<long long>(c.foundAtOpen));
    if (!c.clean && c.repaired == 0) std::printf("run 'faultgraph verify --repair' to fix it\n");
  }
  return c.clean || c.repaired > 0 ? 0 : kIncomplete;
}

}  // namespace

int main(int argc, char** argv) {
  // Thrift's own diagnostics ("TSocket::open() error ...") would precede
  // faultgraph's one-line message about the same failure.
  apache::thrift::GlobalOutput.setOutputFunction([](const char*) {});
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    static const std::vector<std::string> kWithValue = {
        "--data",       "--server",  "--mapping",   "--product", "--limit",     "--source",
        "--rules",      "--family",  "--component", "--symptom", "--region",    "--kind",
        "--from",       "--to",      "--offset",    "--case",    "--serial",    "--codes",
        "--text",       "--top",     "--batch",     "--at",      "--window",    "--baseline",
        "--alpha",      "--since",   "--by",        "--plot",    "--min-calls", "--config",
        "--token-file", "--role",    "--principal", "--method",  "--token-out", "--tls-ca",
        "--tls-cert",   "--tls-key", "--fix",       "--worked",  "--note",      "--id",
        "--answer",     "--lang"};
    if (a == "--help" || a == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (a == "--version") {
      std::printf("faultgraph %s (revision %s)\n", FAULTGRAPH_VERSION, FAULTGRAPH_REVISION);
      return 0;
    }
    if (a.starts_with("--")) {
      bool takes_value = std::find(kWithValue.begin(), kWithValue.end(), a) != kWithValue.end();
      if (takes_value && i + 1 >= argc) UsageError(a + " needs a value");
      static const std::vector<std::string> kFlags = {
          "--json",   "--in",   "--no-index", "--series", "--csv",     "--contacts", "--open",
          "--cohort", "--full", "--repair",   "--tls",    "--retract", "--timeline", "--progress"};
      if (!takes_value && std::find(kFlags.begin(), kFlags.end(), a) == kFlags.end())
        UsageError("unknown option " + a);
      args.options.emplace_back(a, takes_value ? argv[++i] : "");
    } else {
      args.positional.push_back(a);
    }
  }
  if (args.positional.empty()) UsageError("no command given");
  {
    std::string bad_lang;
    cli::SetLang(cli::ChooseLang(args.Get("--lang"), &bad_lang));
    if (!bad_lang.empty()) UsageError(bad_lang);
  }
  const std::string& cmd = args.positional[0];
  if (cmd == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  if (std::find(kCommands.begin(), kCommands.end(), cmd) == kCommands.end())
    UsageError("unknown command '" + cmd + "'");
  bool as_json = args.Has("--json");

  signal(SIGPIPE, SIG_IGN);
  cli::ConnectorsCommand connectors_cmd;
  if (cmd == "connectors") {
    if (args.positional.size() < 2)
      UsageError("connectors takes check, run, status, history or reset");
    const char* env = std::getenv("FAULTGRAPH_CONNECTORS");
    connectors_cmd.verb = args.positional[1];
    connectors_cmd.name = args.positional.size() > 2 ? args.positional[2] : "";
    connectors_cmd.config = args.Get("--config", env != nullptr ? env : "");
    connectors_cmd.full = args.Has("--full");
    connectors_cmd.progress = args.Has("--progress");
    connectors_cmd.from = args.Get("--from");
    connectors_cmd.to = args.Get("--to");
    connectors_cmd.as_json = as_json;
    connectors_cmd.limit = ParseLimit(args, 20);
    if (connectors_cmd.verb == "check")
      return cli::RunConnectorsCommand(connectors_cmd, nullptr, nullptr, nullptr);
  }
  std::unique_ptr<ingest::TextRules> rules;
  std::unique_ptr<graph::GraphStore> store;
  std::unique_ptr<ingest::IngestPipeline> pipeline;
  std::unique_ptr<api::SearchService> search;
  std::function<bool()> index_after_ingest = [] { return true; };
  std::shared_ptr<api::FaultGraphIf> fg;
  api::Handler* local = nullptr;
  const char* rules_env = std::getenv("FAULTGRAPH_RULES");
  const std::string rules_path = args.Get("--rules", rules_env != nullptr ? rules_env : "");
  if (args.Has("--server")) {
    auto token = api::FindToken(args.Get("--token-file"));
    if (!token.ok()) {
      std::fprintf(stderr, "faultgraph: %s\n", token.status().message().c_str());
      return 2;
    }
    api::ClientOptions client;
    client.token = *token;
    client.tls = api::FindTlsOptions(args.Has("--tls"), args.Get("--tls-ca"),
                                     args.Get("--tls-cert"), args.Get("--tls-key"));
    auto c = api::ConnectToServer(args.Get("--server"), client);
    if (!c.ok()) {
      std::fprintf(stderr, "faultgraph: %s\n", c.status().message().c_str());
      return 1;
    }
    fg = *c;
    // The shipped (or given) rules name the symptoms the server answers
    // with; read only when an answer shows one (SymptomRules).
    g_rules_path = rules_path;
  } else {
    const char* env = std::getenv("FAULTGRAPH_DATA");
    std::string dir = args.Get("--data", env != nullptr ? env : "faultgraph-data");
    // No file: the shipped rules, as the daemon uses them (the same answers).
    auto r = ingest::TextRules::LoadOrShipped(rules_path);
    if (!r.ok()) {
      std::fprintf(stderr, "faultgraph: %s\n", r.status().message().c_str());
      return 2;
    }
    rules = std::move(r).value();
    g_rules = rules.get();
    api::DataPaths paths(dir);
    UseOwnerOnlyUmask();  // what this run creates there is the owner's alone
    graph::GraphOptions options;
    options.create_if_missing = cmd == "ingest" || cmd == "connectors" || cmd == "users";
    if (std::error_code ec;
        !options.create_if_missing && !std::filesystem::exists(paths.graph, ec)) {
      std::fprintf(stderr,
                   "faultgraph: no data at %s (load data with 'faultgraph ingest', or pass "
                   "--data DIR or --server HOST:PORT)\n",
                   dir.c_str());
      return 1;
    }
    auto s = graph::GraphStore::Open(paths.graph, options);
    if (!s.ok()) {
      std::string hint = s.status().code() == Status::Code::kBusy
                             ? " (is faultgraphd running on it? use --server HOST:PORT)"
                             : "";
      std::fprintf(stderr, "faultgraph: cannot open data directory %s: %s%s\n", dir.c_str(),
                   s.status().message().c_str(), hint.c_str());
      return 1;
    }
    store = std::move(s).value();
    if (auto tightened = MakeOwnerOnly(dir); !tightened.ok() || *tightened > 0)
      std::fprintf(stderr, "faultgraph: data directory %s: %s\n", dir.c_str(),
                   tightened.ok() ? (std::to_string(*tightened) +
                                     " entries were open to group or others; now owner-only")
                                        .c_str()
                                  : tightened.status().message().c_str());
    pipeline = std::make_unique<ingest::IngestPipeline>(store.get(), rules.get());
    // Embedded: the index catches up with the graph as it is opened: before
    // searching, and for ingest after the files are in (see below).
    // By value: `paths` ends with this block, the lambda lives on.
    auto open_search = [&store, &search, index_dir = paths.index]() -> bool {
      auto ss = api::SearchService::Open(store.get(), index_dir, /*background=*/false);
      if (!ss.ok()) {
        std::fprintf(stderr, "faultgraph: cannot open the search index: %s\n",
                     ss.status().message().c_str());
        return false;
      }
      search = std::move(ss).value();
      return true;
    };
    if ((cmd == "search" || cmd == "similar" || cmd == "reindex" || cmd == "rootcause" ||
         cmd == "verify" || cmd == "train") &&
        !open_search())
      return 1;
    index_after_ingest = [open_search, &args]() mutable {
      return args.Has("--no-index") || open_search();
    };
    auto h = std::make_shared<api::Handler>(store.get(), pipeline.get(), search.get(), &g_stop);
    local = h.get();
    fg = h;
    h->set_models_dir(paths.models);
    if (cmd == "rootcause" || cmd == "models") cli::UseModels(paths.models, h->diagnoser());
    signal(SIGINT, OnSignal);
    signal(SIGTERM, OnSignal);
  }

  try {
    if (cmd == "ingest") {
      int rc = CmdIngest(*fg, local, args, as_json);
      // Embedded, the new cases are indexed now (opening the index catches
      // up with the outbox); --no-index leaves that to the next search,
      // reindex or daemon start: nothing is lost, the outbox keeps them.
      if (local != nullptr && !g_stop && !index_after_ingest()) {
        std::fprintf(
            stderr,
            "faultgraph: the files are in, but indexing failed; run 'faultgraph reindex'\n");
        return 1;
      }
      return rc;
    }
    if (cmd == "dlq" && args.positional.size() >= 2 && args.positional[1] == "retry") {
      int rc = CmdDlq(*fg, args, as_json);
      // Embedded, what was applied is indexed now (--no-index: later).
      if (local != nullptr && !index_after_ingest()) return 1;
      return rc;
    }
    if (cmd == "train") return cli::RunTrainCommand(*fg, as_json);
    if (cmd == "models") return cli::RunModelsCommand(*fg, as_json);
    if (cmd == "digest") {
      api::GraphDigest d;
      fg->digest(d);
      std::printf("%s keys=%lld\n", d.hex.c_str(), static_cast<long long>(d.keys));
      return 0;
    }
    if (cmd == "connectors" && local == nullptr)
      return cli::RunRemoteConnectorsCommand(connectors_cmd, *fg);
    if (cmd == "connectors") {
      int rc = cli::RunConnectorsCommand(connectors_cmd, store.get(), pipeline.get(), &g_stop);
      if ((connectors_cmd.verb == "run" || connectors_cmd.verb == "backfill") && !g_stop &&
          !index_after_ingest()) {
        std::fprintf(stderr,
                     "faultgraph: the rows are in, but indexing failed; run 'faultgraph "
                     "reindex'\n");
        return 1;
      }
      return rc;
    }
    if (cmd == "users") {
      cli::UsersCommand u;
      u.verb = args.positional.size() > 1 ? args.positional[1] : "";
      u.name = args.positional.size() > 2 ? args.positional[2] : "";
      u.role = args.Get("--role");
      u.token_out = args.Get("--token-out");
      u.as_json = as_json;
      return cli::RunUsersCommand(u, *fg);
    }
    if (cmd == "audit") {
      cli::AuditCommand au;
      au.since_ms = ParseDateOption(args, "--since");
      au.principal = args.Get("--principal");
      au.method = args.Get("--method");
      au.limit = ParseIntOption(args, "--limit", 100, 1, 10000);
      au.as_json = as_json;
      return cli::RunAuditCommand(au, *fg);
    }
    if (cmd == "search") return CmdSearch(*fg, args, as_json);
    if (cmd == "similar") return CmdSimilar(*fg, args, as_json);
    if (cmd == "reindex") return CmdReindex(*fg, as_json);
    if (cmd == "verify") return CmdVerify(*fg, args, as_json);
    if (cmd == "rootcause") return CmdRootCause(*fg, args, as_json);
    if (cmd == "repeats") return CmdRepeats(*fg, args, as_json);
    if (cmd == "trends") return CmdTrends(*fg, args, as_json);
    if (cmd == "kpi") return CmdKpi(*fg, args, as_json);
    if (cmd == "status") return CmdStatus(*fg, as_json);
    if (cmd == "product") return CmdProduct(*fg, args, as_json);
    if (cmd == "neighbours" || cmd == "neighbors") return CmdNeighbours(*fg, args, as_json);
    if (cmd == "case") return CmdCase(*fg, args, as_json);
    if (cmd == "outcome") return CmdOutcome(*fg, args, as_json);
    if (cmd == "asset") return CmdAsset(*fg, args, as_json);
    if (cmd == "dlq") return CmdDlq(*fg, args, as_json);
  } catch (const api::BadRequest& e) {
    std::fprintf(stderr, "faultgraph: bad %s: %s\n", e.field.c_str(), e.message.c_str());
    return 2;
  } catch (const api::NotFound& e) {
    std::fprintf(stderr, "faultgraph: not found: %s\n", e.message.c_str());
    return 3;
  } catch (const api::Unavailable& e) {
    std::fprintf(stderr, "faultgraph: unavailable: %s\n", e.message.c_str());
    return 1;
  } catch (const api::Unauthenticated& e) {
    std::fprintf(stderr, "faultgraph: not signed in: %s\n", e.message.c_str());
    return 5;
  } catch (const api::Forbidden& e) {
    std::fprintf(stderr, "faultgraph: forbidden: %s\n", e.message.c_str());
    return 5;
  } catch (const apache::thrift::TException& e) {
    std::fprintf(stderr, "faultgraph: %s\n", e.what());
    return 1;
  }
  UsageError("unknown command '" + cmd + "'");
}
