// Handler: the asset 360 (issue 17, item 4). What an agent reads before
// calling the customer back: the installed-base record (model, ship and
// install dates, customer key, region), the warranty, every case on the
// asset with its diagnosis and fix and whether that fix held, and the calls
// and alarms, newest first.
#include <algorithm>
#include <chrono>
#include <map>
#include <span>

#include "api/api_errors.h"
#include "api/handler.h"
#include "api/limits.h"
#include "api/note_message.h"
#include "common/clock.h"
#include "common/parse_number.h"
#include "graph/schema.h"
#include "graph/vocabulary.h"

namespace faultgraph::api {
namespace {

// Everything of one asset that is read to build its view: far more than any
// real asset has (a unit with a case a day for 13 years).
constexpr size_t kMaxAssetItems = 5000;

// `ms` plus `n` calendar months (the 31st of a shorter month is its
// last day), at the same time of day.
int64_t AddMonths(int64_t ms, int n) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(ms)};
  const auto day = floor<days>(t);
  year_month_day ymd{day};
  ymd = ymd.year() / ymd.month() / 1d + months{n};
  const auto last = year_month_day_last(ymd.year(), month_day_last(ymd.month())).day();
  ymd = ymd.year() / ymd.month() / std::min(year_month_day{day}.day(), last);
  return (sys_days(ymd) + (t - day)).time_since_epoch().count();
}

constexpr int64_t kRepeatDays = graph::kRepeatWindowMs / 86'400'000;

struct FixState {
  std::string held;
  diagnosis::Note why;
};

// Whether case `c`'s fix held: a technician's outcome says so first (the
// latest that names a fix or says it failed), then whether the asset came
// back with one of the case's components within the repeat window.
FixState FixHeld(const graph::storage::CaseDoc& c, const std::vector<Outcome>& outcomes,
                 std::span<const graph::storage::CaseDoc> later, int64_t now_ms) {
  if (c.closed_ms == 0) return {"open", {}};
  for (auto o = outcomes.rbegin(); o != outcomes.rend(); ++o) {
    if (o->retracted || (o->fix.empty() && o->worked)) continue;
    // [worked][by named][fix named]: {0} the outcome, {1} the fix, {2} who.
    static constexpr const char* kWhy[2][2][2] = {
        {{"outcome {0}: the repair did not hold", "outcome {0}: {1} did not hold"},
         {"outcome {0} by {2}: the repair did not hold", "outcome {0} by {2}: {1} did not hold"}},
        {{"outcome {0}: the repair held", "outcome {0}: {1} held"},
         {"outcome {0} by {2}: the repair held", "outcome {0} by {2}: {1} held"}}};
    return {o->worked ? "held" : "failed",
            {kWhy[o->worked][!o->by.empty()][!o->fix.empty()], {o->outcomeId, o->fix, o->by}}};
  }
  if (c.fixes.empty()) return {"no fix", {}};
  for (const auto& n : later) {
    if (n.opened_ms - c.closed_ms > graph::kRepeatWindowMs) break;
    for (const auto& comp : n.components) {
      if (std::find(c.components.begin(), c.components.end(), comp) == c.components.end()) continue;
      const int64_t days = (n.opened_ms - c.closed_ms) / 86'400'000;
      return {"came back",
              {days == 1 ? "case {0} with {1} {2} day after it closed"
                         : "case {0} with {1} {2} days after it closed",
               {n.case_id, comp, std::to_string(days)}}};
    }
  }
  if (now_ms - c.closed_ms < graph::kRepeatWindowMs)
    return {"too early", {"closed under {0} days ago", {std::to_string(kRepeatDays)}}};
  return {"held", {"not back with its components within {0} days", {std::to_string(kRepeatDays)}}};
}

}  // namespace

void Handler::assetView(AssetView& out, const std::string& serial, int32_t limit) {
  AssetViewAt(out, serial, limit, SystemClock()->NowMillis());
}

void Handler::AssetViewAt(AssetView& out, const std::string& serial, int32_t limit,
                          int64_t now_ms) {
  CheckLimit(limit);
  auto [id, timeline] = FindAsset(serial, kMaxAssetItems);
  out.serial = id;

  auto asset = store_->GetEntity(graph::kinds::kAsset, id);
  if (!asset.ok() && !asset.status().IsNotFound()) ThrowIfError(asset.status(), "serial");
  if (asset.ok()) {
    out.installedBase = true;
    out.product = asset->product;
    out.shippedMs = asset->time_ms;
    if (auto it = asset->attrs.find("install_ms"); it != asset->attrs.end()) {
      int64_t ms = 0;
      if (ParseInteger(it->second, &ms)) out.installedMs = ms;
    }
    out.customerKey = asset->customer_key;
    out.region = asset->region;
  }

  // Cases, oldest first as the timeline holds them.
  std::vector<std::string> case_ids;
  for (const auto& t : timeline)
    if (t.kind == "case") case_ids.push_back(t.id);
  std::vector<graph::storage::CaseDoc> cases;
  for (auto& c : Unwrap(store_->GetCases(case_ids), "serial"))
    if (c) cases.push_back(std::move(*c));  // absent: retracted since the timeline was read
  if (out.product.empty() && !cases.empty()) out.product = cases.back().product;
  if (out.region.empty() && !cases.empty()) out.region = cases.back().region;

  if (!out.product.empty()) {
    auto product = store_->GetEntity(graph::kinds::kProduct, out.product);
    if (product.ok()) {
      out.productName = product->name;
      if (auto it = product->attrs.find("warranty_months"); it != product->attrs.end()) {
        int months = 0;
        if (ParseInteger(it->second, &months) && months > 0 && months <= 1200)
          out.warrantyMonths = months;
      }
    } else if (!product.status().IsNotFound()) {
      ThrowIfError(product.status(), "serial");
    }
  }
  const int64_t start = out.installedMs != 0 ? out.installedMs : out.shippedMs;
  out.warranty = "unknown";
  if (out.warrantyMonths > 0 && start != 0) {
    out.warrantyEndsMs = AddMonths(start, out.warrantyMonths);
    out.warranty = now_ms < out.warrantyEndsMs ? "in warranty" : "expired";
  }

  std::map<std::string, std::string> names;  // component -> name
  auto name_of = [&](const std::string& component) -> const std::string& {
    auto [it, added] = names.try_emplace(component);
    if (added) {
      auto e = store_->GetEntity(graph::kinds::kComponent, component);
      if (e.ok()) it->second = e->name;
    }
    return it->second;
  };
  out.casesTotal = static_cast<int32_t>(cases.size());
  for (size_t i = cases.size(); i-- > 0;) {
    const auto& c = cases[i];
    out.openCases += c.closed_ms == 0;
    if (out.cases.size() >= static_cast<size_t>(limit)) continue;
    AssetCase ac;
    ac.caseId = c.case_id;
    ac.openedMs = c.opened_ms;
    ac.closedMs = c.closed_ms;
    ac.symptomText = c.symptom_text;
    ac.components = c.components;
    for (const auto& comp : c.components) ac.componentNames.push_back(name_of(comp));
    ac.failureCause = c.failure_cause;
    ac.fixes = c.fixes;
    FixState state = FixHeld(c, ListOutcomes(c.case_id), std::span(cases).subspan(i + 1), now_ms);
    ac.fixHeld = std::move(state.held);
    ac.fixHeldWhy = state.why.English();
    ac.fixHeldWhyMessage = ToMessage(state.why);
    out.cases.push_back(std::move(ac));
  }

  for (auto t = timeline.rbegin(); t != timeline.rend(); ++t) {
    const bool call = t->kind == "contact";
    if (!call && t->kind != "sensor") continue;
    (call ? out.callsTotal : out.alarmsTotal) += 1;
    auto& list = call ? out.calls : out.alarms;
    if (list.size() >= static_cast<size_t>(limit)) continue;
    TimelineItem item;
    item.timeMs = t->time_ms;
    item.kind = t->kind;
    item.id = t->id;
    auto e = store_->GetEvent(t->kind, t->id);
    if (e.ok()) item.summary = call ? e->text : SensorSummary(*e);
    list.push_back(std::move(item));
  }
}

}  // namespace faultgraph::api
