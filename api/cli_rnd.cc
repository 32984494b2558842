#include "api/cli_rnd.h"

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
#include "api/cli_plot.h"
#include "api/limits.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::cli {

using nlohmann::json;

static int CmdRepeatContacts(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
                     x.closedMs == 0 ? Tr("open") : cli::FormatTime(x.closedMs)});
  cli::PrintTable({Tr("case"), Tr("product"), Tr("asset"), Tr("calls"), Tr("first call"),
                   Tr("last call"), Tr("closed")},
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
                     std::to_string(x.repeats), percent(x.rate), std::to_string(x.customers.size()),
                     chain});
  }
  using cli::Tr;
  cli::PrintTable({Tr("product"), Tr("component"), Tr("fix"), Tr("attempts"), Tr("repeats"),
                   Tr("rate"), Tr("customers"), Tr("longest chain")},
                  table);
  const std::string of = std::to_string(all.size()) + (capped ? "+" : "");
  if (rows.size() < all.size()) {
    std::printf("\n%s\n",
                cli::TrF("showing {0} of {1} rows; more with --limit N (up to {2})",
                         {std::to_string(rows.size()), of, std::to_string(api::kMaxLimit)})
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
    cli::PrintTable({Tr("fix"), Tr("products"), Tr("attempts"), Tr("repeats"), Tr("rate")}, fixes);
  }
  return 0;
}

// The feed: items after --since ("" = from the start); the next cursor is
// in the JSON, or on stderr for CSV.
static int CmdFeed(api::FaultGraphIf& fg, const Args& a, bool as_json) {
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
  // Flat, as ops/clients/feed_to_csv.py writes it: ISO 8601 UTC times and a
  // column per figure (empty where an item of that kind has none), lists
  // joined with spaces, chains one per "; " with their cases joined by " > ".
  auto csv = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  static const std::pair<const char*, const char*> kFigures[] = {{"month", "month"},
                                                                 {"failures", "failures"},
                                                                 {"expected", "expected"},
                                                                 {"installed", "installed"},
                                                                 {"per1000", "per_1000"},
                                                                 {"rateBefore", "rate_before"},
                                                                 {"rateAfter", "rate_after"},
                                                                 {"pValue", "p_value"},
                                                                 {"attempts", "attempts"},
                                                                 {"repeats", "repeats"},
                                                                 {"rate", "rate"},
                                                                 {"customers", "customers"},
                                                                 {"evidence", "evidence_cases"},
                                                                 {"chains", "chains"}};
  std::string header = "seq,kind,product,component,fix,created_utc,key";
  for (const auto& [field, column] : kFigures) header += std::string(",") + column;
  std::printf("%s\n", header.c_str());
  auto figure = [](const std::string& field, const json& v) -> std::string {
    if (v.is_null()) return "";
    if (field == "customers" && v.is_array()) return std::to_string(v.size());
    if (field == "chains" && v.is_array()) {
      std::string out;
      for (const auto& chain : v) {
        std::string one;
        if (chain.is_array())
          for (const auto& c : chain)
            one += (one.empty() ? "" : " > ") + (c.is_string() ? c.get<std::string>() : c.dump());
        out += (out.empty() ? "" : "; ") + one;
      }
      return out;
    }
    if (v.is_array()) {
      std::string out;
      for (const auto& x : v)
        out += (out.empty() ? "" : " ") + (x.is_string() ? x.get<std::string>() : x.dump());
      return out;
    }
    if (v.is_number_float()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
      return buf;
    }
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (const auto& it : page.items) {
    const json payload = json::parse(it.payload, nullptr, false);
    std::string row = std::to_string(it.seq) + "," + csv(it.kind) + "," + csv(it.product) + "," +
                      csv(it.component) + "," + csv(it.fix) + "," +
                      cli::FormatIsoTime(it.createdMs) + "," + csv(it.key);
    for (const auto& [field, column] : kFigures) {
      const json v = payload.is_object() && payload.contains(field) ? payload[field] : json();
      row += "," + csv(figure(field, v));
    }
    std::printf("%s\n", row.c_str());
  }
  std::fprintf(stderr, "next cursor: %s\n", page.nextCursor.c_str());
  return 0;
}

// Months in service shown as columns: enough to see early failures and
// wear-out on a 100-column terminal (the CSV and JSON have every month).
constexpr int kMatrixAges[] = {0, 1, 2, 3, 6, 9, 12, 18, 24, 36, 48, 60, 84, 120};

static int CmdCohortMatrix(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  api::CohortRequest r;
  r.product = a.Get("--product");
  r.component = a.Get("--component");
  api::CohortMatrix m;
  fg.cohortMatrix(m, r);
  if (as_json) {
    json rows = json::array();
    for (const auto& row : m.rows)
      rows.push_back({{"shipMonth", cli::FormatMonth(row.shipMonth)},
                      {"units", row.units},
                      {"observedMonths", row.observedMonths},
                      {"failures", row.failures},
                      {"cumulativePer1000", row.cumulativePer1000}});
    Print({{"product", m.product},
           {"component", m.component},
           {"asOf", cli::FormatMonth(m.asOfMonth)},
           {"unplaced", m.unplaced},
           {"rows", rows}});
    return 0;
  }
  if (a.Has("--csv")) {  // flat: one line per cohort and month in service
    std::printf(
        "product,component,ship_month,units,months_in_service,failures,"
        "cumulative_per_1000\n");
    for (const auto& row : m.rows)
      for (size_t k = 0; k < row.failures.size(); ++k)
        std::printf("%s,%s,%s,%lld,%zu,%lld,%.4f\n", m.product.c_str(), m.component.c_str(),
                    cli::FormatMonth(row.shipMonth).c_str(), static_cast<long long>(row.units), k,
                    static_cast<long long>(row.failures[k]), row.cumulativePer1000[k]);
    return 0;
  }
  if (m.rows.empty()) {
    std::printf("%s\n", TrF("no units of {0} shipped on record", {m.product}).c_str());
    return 0;
  }
  int oldest = 0;
  for (const auto& row : m.rows) oldest = std::max(oldest, row.observedMonths);
  std::vector<int> ages;
  for (int k : kMatrixAges)
    if (k < oldest) ages.push_back(k);
  std::vector<std::string> header = {Tr("shipped"), Tr("units")};
  for (int k : ages) header.push_back(TrF("{0} mo", {std::to_string(k)}));
  std::vector<std::vector<std::string>> table;
  for (const auto& row : m.rows) {
    std::vector<std::string> line = {cli::FormatMonth(row.shipMonth), std::to_string(row.units)};
    for (int k : ages) {
      char cell[32] = "";
      if (k < row.observedMonths && static_cast<size_t>(k) < row.cumulativePer1000.size())
        std::snprintf(cell, sizeof cell, "%.1f", row.cumulativePer1000[static_cast<size_t>(k)]);
      line.push_back(cell);
    }
    table.push_back(std::move(line));
  }
  std::printf("%s\n\n",
              TrF("{0} x {1}: failures per 1,000 units, cumulative by months in service, as of "
                  "{2}; blank: not reached yet",
                  {m.product, m.component, cli::FormatMonth(m.asOfMonth)})
                  .c_str());
  cli::PrintTable(header, table);
  if (m.unplaced > 0)
    std::printf("\n%s\n", TrF("{0} failures of months with no shipment on record are not in "
                              "the matrix",
                              {std::to_string(m.unplaced)})
                              .c_str());
  return 0;
}

static int CmdCohorts(api::FaultGraphIf& fg, const Args& a, bool as_json) {
  if (a.Has("--product") && a.Has("--component")) return CmdCohortMatrix(fg, a, as_json);
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
  cli::PrintTable({Tr("product"), Tr("component"), Tr("shipped"), Tr("months in service"),
                   Tr("failures"), Tr("units"), Tr("per 1000")},
                  table);
  std::printf("\n%s\n", Tr("give --product and --component for the matrix of one pair").c_str());
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
      out << cli::PlotRateSeries(s, t, r.baselineMonths);
      if (!out) UsageError(TrF("cannot write {0}", {a.Get("--plot")}));
      std::printf("%s\n",
                  TrF("wrote {0}: {1} x {2}, {3} months",
                      {a.Get("--plot"), product, component, std::to_string(s.points.size())})
                      .c_str());
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
  cli::PrintTable({Tr("product"), Tr("component"), Tr("from"), Tr("months"), Tr("per 1000 before"),
                   Tr("after"), Tr("failures"), Tr("p-value"), Tr("evidence cases")},
                  table);
  char alpha[32], expected[32];
  std::snprintf(alpha, sizeof alpha, "%g", t.alpha);
  std::snprintf(expected, sizeof expected, "%.1f", t.tests * t.alpha);
  std::printf("\n%s\n",
              TrF("{0} alerts from {1} monthly tests at alpha {2} (about {3} false alarms "
                  "expected by chance)",
                  {std::to_string(t.alerts.size()), std::to_string(t.tests), alpha, expected})
                  .c_str());
  return 0;
}

// What each KPI counts: its JSON field, its name (the table's column) and
// its definition (both in the catalogue).
struct KpiDefinition {
  const char* field;
  const char* name;
  const char* definition;
};
constexpr KpiDefinition kKpiDefinitions[] = {
    {"firstTimeFix", "first-time fix",
     "closed cases whose asset did not come back with the same component (or symptom, when "
     "none was diagnosed) within the window"},
    {"repeatRate", "repeat",
     "closed cases that were themselves a return: opened within the window after an earlier "
     "case on the asset closed with the same component; it counts other cases than first-time "
     "fix, so the two need not add up to 100%"},
    {"mttrHours", "MTTR h", "median hours from opened to closed, of the closed cases"},
    {"responseMinutes", "response min",
     "median minutes from the first call about the case to the ticket"},
    {"satisfaction", "satisfaction", "mean rating of the rated cases"},
    {"repeatContactRate", "repeat contacts",
     "cases with two or more calls before they closed, of the cases a call names"}};

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
  const std::string population = cli::TrF(
      "each group: the cases opened in it (returns are judged on the asset's whole "
      "history, window {0} days)",
      {days});
  if (as_json) {
    // The rows, and what each figure counts (in the reader's language).
    json definitions = json::object();
    for (const auto& d : kKpiDefinitions) definitions[d.field] = Tr(d.definition);
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
  cli::PrintTable({Tr(r.by), Tr("cases"), Tr("closed"), Tr("first-time fix"), Tr("repeat"),
                   Tr("MTTR h (median)"), Tr("response min (median)"), Tr("satisfaction"),
                   Tr("repeat contacts")},
                  table);
  // What each figure counts, so that nobody adds first-time fix and repeat
  // and wonders why they pass 100 % (issue 17, item 5).
  std::printf("\n");
  for (const auto& l : cli::Wrap(population, 100)) std::printf("%s\n", l.c_str());
  size_t name_width = 0;
  for (const auto& d : kKpiDefinitions) name_width = std::max(name_width, DisplayWidth(Tr(d.name)));
  for (const auto& d : kKpiDefinitions) {
    // The name, then its definition wrapped to 100 columns beside it.
    const auto lines = cli::Wrap(Tr(d.definition), 100 - 4 - name_width);
    for (size_t k = 0; k < lines.size(); ++k) {
      const std::string name = k == 0 ? Tr(d.name) : "";
      std::printf("  %s%s  %s\n", name.c_str(),
                  std::string(name_width - DisplayWidth(name), ' ').c_str(), lines[k].c_str());
    }
  }
  return 0;
}

}  // namespace faultgraph::cli
