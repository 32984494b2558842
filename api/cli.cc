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

#include "api/cli_agent.h"
#include "api/cli_args.h"
#include "api/cli_connectors.h"
#include "api/cli_format.h"
#include "api/cli_messages.h"
#include "api/cli_models.h"
#include "api/cli_ops.h"
#include "api/cli_reason.h"
#include "api/cli_rnd.h"
#include "api/cli_security.h"
#include "api/cli_usage.h"
#include "api/cli_xlsx.h"
#include "api/client.h"
#include "api/handler.h"
#include "api/limits.h"
#include "api/search_service.h"
#include "common/private_dir.h"
#include "common/version.h"
#include "ingest/text_rules.h"

namespace {

using namespace faultgraph;
using namespace faultgraph::cli;
using nlohmann::json;

std::atomic<bool> g_stop{false};
std::unique_ptr<cli::XlsxTables> g_xlsx;  // --xlsx FILE
void OnSignal(int) { g_stop = true; }

// Every command, so that a mistyped one is named before anything is opened.
const std::vector<std::string> kCommands = {
    "ingest", "status", "product", "neighbours", "neighbors",  "case",      "outcome", "asset",
    "dlq",    "search", "similar", "reindex",    "verify",     "rootcause", "repeats", "trends",
    "kpi",    "train",  "models",  "digest",     "connectors", "users",     "audit",   "help"};

}  // namespace

static int RunCli(int argc, char** argv) {
  // Thrift's own diagnostics ("TSocket::open() error ...") would precede
  // faultgraph's one-line message about the same failure.
  apache::thrift::GlobalOutput.setOutputFunction([](const char*) {});
  {  // until --lang is read: the environment's language, for usage errors
    std::string ignored;
    cli::SetLang(cli::ChooseLang("", &ignored));
  }
  Args args;
  bool help = false;
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
        "--answer",     "--lang",    "--xlsx"};
    if (a == "--help" || a == "-h") {
      help = true;
      continue;
    }
    if (a == "--version") {
      std::printf("faultgraph %s (revision %s)\n", FAULTGRAPH_VERSION, FAULTGRAPH_REVISION);
      return 0;
    }
    if (a.starts_with("--")) {
      bool takes_value = std::find(kWithValue.begin(), kWithValue.end(), a) != kWithValue.end();
      if (takes_value && i + 1 >= argc) UsageError(cli::TrF("{0} needs a value", {a}));
      static const std::vector<std::string> kFlags = {
          "--json",   "--in",   "--no-index", "--series", "--csv",     "--contacts", "--open",
          "--cohort", "--full", "--repair",   "--tls",    "--retract", "--timeline", "--progress"};
      if (!takes_value && std::find(kFlags.begin(), kFlags.end(), a) == kFlags.end())
        UsageError(cli::TrF("unknown option {0}", {a}));
      args.options.emplace_back(a, takes_value ? argv[++i] : "");
    } else {
      args.positional.push_back(a);
    }
  }
  {  // before the help, which is printed in the language too
    std::string bad_lang;
    cli::SetLang(cli::ChooseLang(args.Get("--lang"), &bad_lang));
    if (!bad_lang.empty()) UsageError(bad_lang);
  }
  // faultgraph --help, faultgraph COMMAND --help, faultgraph help [COMMAND]
  if (help || (!args.positional.empty() && args.positional[0] == "help")) {
    const size_t at = help ? 0 : 1;
    const std::string one = CommandHelp(args.positional.size() > at ? args.positional[at] : "");
    std::printf("%s", one.empty() ? Usage().c_str() : one.c_str());
    return 0;
  }
  if (args.positional.empty()) UsageError("no command given");
  const std::string& cmd = args.positional[0];
  if (std::find(kCommands.begin(), kCommands.end(), cmd) == kCommands.end())
    UsageError(cli::TrF("unknown command '{0}'", {cmd}));
  SetUsageCommand(cmd == "neighbors" ? "neighbours" : cmd);
  CheckCommandLine(cmd, args);
  bool as_json = args.Has("--json");
  if (args.Has("--xlsx")) {
    if (as_json || args.Has("--csv"))
      UsageError("--xlsx writes the tables a command prints; leave out --json and --csv");
    g_xlsx = std::make_unique<cli::XlsxTables>(args.Get("--xlsx"), cmd);
    cli::SetTableCopy(
        [](const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows) { g_xlsx->Add(header, rows); });
  }

  signal(SIGPIPE, SIG_IGN);
  cli::ConnectorsCommand connectors_cmd;
  if (cmd == "connectors") {
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
      std::fprintf(stderr, "faultgraph: %s\n", cli::ReasonText(c.status().message()).c_str());
      return 1;
    }
    fg = *c;
    // The shipped (or given) rules name the symptoms the server answers
    // with; read only when an answer shows one (NameRules).
    SetNameRulesPath(rules_path);
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
    SetNameRules(rules.get());
    api::DataPaths paths(dir);
    UseOwnerOnlyUmask();  // what this run creates there is the owner's alone
    graph::GraphOptions options;
    options.create_if_missing = cmd == "ingest" || cmd == "connectors" || cmd == "users";
    if (std::error_code ec;
        !options.create_if_missing && !std::filesystem::exists(paths.graph, ec)) {
      std::fprintf(stderr, "faultgraph: %s\n",
                   cli::TrF("no data at {0} (load data with 'faultgraph ingest', or pass --data "
                            "DIR or --server HOST:PORT)",
                            {dir})
                       .c_str());
      return 1;
    }
    auto s = graph::GraphStore::Open(paths.graph, options);
    if (!s.ok()) {
      std::string hint = s.status().code() == Status::Code::kBusy
                             ? cli::Tr(" (is faultgraphd running on it? use --server HOST:PORT)")
                             : "";
      std::fprintf(
          stderr, "faultgraph: %s%s\n",
          cli::TrF("cannot open data directory {0}: {1}", {dir, s.status().message()}).c_str(),
          hint.c_str());
      return 1;
    }
    store = std::move(s).value();
    if (auto tightened = MakeOwnerOnly(dir); !tightened.ok() || *tightened > 0)
      std::fprintf(
          stderr, "faultgraph: %s\n",
          cli::TrF("data directory {0}: {1}",
                   {dir, tightened.ok()
                             ? cli::TrF("{0} entries were open to group or others; now owner-only",
                                        {std::to_string(*tightened)})
                             : tightened.status().message()})
              .c_str());
    pipeline = std::make_unique<ingest::IngestPipeline>(store.get(), rules.get());
    // Embedded: the index catches up with the graph as it is opened: before
    // searching, and for ingest after the files are in (see below).
    // By value: `paths` ends with this block, the lambda lives on.
    auto open_search = [&store, &search, index_dir = paths.index]() -> bool {
      auto ss = api::SearchService::Open(store.get(), index_dir, /*background=*/false);
      if (!ss.ok()) {
        std::fprintf(
            stderr, "faultgraph: %s\n",
            cli::TrF("cannot open the search index: {0}", {ss.status().message()}).c_str());
        return false;
      }
      search = std::move(ss).value();
      return true;
    };
    // Commands that load rows index them as they commit, on a thread of
    // their own (as faultgraphd does): reading, preparing and committing
    // leave part of the two cores idle, and the outbox is read while it is
    // still in memory. Whatever the thread has not reached is indexed when
    // the command ends (see index_after_ingest).
    const bool loads =
        cmd == "ingest" ||
        (cmd == "dlq" && args.positional.size() >= 2 && args.positional[1] == "retry") ||
        (cmd == "connectors" &&
         (connectors_cmd.verb == "run" || connectors_cmd.verb == "backfill"));
    if (loads && !args.Has("--no-index")) {
      auto ss = api::SearchService::Open(store.get(), paths.index, /*background=*/true);
      if (!ss.ok()) {
        std::fprintf(
            stderr, "faultgraph: %s\n",
            cli::TrF("cannot open the search index: {0}", {ss.status().message()}).c_str());
        return 1;
      }
      search = std::move(ss).value();
    }
    if ((cmd == "search" || cmd == "similar" || cmd == "reindex" || cmd == "rootcause" ||
         cmd == "verify" || cmd == "train") &&
        !open_search())
      return 1;
    index_after_ingest = [open_search, &args, &search]() mutable {
      if (args.Has("--no-index")) return true;
      if (search == nullptr) return g_stop || open_search();
      // Interrupted: what the thread has not indexed stays in the outbox
      // for the next search, reindex or daemon start.
      Status stopped = search->Stop(/*catch_up=*/!g_stop);
      if (!stopped.ok()) std::fprintf(stderr, "faultgraph: %s\n", stopped.message().c_str());
      return stopped.ok();
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
      int rc = CmdIngest(*fg, local, args, as_json, g_stop);
      // Embedded, the new cases are indexed now (opening the index catches
      // up with the outbox); --no-index leaves that to the next search,
      // reindex or daemon start: nothing is lost, the outbox keeps them.
      if (local != nullptr && !index_after_ingest()) {
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
      if ((connectors_cmd.verb == "run" || connectors_cmd.verb == "backfill") &&
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
    std::fprintf(stderr, "faultgraph: %s\n",
                 cli::TrF("bad {0}: {1}", {e.field, cli::ReasonText(e.message)}).c_str());
    return 2;
  } catch (const api::NotFound& e) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 cli::TrF("not found: {0}", {cli::ReasonText(e.message)}).c_str());
    return 3;
  } catch (const api::Unavailable& e) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 cli::TrF("unavailable: {0}", {cli::ReasonText(e.message)}).c_str());
    return 1;
  } catch (const api::Unauthenticated& e) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 cli::TrF("not signed in: {0}", {cli::ReasonText(e.message)}).c_str());
    return 5;
  } catch (const api::Forbidden& e) {
    std::fprintf(stderr, "faultgraph: %s\n",
                 cli::TrF("forbidden: {0}", {cli::ReasonText(e.message)}).c_str());
    return 5;
  } catch (const apache::thrift::TException& e) {
    std::fprintf(stderr, "faultgraph: %s\n", e.what());
    return 1;
  }
  UsageError(cli::TrF("unknown command '{0}'", {cmd}));
}

// The workbook of --xlsx is written only when the command succeeded.
int main(int argc, char** argv) {
  const int rc = RunCli(argc, argv);
  if (!g_xlsx) return rc;
  cli::SetTableCopy({});
  if (rc != 0) return rc;
  Status s = g_xlsx->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "faultgraph: --xlsx: %s\n", s.message().c_str());
    return s.code() == Status::Code::kFailedPrecondition ? 2 : 1;
  }
  std::fprintf(
      stderr, "%s\n",
      TrF("wrote {0}: {1} table(s)", {g_xlsx->path(), std::to_string(g_xlsx->tables())}).c_str());
  return 0;
}
