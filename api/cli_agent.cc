#include "api/cli_agent.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
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
#include "api/limits.h"
#include "ingest/text.h"
#include "ingest/text_rules.h"
#include "ingest/time_parse.h"
#include "search/searcher.h"

namespace faultgraph::cli {

using nlohmann::json;

// A failure cause as people read it: "绕组短路 (winding_short)"; the id alone
// when the rules do not name it.
static std::string CauseLabel(const std::string& id);

static json ToJson(const std::vector<api::Neighbour>& ns) {
  json out = json::array();
  for (const auto& n : ns) {
    json one = {{"id", n.id}, {"count", n.count}};
    if (!n.name.empty()) one["name"] = n.name;
    out.push_back(std::move(one));
  }
  return out;
}

static std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

static std::string NeighbourName(const api::Neighbour& n);

int CmdProduct(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
  std::printf("%s  %s\n%s\n", p.model.c_str(), p.name.c_str(),
              TrF("family: {0}   category: {1}   installed units: {2}   cases: {3}",
                  {p.family.empty() ? "-" : p.family, p.category.empty() ? "-" : p.category,
                   std::to_string(p.installed), std::to_string(p.cases)})
                  .c_str());
  // Master-data attributes: a known key in the reader's language.
  for (const auto& [k, v] : p.attrs) std::printf("%s: %s\n", Tr(k).c_str(), v.c_str());
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : p.parts)
    rows.push_back({Tr("part"), n.id, NeighbourName(n), std::to_string(n.count)});
  for (const auto& n : p.symptoms)
    rows.push_back({Tr("symptom"), n.id, NeighbourName(n), std::to_string(n.count)});
  std::printf("\n");
  cli::PrintTable(TrAll({"kind", "id", "name", "count"}), rows);
  return 0;
}

int CmdNeighbours(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
  for (const auto& n : out) rows.push_back({n.id, NeighbourName(n), std::to_string(n.count)});
  cli::PrintTable(TrAll({req.incoming ? "from node" : "to node", "name", "count"}), rows);
  return 0;
}

// A message the server sent, in the reader's language; its English text
// when the server sent none (an older server).
static std::string Shown(const api::Message& m, const std::string& english) {
  return m.text.empty() ? english : TrArgs(m.text, m.arguments);
}

static json OutcomeJson(const api::Outcome& o) {
  return {
      {"outcomeId", o.outcomeId}, {"caseId", o.caseId}, {"component", o.component}, {"fix", o.fix},
      {"worked", o.worked},       {"note", o.note},     {"timeMs", o.timeMs},       {"by", o.by},
      {"retracted", o.retracted}, {"source", o.source}};
}

static std::vector<std::string> OutcomeRow(const api::Outcome& o) {
  return {cli::FormatTime(o.timeMs),
          o.by,
          o.component.empty() ? "-" : o.component,
          o.fix.empty() ? "-" : o.fix,
          o.fix.empty() ? "-"
          : o.worked    ? Tr("yes")
                        : Tr("no"),
          o.note};
}

static std::vector<std::string> OutcomeColumns() {
  return TrAll({"time (UTC)", "by", "component", "fix", "held", "note"});
}

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
  std::printf("%s\n", TrF(o.retracted ? "outcome {0} of case {1} retracted"
                                      : "outcome {0} of case {1} recorded",
                          {o.outcomeId, o.caseId})
                          .c_str());
  if (!o.retracted) cli::PrintTable(OutcomeColumns(), {OutcomeRow(o)});
  return 0;
}

int CmdCase(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
           {"outcomes", outcomes},
           {"names", c.names}});
    return 0;
  }
  // An absent field shows as "-", not as a label with nothing after it.
  using cli::TrF;
  auto shown = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  // "COMP-R32A Rotary compressor 转子压缩机": an id with its master-data name.
  auto named = [&c](const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) {
      auto it = c.names.find(id);
      out += (out.empty() ? "" : ", ") + id + (it == c.names.end() ? "" : " " + it->second);
    }
    return out;
  };
  for (const std::string& line :
       {TrF("case {0}  ({1})", {c.caseId, c.source}),
        TrF("product: {0}   asset: {1}   region: {2}",
            {shown(named({c.product})), shown(c.assetSerial), shown(c.region)}),
        TrF("opened: {0}   closed: {1}",
            {cli::FormatTime(c.openedMs), cli::FormatTime(c.closedMs)}),
        TrF("symptom: {0}", {shown(c.symptomText)}), TrF("notes: {0}", {shown(c.notes)}),
        TrF("fault codes: {0}", {shown(Join(c.faultCodes))}),
        TrF("components: {0}", {shown(named(c.components))}),
        TrF("cause: {0}", {shown(c.failureCause.empty() ? "" : CauseLabel(c.failureCause))}),
        TrF("fixes: {0}", {shown(named(c.fixes))}), TrF("parts: {0}", {shown(named(c.parts))}),
        TrF("labour: {0}   outcome: {1}",
            {c.labourMinutes > 0 ? TrF("{0} min", {std::to_string(c.labourMinutes)}) : "-",
             shown(TrWord("case status", c.outcome))})})
    std::printf("%s\n", line.c_str());
  if (!c.outcomes.empty()) {
    std::printf("\n%s\n", cli::Tr("outcomes recorded by technicians:").c_str());
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : c.outcomes) rows.push_back(OutcomeRow(o));
    cli::PrintTable(OutcomeColumns(), rows);
  }
  return 0;
}

static json TimelineJson(const std::vector<api::TimelineItem>& items) {
  json out = json::array();
  for (const auto& t : items)
    out.push_back({{"timeMs", t.timeMs}, {"kind", t.kind}, {"id", t.id}, {"summary", t.summary}});
  return out;
}

static std::vector<std::vector<std::string>> TimelineRows(
    const std::vector<api::TimelineItem>& items) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : items) rows.push_back({cli::FormatTime(t.timeMs), t.kind, t.id, t.summary});
  return rows;
}

// "2 calls" / "31 calls, the newest 20 shown": what a list holds. `what`
// is the message's English text, "{0} calls".
static std::string Counted(size_t shown, int32_t total, const std::string& what) {
  if (shown >= static_cast<size_t>(total)) return cli::TrF(what, {std::to_string(total)});
  return cli::TrF(what + ", the newest {1} shown", {std::to_string(total), std::to_string(shown)});
}

static int CmdAssetTimeline(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
      std::string held =
          Tr(c.fixHeld) +
          (c.fixHeldWhy.empty() ? "" : ": " + Shown(c.fixHeldWhyMessage, c.fixHeldWhy));
      rows.push_back({c.caseId, date(c.openedMs), date(c.closedMs), shown(parts),
                      shown(c.failureCause.empty() ? "" : CauseLabel(c.failureCause)),
                      shown(Join(c.fixes)), held});
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

static api::SearchFilters ParseFilters(const Args& a) {
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
static const ingest::TextRules* g_rules = nullptr;
static std::optional<std::string> g_rules_path;

void SetNameRules(const ingest::TextRules* rules) { g_rules = rules; }
void SetNameRulesPath(const std::string& path) { g_rules_path = path; }

// Null when they could not be read: symptoms then show as ids.
static const ingest::TextRules* NameRules() {
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

// An id the text rules name, as people read it: "不制冷 (no_cooling)",
// "no cooling (no_cooling)"; the id alone when the rules do not name it.
static std::string NamedLabel(const std::string& id,
                              std::string (ingest::TextRules::*name_of)(std::string_view,
                                                                        std::string_view) const) {
  const ingest::TextRules* rules = NameRules();
  if (rules == nullptr) return id;
  const bool zh = CurrentLang() != Lang::kEn;
  const std::string name = (rules->*name_of)(id, zh ? "zh-CN" : "en");
  if (name.empty()) return id;
  return (zh ? FromSimplified(name) : name) + " (" + id + ")";
}

// A symptom (fault codes such as AC:E4 have no name: their id).
static std::string SymptomLabel(const std::string& id) {
  return NamedLabel(id, &ingest::TextRules::SymptomName);
}

static std::string CauseLabel(const std::string& id) {
  return NamedLabel(id, &ingest::TextRules::CauseName);
}

// A node's name: from the master data (the server sends it), else a
// symptom's or cause's name from the rules, else empty.
static std::string NeighbourName(const api::Neighbour& n) {
  if (!n.name.empty()) return n.name;
  const ingest::TextRules* rules = NameRules();
  if (rules == nullptr) return "";
  const bool zh = CurrentLang() != Lang::kEn;
  std::string name = rules->SymptomName(n.id, zh ? "zh-CN" : "en");
  if (name.empty()) name = rules->CauseName(n.id, zh ? "zh-CN" : "en");
  return zh ? FromSimplified(name) : name;
}

static std::string SymptomLabels(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + SymptomLabel(id);
  return out;
}

// `s` padded with spaces to `width` display columns.
static std::string Pad(const std::string& s, size_t width) {
  const size_t w = cli::DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

static std::string Percent(double share) {
  return std::to_string(static_cast<int>(100 * share + 0.5));
}

static void PrintSearch(const api::SearchResult& r, bool as_json) {
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
    if (!line.empty()) cli::PrintWrapped(Pad(Tr(name) + ":", 10) + " ", line);
  }
}

int CmdSearch(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
  api::SearchResult r;
  fg.similarCases(r, case_id, text, ParseFilters(a), ParseLimit(a, 10, api::kMaxSearchLimit));
  PrintSearch(r, as_json);
  return 0;
}

static json ToJson(const api::RootCauseAnswer& a) {
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

// Where evidence was counted, as the server names it ("product", "family",
// "all products", "product AC-350", "family AC"), in the reader's language.
// A symptom's evidence scope: one of "product", "family", "all products".
static std::string EvidenceScopeLabel(const std::string& scope) {
  if (CurrentLang() == Lang::kEn) return scope;
  return Tr(scope == "product" ? "scope: product" : scope == "family" ? "scope: family" : scope);
}

static void PrintRootCause(const api::RootCauseAnswer& a) {
  using cli::Tr;
  using cli::TrF;
  std::string head = a.product.empty() ? Tr("(no product)") : a.product;
  if (!a.family.empty()) head += TrF(" (family {0})", {a.family});
  if (!a.productKnown && !a.product.empty()) head += Tr(" [unknown]");
  head += TrF("   symptoms: {0}",
              {a.symptoms.empty() ? Tr("none with evidence") : SymptomLabels(a.symptoms)});
  std::printf("%s\n", head.c_str());
  // The server's notes in the reader's language when it sent them as
  // messages (an older server: its English notes).
  for (size_t i = 0; i < a.notes.size(); ++i) {
    const api::Message m = i < a.noteMessages.size() ? a.noteMessages[i] : api::Message();
    std::printf("%s\n", TrF("note: {0}", {Shown(m, a.notes[i])}).c_str());
  }
  int rank = 0;
  for (const auto& c : a.components) {
    std::string why = TrF("symptom evidence {0}%, similar cases {1}%",
                          {Percent(c.fromSymptoms), Percent(c.fromCases)});
    if (c.namedInText > 0) why += Tr(", named in the text");
    if (c.historyFactor != 1) why += Tr(", raised by the asset's history");
    std::printf("\n");
    cli::PrintWrapped(std::to_string(++rank) + ". ",
                      c.component + "  " + c.name + "   " + Percent(c.probability) + "%  " +
                          TrF("{0} confidence", {Tr(c.confidence)}) + "   (" + why + ")");
    for (const auto& e : c.evidence)
      cli::PrintWrapped("   ", TrF("{0}: {1} of {2} diagnosed cases ({3})",
                                   {SymptomLabel(e.symptom), std::to_string(e.count),
                                    std::to_string(e.total), EvidenceScopeLabel(e.scope)}));
    if (!c.historyNote.empty())
      cli::PrintWrapped("   ", TrF("history: {0}", {Shown(c.historyNoteMessage, c.historyNote)}));
    if (!c.causes.empty()) {
      std::string s;
      for (const auto& k : c.causes)
        s += (s.empty() ? "" : ", ") + CauseLabel(k.cause) + " " + std::to_string(k.count);
      cli::PrintWrapped("   ",
                        TrF("causes ({0}, {1} cases): {2}",
                            {Shown(c.fixScopeMessage, c.fixScope), std::to_string(c.cases), s}));
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
      cli::PrintWrapped("   ", line);
    }
    for (const auto& s : c.supporting) {
      const std::string sim = s.similarity > 0
                                  ? std::to_string(static_cast<int>(100 * s.similarity)) + "%"
                                  : Tr("diagnosed");
      cli::PrintWrapped("   ", TrF("case {0} ({1}, {2}): {3}",
                                   {s.caseId, sim, cli::FormatDate(s.openedMs), s.snippet}));
    }
  }
  if (!a.causes.empty()) {
    std::string s;
    for (const auto& k : a.causes)
      s += (s.empty() ? "" : ", ") + CauseLabel(k.cause) + " " + Percent(k.probability) + "%" +
           (k.similarCases > 0 ? " (" + TrF("{0} similar", {std::to_string(k.similarCases)}) + ")"
                               : "");
    std::printf("\n");
    cli::PrintWrapped("", TrF("likely causes: {0}", {s}));
  }
  if (!a.history.empty()) {
    std::printf("\n%s\n", Tr("asset history (last 90 days):").c_str());
    for (const auto& h : a.history)
      cli::PrintWrapped(
          "   " + cli::FormatTime(h.timeMs) + "  " + Pad(h.kind, 6) + " " + h.id + "  ", h.summary);
  }
  if (!a.answerId.empty())
    // The command on a line of its own: a wrapped command cannot be copied.
    std::printf(
        "\n%s\n   %s\n",
        TrF("answer {0}: once the technician knows, record what was found:", {a.answerId}).c_str(),
        TrF("faultgraph outcome --answer {0} --component C --fix F --worked yes|no", {a.answerId})
            .c_str());
}

int CmdRootCause(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.Has("--batch")) {
    std::ifstream in(a.Get("--batch"));
    if (!in) UsageError(TrF("cannot read {0}", {a.Get("--batch")}));
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

}  // namespace faultgraph::cli
