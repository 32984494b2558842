#include "api/handler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "api/api_errors.h"
#include "api/limits.h"
#include "api/note_message.h"
#include "connectors/dlq_retry.h"
#include "connectors/file_connector.h"
#include "connectors/mapping.h"
#include "graph/vocabulary.h"
#include "ingest/derive.h"
#include "ingest/normalize.h"

namespace faultgraph::api {
namespace {

// "WHAT is longer than N bytes": the limit in the message is the one enforced.
std::string LongerThan(const std::string& what, size_t bytes) {
  return what + " is longer than " + std::to_string(bytes) + " bytes";
}

// An optional id (a filter): empty means "all", but not too long.
void CheckOptionalId(const std::string& field, const std::string& value) {
  if (value.size() > kMaxIdBytes) ThrowBad(field, LongerThan(field, kMaxIdBytes));
}

// This process opened no search index (a CLI run with --no-index).
Status NoSearch() { return Status::Unavailable("search is not available"); }

void CheckSearchLimit(int32_t limit) {
  if (limit < 1 || limit > kMaxSearchLimit)
    ThrowBad("limit", "limit must be from 1 to " + std::to_string(kMaxSearchLimit));
}

std::vector<Neighbour> ToApi(const std::vector<graph::Neighbour>& in) {
  std::vector<Neighbour> out;
  for (const auto& n : in) {
    Neighbour a;
    a.id = n.id;
    a.count = static_cast<int64_t>(n.count);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

void Handler::ingestStatus(IngestStatus& out) {
  auto scan = Unwrap(scans_.Acquire("ingestStatus"), "request");
  for (const auto& cp : Unwrap(store_->ListCheckpoints(), "store")) {
    SourceStatus s;
    s.source = cp.source;
    s.stream = cp.stream;
    s.position = cp.description;
    s.applied = cp.records_applied;
    s.skipped = cp.records_skipped;
    s.rejected = cp.records_rejected;
    s.updatedMs = cp.updated_ms;
    out.sources.push_back(std::move(s));
  }
  // Kept by every commit: no scan of the store per call (issue 23).
  out.deadLetters = static_cast<int64_t>(store_->KeptCount(graph::Cf::kDlq));
  out.records = static_cast<int64_t>(store_->KeptCount(graph::Cf::kDedup));
  out.entities = static_cast<int64_t>(store_->KeptCount(graph::Cf::kEntity));
}

void Handler::getProduct(Product& out, const std::string& given) {
  const std::string model = FindProductId(given);
  auto found = store_->GetEntity(graph::kinds::kProduct, model);
  if (!found.ok() && !found.status().IsNotFound()) ThrowIfError(found.status(), "model");
  graph::storage::Entity e;  // known from its cases only: no master record
  e.id = model;
  if (found.ok()) e = std::move(*found);
  out.model = e.id;
  out.name = e.name;
  out.family = e.family;
  out.category = e.category;
  out.attrs = e.attrs;
  out.parts = ToApi(Unwrap(
      store_->Neighbours(graph::EdgeType::kHasPart, "", model, graph::Direction::kOut, kMaxLimit),
      "model"));
  NameNeighbours(&out.parts, {graph::kinds::kComponent});
  out.symptoms = ToApi(Unwrap(
      store_->Neighbours(graph::EdgeType::kShows, "", model, graph::Direction::kOut, kMaxLimit),
      "model"));
  out.cases = static_cast<int64_t>(
      Unwrap(store_->GetCount(graph::Cf::kCounter, graph::keys::Counter(graph::counters::kCases, model)), "model"));
  out.installed = static_cast<int64_t>(Unwrap(
      store_->GetCount(graph::Cf::kCounter, graph::keys::Counter(graph::counters::kInstalled, model)), "model"));
}

void Handler::neighbours(std::vector<Neighbour>& out, const NeighboursRequest& request) {
  auto type = graph::ParseEdgeType(request.edgeType);
  if (!type) {
    ThrowBad("edgeType", "unknown edge type '" + request.edgeType +
                             "' (expected HAS_PART, SHOWS, CAUSED_BY, FIXED_BY, IN_FAMILY or "
                             "APPLIES_TO)");
  }
  CheckId("id", request.id);
  CheckLimit(request.limit);
  std::string scope;
  if (graph::EdgeTypeIsScoped(*type)) {
    if (request.incoming && !request.product.empty()) {
      ThrowBad("product",
               "incoming edges are indexed across all products only; leave product "
               "empty or follow the edge forwards");
    }
    scope = request.product.empty() ? std::string(graph::kGlobalScope)
                                    : graph::ProductScope(request.product);
  } else if (!request.product.empty()) {
    ThrowBad("product", std::string(graph::EdgeTypeName(*type)) +
                            " edges are not kept per product; leave product empty");
  }
  out = ToApi(
      Unwrap(store_->Neighbours(*type, scope, request.id,
                                request.incoming ? graph::Direction::kIn : graph::Direction::kOut,
                                static_cast<size_t>(request.limit)),
             "id"));
  if (out.empty()) {
    out = ToApi(NearNodeNeighbours(*type, scope, request.id, request.incoming,
                                   static_cast<size_t>(request.limit)));
  }
  // The kinds at the far end of each edge (graph/schema.h); symptoms and
  // families have no master data.
  using namespace graph::kinds;
  const bool in = request.incoming;
  switch (*type) {
    case graph::EdgeType::kHasPart:
      in ? NameNeighbours(&out, {kProduct, kComponent}) : NameNeighbours(&out, {kComponent});
      break;
    case graph::EdgeType::kShows:
      if (in) NameNeighbours(&out, {kProduct});
      break;
    case graph::EdgeType::kCausedBy:
      if (!in) NameNeighbours(&out, {kComponent});
      break;
    case graph::EdgeType::kFixedBy:
      in ? NameNeighbours(&out, {kComponent}) : NameNeighbours(&out, {kFix});
      break;
    case graph::EdgeType::kInFamily:
      if (!in) NameNeighbours(&out, {kProduct});
      break;
    case graph::EdgeType::kAppliesTo:
      in ? NameNeighbours(&out, {kFix}) : NameNeighbours(&out, {kProduct, kComponent});
      break;
  }
}

void Handler::NameNeighbours(std::vector<Neighbour>* out,
                             std::initializer_list<const char*> kinds) const {
  for (const char* kind : kinds) {
    std::vector<std::string> unnamed;
    for (const auto& n : *out)
      if (n.name.empty()) unnamed.push_back(n.id);
    if (unnamed.empty()) return;
    const auto names = EntityNames(kind, std::move(unnamed), "id");
    for (auto& n : *out)
      if (auto it = names.find(n.id); n.name.empty() && it != names.end()) n.name = it->second;
  }
}

std::map<std::string, std::string> Handler::EntityNames(const char* kind,
                                                        std::vector<std::string> ids,
                                                        const char* field) const {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::string, std::string> names;
  auto found = Unwrap(store_->GetEntities(kind, ids), field);
  for (size_t i = 0; i < found.size() && i < ids.size(); ++i)
    if (found[i] && !found[i]->name.empty()) names[ids[i]] = found[i]->name;
  return names;
}

void Handler::getCase(CaseView& out, const std::string& given) {
  auto c = Unwrap(store_->GetCase(FindCaseId(given)), "caseId");
  out.caseId = c.case_id;
  out.assetSerial = c.asset_serial;
  out.product = c.product;
  out.family = c.family;
  out.openedMs = c.opened_ms;
  out.closedMs = c.closed_ms;
  out.channel = c.channel;
  out.symptomText = c.symptom_text;
  out.notes = c.notes;
  out.faultCodes = c.fault_codes;
  out.symptoms = c.symptoms;
  out.components = c.components;
  out.failureCause = c.failure_cause;
  out.fixes = c.fixes;
  out.parts = c.parts;
  out.labourMinutes = c.labour_minutes;
  out.cost = c.cost;
  out.outcome = c.outcome;
  out.satisfaction = c.satisfaction;
  out.region = c.region;
  out.source = c.source;
  out.outcomes = ListOutcomes(c.case_id);
  // Names from the master data, for people reading the case.
  std::vector<std::string> parts = c.components;
  parts.insert(parts.end(), c.parts.begin(), c.parts.end());
  std::vector<std::string> fixes = c.fixes;
  for (const auto& o : out.outcomes) {
    if (!o.component.empty()) parts.push_back(o.component);
    if (!o.fix.empty()) fixes.push_back(o.fix);
  }
  // (An id of two kinds keeps the first name merged: product, fix, component.)
  if (!c.product.empty()) out.names = EntityNames(graph::kinds::kProduct, {c.product}, "caseId");
  out.names.merge(EntityNames(graph::kinds::kFix, std::move(fixes), "caseId"));
  out.names.merge(EntityNames(graph::kinds::kComponent, std::move(parts), "caseId"));
}

std::string Handler::SensorSummary(const graph::storage::EventDoc& e) {
  char value[32];
  std::snprintf(value, sizeof value, "%g", e.value);
  return e.code + (e.measurement.empty() ? "" : " " + e.measurement) + " = " + value +
         (e.severity.empty() ? "" : " (" + e.severity + ")");
}

void Handler::assetHistory(std::vector<TimelineItem>& out, const std::string& serial,
                           int32_t limit) {
  CheckLimit(limit);
  for (const auto& t : FindAssetTimeline(serial, static_cast<size_t>(limit))) {
    TimelineItem item;
    item.timeMs = t.time_ms;
    item.kind = t.kind;
    item.id = t.id;
    if (t.kind == "case") {
      auto c = store_->GetCase(t.id);
      if (c.ok()) item.summary = c->symptom_text;
    } else {
      auto e = store_->GetEvent(t.kind, t.id);
      if (e.ok() && t.kind == "outcome") {
        item.summary = OutcomeSummary(*e);
      } else if (e.ok() && t.kind == "sensor") {
        item.summary = SensorSummary(*e);
      } else if (e.ok()) {
        item.summary = e->text;
      }
    }
    out.push_back(std::move(item));
  }
}

namespace {

DeadLetter ToApi(const graph::storage::DeadLetter& d) {
  DeadLetter a;
  a.source = d.source;
  a.stream = d.stream;
  a.position = d.position;
  a.reason = d.reason;
  a.raw = d.raw;
  a.line = d.line;
  // Only a file's dead letters have a byte offset; other sources keep a
  // hash of the row's key there, which is no position to show.
  a.byteOffset = connectors::StreamHasByteOffsets(d.stream) ? d.byte_offset : -1;
  a.id = graph::DeadLetterId(d);
  return a;
}

}  // namespace

void Handler::deadLetters(std::vector<DeadLetter>& out, const std::string& source, int32_t limit) {
  if (source.size() > kMaxIdBytes) ThrowBad("source", LongerThan("the source name", kMaxIdBytes));
  CheckLimit(limit);
  for (const auto& d :
       Unwrap(store_->ListDeadLetters(source, static_cast<size_t>(limit)), "source"))
    out.push_back(ToApi(d));
}

void Handler::deadLetter(DeadLetter& out, const std::string& id) {
  CheckId("id", id);
  out = ToApi(Unwrap(store_->FindDeadLetter(id), "id"));
}

void Handler::retryDeadLetters(std::vector<DeadLetterRetry>& out,
                               const std::vector<std::string>& ids,
                               const std::string& mappingPath) {
  if (ids.empty() || ids.size() > static_cast<size_t>(kMaxLimit))
    ThrowBad("ids", "ids must name 1 to " + std::to_string(kMaxLimit) + " dead letters");
  for (const auto& id : ids) CheckId("ids", id);
  CheckPath("mappingPath", mappingPath);
  auto mapping = connectors::LoadMapping(mappingPath);
  if (!mapping.ok()) ThrowBad("mappingPath", mapping.status().message());
  for (const auto& id : ids) {
    auto r = connectors::RetryDeadLetter(*pipeline_, *store_, *mapping, id);
    if (!r.ok() && r.status().IsNotFound()) {
      if (search_ != nullptr && !out.empty()) search_->Notify();
      ThrowNotFound("ids", r.status().message());
    }
    ThrowIfError(r.status(), "ids");
    DeadLetterRetry d;
    d.id = r->id;
    d.applied = r->applied;
    d.message = r->message;
    out.push_back(std::move(d));
  }
  if (search_ != nullptr) search_->Notify();
}

void Handler::digest(GraphDigest& out) {
  auto scan = Unwrap(scans_.Acquire("digest"), "request");
  auto d = Unwrap(store_->Digest(), "store");
  out.hex = d.hex;
  out.keys = static_cast<int64_t>(d.keys);
}

namespace {

search::SearchFilters CheckFilters(const SearchFilters& f) {
  for (const auto* v : {&f.product, &f.family, &f.component, &f.symptom, &f.region}) {
    if (v->size() > kMaxIdBytes) ThrowBad("filters", LongerThan("a filter value", kMaxIdBytes));
  }
  if (!f.kind.empty() && f.kind != "case" && f.kind != "fix") {
    ThrowBad("filters.kind", "kind is '" + f.kind + "'; expected case, fix or empty");
  }
  if (f.fromMs < 0) ThrowBad("filters.fromMs", "fromMs must be 0 (no start) or a time after 1970");
  if (f.toMs < 0) ThrowBad("filters.toMs", "toMs must be 0 (no end) or a time after 1970");
  if (f.fromMs != 0 && f.toMs != 0 && f.toMs <= f.fromMs) {
    ThrowBad("filters.toMs", "the period ends before it starts");
  }
  search::SearchFilters out;
  out.kind = f.kind;
  out.product = f.product;
  out.family = f.family;
  out.component = f.component;
  out.symptom = f.symptom;
  out.region = f.region;
  out.from_ms = f.fromMs;
  out.to_ms = f.toMs;
  return out;
}

void ToApi(const search::SearchResponse& in, SearchResult& out) {
  out.matchesEstimated = static_cast<int64_t>(in.matches_estimated);
  out.matchesLowerBound = static_cast<int64_t>(in.matches_lower_bound);
  out.matchesUpperBound = static_cast<int64_t>(in.matches_upper_bound);
  for (const auto& h : in.hits) {
    SearchHit a;
    a.kind = h.kind;
    a.id = h.id;
    a.percent = h.percent;
    a.title = h.title;
    a.snippet = h.snippet;
    a.product = h.product;
    a.components = h.components;
    a.symptoms = h.symptoms;
    a.fixes = h.fixes;
    a.openedMs = h.opened_ms;
    out.hits.push_back(std::move(a));
  }
  for (const auto& [name, counts] : in.facets) {
    auto& list = out.facets[name];
    for (const auto& c : counts) {
      FacetCount fc;
      fc.value = c.value;
      fc.count = c.count;
      list.push_back(std::move(fc));
    }
  }
}

}  // namespace

void Handler::searchFixes(SearchResult& out, const std::string& query, const SearchFilters& filters,
                          int32_t offset, int32_t limit) {
  if (search_ == nullptr) ThrowIfError(NoSearch(), "query");
  if (query.size() > kMaxQueryBytes) ThrowBad("query", LongerThan("the query", kMaxQueryBytes));
  if (offset < 0 || offset > kMaxSearchOffset)
    ThrowBad("offset", "offset must be from 0 to " + std::to_string(kMaxSearchOffset));
  CheckSearchLimit(limit);
  search::SearchRequest req;
  req.text = query;
  req.all_words_first = true;
  req.filters = CheckFilters(filters);
  req.offset = static_cast<size_t>(offset);
  req.limit = static_cast<size_t>(limit);
  ToApi(Unwrap(search_->searcher().Search(req), "query"), out);
}

void Handler::similarCases(SearchResult& out, const std::string& caseId, const std::string& text,
                           const SearchFilters& filters, int32_t limit) {
  if (search_ == nullptr) ThrowIfError(NoSearch(), "text");
  if (caseId.empty() == text.empty()) ThrowBad("caseId", "give exactly one of caseId and text");
  if (text.size() > kMaxQueryBytes) ThrowBad("text", LongerThan("the text", kMaxQueryBytes));
  CheckSearchLimit(limit);
  search::SearchRequest req;
  req.filters = CheckFilters(filters);
  req.filters.kind = "case";
  req.limit = static_cast<size_t>(limit);
  if (!caseId.empty()) {
    auto c = Unwrap(store_->GetCase(FindCaseId(caseId)), "caseId");
    req.text = c.symptom_text + "\n" + c.notes;
    req.exclude = "case:" + c.case_id;
  } else {
    req.text = text;
  }
  ToApi(Unwrap(search_->searcher().Search(req), caseId.empty() ? "text" : "caseId"), out);
}

void Handler::rootCause(RootCauseAnswer& out, const RootCauseRequest& request) {
  CheckOptionalId("product", request.product);
  CheckOptionalId("serial", request.serial);
  if (request.text.size() > kMaxQueryBytes)
    ThrowBad("text", LongerThan("the text", kMaxQueryBytes));
  if (request.topK < 1 || request.topK > 20) ThrowBad("topK", "topK must be from 1 to 20");
  if (request.faultCodes.size() > 50) ThrowBad("faultCodes", "at most 50 fault codes");
  for (const auto& c : request.faultCodes) {
    if (c.size() > 64) ThrowBad("faultCodes", "fault code '" + c.substr(0, 64) + "…' is too long");
  }

  diagnosis::DiagnoseRequest d;
  d.product = request.product;
  d.serial = request.serial;
  d.text = request.text;
  d.fault_codes = request.faultCodes;
  d.top_k = static_cast<size_t>(request.topK);
  d.as_of_ms = request.asOfMs;
  auto a = Unwrap(diagnoser_.Diagnose(d), "request");
  out.product = a.product;
  out.family = a.family;
  out.productKnown = a.product_known;
  out.symptoms = a.symptoms_used;
  for (const auto& n : a.notes) {
    out.notes.push_back(n.English());
    out.noteMessages.push_back(ToMessage(n));
  }
  for (const auto& h : a.history) {
    HistoryItem item;
    item.timeMs = h.time_ms;
    item.kind = h.kind;
    item.id = h.id;
    item.summary = h.summary;
    out.history.push_back(std::move(item));
  }
  for (const auto& ca : a.components) {
    ComponentCandidate cc;
    cc.component = ca.component;
    cc.name = ca.name;
    cc.probability = ca.probability;
    cc.confidence = ca.confidence;
    cc.fromSymptoms = ca.from_symptoms;
    cc.fromCases = ca.from_cases;
    cc.historyFactor = ca.history_factor;
    cc.cases = static_cast<int64_t>(ca.cases);
    cc.fixScope = ca.fix_scope.English();
    cc.fixScopeMessage = ToMessage(ca.fix_scope);
    if (!ca.history_note.text.empty()) {
      cc.historyNote = ca.history_note.English();
      cc.historyNoteMessage = ToMessage(ca.history_note);
    }
    cc.namedInText = ca.named_in_text;
    for (const auto& e : ca.evidence) {
      SymptomEvidence se;
      se.symptom = e.symptom;
      se.scope = e.scope;
      se.count = static_cast<int64_t>(e.count);
      se.total = static_cast<int64_t>(e.total);
      cc.evidence.push_back(std::move(se));
    }
    for (const auto& s : ca.supporting) {
      SupportingCase sc;
      sc.caseId = s.case_id;
      sc.snippet = s.snippet;
      sc.similarity = s.similarity;
      sc.openedMs = s.opened_ms;
      cc.supporting.push_back(std::move(sc));
    }
    for (const auto& k : ca.causes) {
      CauseCount cn;
      cn.cause = k.cause;
      cn.count = static_cast<int64_t>(k.count);
      cc.causes.push_back(std::move(cn));
    }
    for (const auto& f : ca.fixes) {
      FixOption fo;
      fo.fix = f.fix;
      fo.title = f.title;
      fo.attempts = static_cast<int64_t>(f.attempts);
      fo.repeats = static_cast<int64_t>(f.repeats);
      fo.successRate = f.success_rate;
      fo.score = f.score;
      fo.medianLabourMinutes = f.median_labour;
      fo.parts = f.parts;
      fo.textFit = f.text_fit;
      cc.fixes.push_back(std::move(fo));
    }
    out.components.push_back(std::move(cc));
  }
  for (const auto& k : a.causes) {
    CauseCandidate cc;
    cc.cause = k.cause;
    cc.probability = k.probability;
    cc.cases = static_cast<int64_t>(k.cases);
    cc.similarCases = static_cast<int64_t>(k.similar);
    out.causes.push_back(std::move(cc));
  }
  out.answerId = KeepQuestion(request, a.product);
}

void Handler::repeatFailures(std::vector<RepeatRow>& out, const RepeatRequest& request) {
  CheckOptionalId("product", request.product);
  if (request.windowDays < 1 || request.windowDays > 365)
    ThrowBad("windowDays", "windowDays must be from 1 to 365");
  CheckLimit(request.limit);
  analytics::RepeatOptions o;
  o.product = request.product;
  o.window_ms = static_cast<int64_t>(request.windowDays) * 86400 * 1000;
  auto scan = Unwrap(scans_.Acquire("repeatFailures"), "request");
  auto rows = Unwrap(analytics::RepeatFailures(*store_, o), "request");
  for (auto& r : rows) {
    if (out.size() >= static_cast<size_t>(request.limit)) break;
    RepeatRow row;
    row.product = r.product;
    row.component = r.component;
    row.fix = r.fix;
    row.attempts = static_cast<int64_t>(r.attempts);
    row.repeats = static_cast<int64_t>(r.repeats);
    row.rate = r.rate;
    row.chains = std::move(r.chains);
    row.customers = std::move(r.customers);
    out.push_back(std::move(row));
  }
}

void Handler::defectTrends(TrendReport& out, const TrendRequest& request) {
  CheckOptionalId("product", request.product);
  CheckOptionalId("component", request.component);
  if (request.baselineMonths < 2 || request.baselineMonths > 36)
    ThrowBad("baselineMonths", "baselineMonths must be from 2 to 36");
  if (!(request.alpha > 0 && request.alpha <= 0.1))
    ThrowBad("alpha", "alpha must be above 0 and at most 0.1");
  analytics::TrendOptions o;
  o.product = request.product.empty() ? "" : FindProductId(request.product);
  o.component = request.component;
  o.baseline_months = request.baselineMonths;
  o.alpha = request.alpha;
  auto scan = Unwrap(scans_.Acquire("defectTrends"), "request");
  auto r = Unwrap(analytics::DefectTrends(*store_, o), "request");
  out.tests = static_cast<int64_t>(r.tests);
  out.alpha = o.alpha;
  for (auto& a : r.alerts) {
    TrendAlert t;
    t.product = a.product;
    t.component = a.component;
    t.month = static_cast<int32_t>(a.month);
    t.monthsFlagged = static_cast<int32_t>(a.months_flagged);
    t.rateBefore = a.rate_before;
    t.rateAfter = a.rate_after;
    t.failures = static_cast<int64_t>(a.failures);
    t.expected = a.expected;
    t.pValue = a.p_value;
    t.evidence = std::move(a.evidence);
    out.alerts.push_back(std::move(t));
  }
  if (!request.withSeries) return;
  for (const auto& s : r.series) {
    RateSeries rs;
    rs.product = s.product;
    rs.component = s.component;
    for (const auto& p : s.points) {
      RatePoint rp;
      rp.month = static_cast<int32_t>(p.month);
      rp.failures = static_cast<int64_t>(p.failures);
      rp.installed = static_cast<int64_t>(p.installed);
      rp.per1000 = p.per_1000;
      rs.points.push_back(rp);
    }
    out.series.push_back(std::move(rs));
  }
}

void Handler::defectFeed(FeedPage& out, const std::string& cursor, int32_t max) {
  if (max < 1 || max > kMaxFeedPage)
    ThrowBad("max", "max must be from 1 to " + std::to_string(kMaxFeedPage));
  auto after = analytics::ParseFeedCursor(cursor);
  if (!after.ok()) ThrowBad("cursor", after.status().message());
  ThrowIfError(feed_.BeforeRead(), "feed");
  auto items = Unwrap(store_->ReadFeed(*after, static_cast<size_t>(max)), "feed");
  uint64_t last = *after;
  for (auto& it : items) {
    FeedItem f;
    f.seq = it.seq;
    f.kind = std::move(it.kind);
    f.key = std::move(it.key);
    f.createdMs = it.created_ms;
    f.product = std::move(it.product);
    f.component = std::move(it.component);
    f.fix = std::move(it.fix);
    f.payload = std::move(it.payload);
    last = static_cast<uint64_t>(it.seq);
    out.items.push_back(std::move(f));
  }
  out.nextCursor = analytics::FeedCursor(last);
}

void Handler::kpis(std::vector<KpiRow>& out, const KpiRequest& request) {
  CheckOptionalId("product", request.product);
  CheckOptionalId("region", request.region);
  if (request.windowDays < 1 || request.windowDays > 365)
    ThrowBad("windowDays", "windowDays must be from 1 to 365");
  if (request.fromMs != 0 && request.toMs != 0 && request.toMs <= request.fromMs)
    ThrowBad("toMs", "the period ends before it starts");
  analytics::KpiOptions o;
  o.product = request.product;
  o.region = request.region;
  o.from_ms = request.fromMs;
  o.to_ms = request.toMs;
  o.by = request.by;
  o.window_ms = static_cast<int64_t>(request.windowDays) * 86400 * 1000;
  Status by = analytics::CheckKpiGrouping(o.by);
  if (!by.ok()) ThrowBad("by", by.message());
  auto scan = Unwrap(scans_.Acquire("kpis"), "request");
  for (const auto& r : Unwrap(analytics::ComputeKpis(*store_, o), "request")) {
    KpiRow k;
    k.group = r.group;
    k.cases = static_cast<int64_t>(r.cases);
    k.closed = static_cast<int64_t>(r.closed);
    k.firstTimeFix = r.first_time_fix;
    k.repeatRate = r.repeat_rate;
    k.mttrHours = r.mttr_hours;
    k.responseMinutes = r.response_minutes;
    k.satisfaction = r.satisfaction;
    k.rated = static_cast<int64_t>(r.rated);
    k.contacted = static_cast<int64_t>(r.contacted);
    k.repeatContacts = static_cast<int64_t>(r.repeat_contacts);
    k.repeatContactRate = r.repeat_contact_rate;
    out.push_back(std::move(k));
  }
}

void Handler::repeatContacts(std::vector<RepeatContactRow>& out,
                             const RepeatContactRequest& request) {
  CheckOptionalId("product", request.product);
  if (request.minCalls < 2 || request.minCalls > 1000)
    ThrowBad("minCalls", "minCalls must be from 2 to 1000");
  CheckLimit(request.limit);
  analytics::RepeatContactOptions o;
  o.product = request.product;
  o.min_calls = static_cast<size_t>(request.minCalls);
  o.open_only = request.openOnly;
  o.limit = static_cast<size_t>(request.limit);
  auto scan = Unwrap(scans_.Acquire("repeatContacts"), "request");
  for (auto& r : Unwrap(analytics::RepeatContacts(*store_, o), "request")) {
    RepeatContactRow row;
    row.caseId = std::move(r.case_id);
    row.product = std::move(r.product);
    row.assetSerial = std::move(r.asset);
    row.calls = static_cast<int64_t>(r.calls);
    row.firstCallMs = r.first_call_ms;
    row.lastCallMs = r.last_call_ms;
    row.openedMs = r.opened_ms;
    row.closedMs = r.closed_ms;
    out.push_back(std::move(row));
  }
}

void Handler::cohortRates(std::vector<CohortCell>& out, const CohortRequest& request) {
  CheckOptionalId("product", request.product);
  CheckOptionalId("component", request.component);
  auto scan = Unwrap(scans_.Acquire("cohortRates"), "request");
  for (auto& c :
       Unwrap(analytics::CohortRates(*store_, {request.product, request.component}), "request")) {
    CohortCell cell;
    cell.product = std::move(c.product);
    cell.component = std::move(c.component);
    cell.shipMonth = static_cast<int32_t>(c.ship_month);
    cell.monthsInService = static_cast<int32_t>(c.months_in_service);
    cell.failures = static_cast<int64_t>(c.failures);
    cell.units = static_cast<int64_t>(c.units);
    cell.per1000 = c.per_1000;
    out.push_back(std::move(cell));
  }
}

void Handler::cohortMatrix(CohortMatrix& out, const CohortRequest& request) {
  if (request.product.empty()) ThrowBad("product", "the cohort matrix needs a product");
  if (request.component.empty()) ThrowBad("component", "the cohort matrix needs a component");
  CheckOptionalId("product", request.product);
  CheckOptionalId("component", request.component);
  const std::string product = FindProductId(request.product);
  auto scan = Unwrap(scans_.Acquire("cohortMatrix"), "request");
  auto m = Unwrap(analytics::CohortMatrixOf(*store_, product, request.component), "request");
  out.product = m.product;
  out.component = m.component;
  out.asOfMonth = static_cast<int32_t>(m.as_of_month);
  out.unplaced = static_cast<int64_t>(m.unplaced);
  for (auto& r : m.rows) {
    CohortRow row;
    row.shipMonth = static_cast<int32_t>(r.ship_month);
    row.units = static_cast<int64_t>(r.units);
    row.observedMonths = static_cast<int32_t>(r.observed_months);
    row.failures.assign(r.failures.begin(), r.failures.end());
    row.cumulativePer1000 = std::move(r.cumulative_per_1000);
    out.rows.push_back(std::move(row));
  }
}

connectors::Scheduler& Handler::Scheduler() const {
  connectors::Scheduler* scheduler = scheduler_.load();
  if (scheduler == nullptr)
    ThrowIfError(
        Status::FailedPrecondition("this daemon runs no connectors (start it with --connectors)"),
        "connectors");
  return *scheduler;
}

void Handler::runConnector(const std::string& name, bool full) {
  connectors::Scheduler& scheduler = Scheduler();
  if (name.empty() || name.size() > kMaxIdBytes) ThrowBad("name", "name a configured connector");
  ThrowIfError(scheduler.RunNow(name, full), "name");
}

void Handler::backfillConnector(const std::string& name, const std::string& fromValue,
                                const std::string& toValue) {
  connectors::Scheduler& scheduler = Scheduler();
  CheckId("name", name);
  CheckId("fromValue", fromValue);
  CheckId("toValue", toValue);
  ThrowIfError(scheduler.Backfill(name, fromValue, toValue), "name");
}

void Handler::resetConnector(const std::string& name) {
  connectors::Scheduler& scheduler = Scheduler();
  CheckId("name", name);
  ThrowIfError(scheduler.Reset(name), "name");
}

namespace {
ConnectorRun RunToApi(connectors::RunRecord r) {
  ConnectorRun run;
  run.connector = std::move(r.connector);
  run.status = std::move(r.status);
  run.error = std::move(r.error);
  run.startedMs = r.started_ms;
  run.endedMs = r.ended_ms;
  run.rowsRead = r.read;
  run.rowsWritten = r.written;
  run.rowsSkipped = r.skipped;
  run.rowsRejected = r.rejected;
  run.position = std::move(r.position);
  run.full = r.full;
  run.batches = r.batches;
  run.commitMs = r.commit_ms;
  run.backfill = std::move(r.backfill);
  return run;
}
}  // namespace

void Handler::connectorStatus(std::vector<ConnectorState>& out, const std::string& name) {
  const connectors::Scheduler& scheduler = Scheduler();
  if (!name.empty() && scheduler.file().Find(name) == nullptr)
    ThrowIfError(Status::NotFound("no connector '" + name + "'"), "name");
  const auto metrics = scheduler.Metrics();
  const int64_t now = SystemClock()->NowMillis();
  for (const auto& c : scheduler.file().connectors) {
    if (!name.empty() && c.name != name) continue;
    ConnectorState s;
    s.connector = c.name;
    s.type = c.type;
    s.schedule = c.schedule ? c.schedule->text() : "";
    s.nextRunMs = c.schedule ? c.schedule->NextAfter(now) : 0;
    if (auto it = metrics.find(c.name); it != metrics.end()) s.running = it->second.running;
    auto last = Unwrap(connectors::ConnectorHistory(*store_, c.name, 1), "connectors");
    if (!last.empty()) s.__set_lastRun(RunToApi(std::move(last.front())));
    out.push_back(std::move(s));
  }
}

void Handler::connectorRuns(std::vector<ConnectorRun>& out, const std::string& name,
                            int32_t limit) {
  const connectors::Scheduler& scheduler = Scheduler();
  CheckLimit(limit);
  if (!name.empty() && scheduler.file().Find(name) == nullptr)
    ThrowIfError(Status::NotFound("no connector '" + name + "'"), "name");
  for (const auto& c : scheduler.file().connectors) {
    if (!name.empty() && c.name != name) continue;
    for (auto& r : Unwrap(connectors::ConnectorHistory(*store_, c.name, static_cast<size_t>(limit)),
                          "connectors"))
      out.push_back(RunToApi(std::move(r)));
  }
}

int64_t Handler::reindex() {
  if (search_ == nullptr) ThrowIfError(NoSearch(), "index");
  return static_cast<int64_t>(Unwrap(search_->Rebuild(), "index"));
}

void Handler::verifyIndex(IndexCheck& out, bool repair) {
  if (search_ == nullptr) ThrowIfError(NoSearch(), "index");
  auto r = Unwrap(search_->Verify(repair), "index");
  const auto& rep = r.report;
  out.graphDocuments = static_cast<int64_t>(rep.graph_docs);
  out.indexDocuments = static_cast<int64_t>(rep.index_docs);
  out.pending = static_cast<int64_t>(rep.pending);
  out.missing = static_cast<int64_t>(rep.missing.size());
  out.stale = static_cast<int64_t>(rep.stale.size());
  out.orphaned = static_cast<int64_t>(rep.orphaned.size());
  out.repaired = static_cast<int64_t>(r.repaired);
  out.clean = rep.clean();
  constexpr size_t kExamples = 20;
  for (const auto& [what, list] :
       {std::pair{"missing", &rep.missing}, std::pair{"stale", &rep.stale},
        std::pair{"orphaned", &rep.orphaned}}) {
    for (const auto& d : *list) {
      if (out.examples.size() >= kExamples) break;
      out.examples.push_back(std::string(what) + " " + d.kind + " " + d.id.substr(0, 200));
    }
  }
  const auto& at_open = search_->unclean_open_report();
  out.foundAtOpen = at_open ? static_cast<int64_t>(at_open->missing.size() + at_open->stale.size() +
                                                   at_open->orphaned.size())
                            : -1;
}

void Handler::ingestFile(IngestResult& out, const std::string& mappingPath,
                         const std::string& filePath) {
  CheckPath("mappingPath", mappingPath);
  CheckPath("filePath", filePath);
  auto mapping = connectors::LoadMapping(mappingPath);
  if (!mapping.ok()) ThrowBad("mappingPath", mapping.status().message());
  connectors::FileIngestOptions options;
  options.stop = stop_;
  options.progress = progress_;
  auto r = connectors::IngestFile(*pipeline_, *mapping, filePath, options);
  // A path that names nothing, or nothing readable, is the caller's to fix;
  // any other failure (a full disk, the store) is the service's.
  if (!r.ok() &&
      (r.status().IsNotFound() || r.status().code() == Status::Code::kFailedPrecondition))
    ThrowBad("filePath", r.status().message());
  ThrowIfError(r.status(), "filePath");
  out.stream = r->stream;
  out.applied = r->stats.applied;
  out.skipped = r->stats.skipped;
  out.rejected = r->stats.rejected;
  out.resumedFrom = static_cast<int64_t>(r->resumed_from);
  out.endOffset = static_cast<int64_t>(r->end_offset);
  out.size = static_cast<int64_t>(r->size);
  out.stopped = r->stopped;
  out.resumed = r->resumed;
  if (search_ != nullptr) search_->Notify();
}

}  // namespace faultgraph::api
