#include "api/cli_usage.h"

#include <sstream>
#include <vector>

namespace faultgraph::cli {
namespace {

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
  trends --cohort --product P --component C [--csv]
                                     the cohort matrix: one row per shipment month (with its
                                     units), cumulative failures per 1,000 units by months in
                                     service; blank where a cohort has not got that old
  trends --cohort [--product P] [--component C] [--csv]
                                     without both: every cell with failures, as a list
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
  --xlsx FILE       also write the tables the command prints to FILE, one worksheet
                    each, numbers as numbers (kpi, repeats, trends, cohorts, status...)
  --lang zh-CN|zh-TW|en
                    the language of rootcause, search, similar, case and asset (else
                    $FAULTGRAPH_LANG, else the locale: LC_ALL, LC_MESSAGES, LANG)
)";

}  // namespace

const char* Usage() { return kUsage; }

std::string CommandHelp(std::string_view command) {
  if (command == "neighbors") command = "neighbours";
  // An entry starts with two spaces and the command's name; the lines
  // indented deeper below it are its own.
  std::istringstream in(kUsage);
  std::string line, entries, filters, globals;
  enum { kOther, kEntry, kFilters } in_block = kOther;
  while (std::getline(in, line)) {
    const bool deeper = line.starts_with("   ");
    if (!deeper) in_block = kOther;
    if (line.starts_with("  ") && !deeper) {
      std::string_view rest = std::string_view(line).substr(2);
      std::string_view word = rest.substr(0, rest.find(' '));
      if (word == command) in_block = kEntry;
      if (rest.starts_with("FILTERS:")) in_block = kFilters;
    }
    if (in_block == kEntry) entries += line + "\n";
    if (in_block == kFilters) filters += line + "\n";
  }
  if (entries.empty()) return "";
  std::string out = "usage: faultgraph [--data DIR | --server HOST:PORT] [--json] " +
                    std::string(command) + " ...\n\n" + entries;
  if (entries.find("FILTERS") != std::string::npos) out += "\n" + filters;
  out +=
      "\nGlobal options (--data, --server, --json, --xlsx, --lang, TLS and tokens): faultgraph "
      "--help\n";
  return out;
}

}  // namespace faultgraph::cli
