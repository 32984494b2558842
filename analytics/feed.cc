#include "analytics/feed.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "analytics/repeats.h"
#include "analytics/trends.h"

namespace faultgraph::analytics {

namespace storage = graph::storage;
using graph::GraphStore;
using graph::MonthOf;
namespace {

using nlohmann::json;

storage::FeedItem Item(std::string kind, std::string key, int64_t now_ms, std::string product,
                       std::string component, std::string fix, const json& payload) {
  storage::FeedItem it;
  it.kind = std::move(kind);
  it.key = std::move(key);
  it.created_ms = now_ms;
  it.product = std::move(product);
  it.component = std::move(component);
  it.fix = std::move(fix);
  it.payload = payload.dump();
  return it;
}

}  // namespace

Result<size_t> RefreshFeed(GraphStore& store, const FeedOptions& options, int64_t now_ms) {
  std::vector<storage::FeedItem> items;
  auto trends = DefectTrends(store, TrendOptions{});
  if (!trends.ok()) return trends.status();
  std::vector<TrendAlert> alerts = trends->alerts;
  std::sort(alerts.begin(), alerts.end(), [](const TrendAlert& a, const TrendAlert& b) {
    return std::tie(a.month, a.product, a.component) < std::tie(b.month, b.product, b.component);
  });
  for (const auto& a : alerts) {
    json p = {{"month", a.month},       {"rateBefore", a.rate_before}, {"rateAfter", a.rate_after},
              {"failures", a.failures}, {"expected", a.expected},      {"pValue", a.p_value},
              {"evidence", a.evidence}};
    items.push_back(Item("alert",
                         "alert|" + a.product + "|" + a.component + "|" + std::to_string(a.month),
                         now_ms, a.product, a.component, "", p));
  }

  RepeatOptions ro;
  ro.window_ms = options.repeat_window_ms;
  auto repeats = RepeatFailures(store, ro);
  if (!repeats.ok()) return repeats.status();
  for (const auto& r : *repeats) {
    if (r.repeats < options.min_repeats || r.rate < options.min_repeat_rate) continue;
    // Reported again each time the count doubles: a growing problem
    // resurfaces, a steady one does not flood the feed.
    uint64_t level = 1;
    while (level * 2 <= r.repeats) level *= 2;
    json p = {{"attempts", r.attempts},
              {"repeats", r.repeats},
              {"rate", r.rate},
              {"chains", r.chains},
              {"customers", r.customers}};
    items.push_back(
        Item("repeat",
             "repeat|" + r.product + "|" + r.component + "|" + r.fix + "|" + std::to_string(level),
             now_ms, r.product, r.component, r.fix, p));
  }

  int64_t current = MonthOf(now_ms);
  for (const auto& s : trends->series) {
    for (auto it = s.points.rbegin(); it != s.points.rend(); ++it) {
      if (it->month >= current) continue;
      json p = {{"month", it->month},
                {"failures", it->failures},
                {"installed", it->installed},
                {"per1000", it->per_1000}};
      items.push_back(Item(
          "snapshot", "snapshot|" + s.product + "|" + s.component + "|" + std::to_string(it->month),
          now_ms, s.product, s.component, "", p));
      break;  // the latest complete month only
    }
  }
  return store.AppendFeed(std::move(items));
}

std::string FeedCursor(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "f1.%llx", static_cast<unsigned long long>(seq));
  return buf;
}

Result<uint64_t> ParseFeedCursor(const std::string& cursor) {
  if (cursor.empty()) return uint64_t{0};
  if (cursor.rfind("f1.", 0) != 0 || cursor.size() < 4 || cursor.size() > 3 + 16)
    return Status::InvalidArgument("not a feed cursor: '" + cursor.substr(0, 40) +
                                   "' (pass the nextCursor of the previous page, or nothing)");
  uint64_t seq = 0;
  for (size_t i = 3; i < cursor.size(); ++i) {
    char c = cursor[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return Status::InvalidArgument("not a feed cursor: '" + cursor.substr(0, 40) + "'");
    seq = seq * 16 + static_cast<uint64_t>(d);
  }
  return seq;
}

}  // namespace faultgraph::analytics
