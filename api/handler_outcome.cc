// Handler: technicians' outcomes (recordOutcome, and the case view's list).
// An outcome goes through the ingest pipeline as a record of source
// "outcomes", so it is applied exactly once, revised by a newer version
// and retracted like any other record.
#include <algorithm>
#include <charconv>
#include <tuple>

#include "api/api_errors.h"
#include "api/handler.h"
#include "common/clock.h"
#include "graph/vocabulary.h"
#include "ingest/text.h"

namespace faultgraph::api {
namespace {

constexpr const char* kOutcomeSource = "outcomes";
constexpr const char* kOutcomeStream = "api";
constexpr int kVersionAttempts = 3;

Outcome ToApi(const graph::storage::EventDoc& e) {
  Outcome o;
  o.outcomeId = e.id;
  o.caseId = e.case_ref;
  o.component = e.component;
  o.fix = e.fix;
  o.worked = e.worked;
  o.note = e.text;
  o.timeMs = e.time_ms;
  o.by = e.recorded_by;
  o.retracted = e.retracted;
  o.source = e.source;
  return o;
}

void CheckUtf8(const char* field, const std::string& value) {
  size_t bad = ingest::FindInvalidUtf8(value);
  if (bad != std::string::npos)
    ThrowBad(field, std::string(field) + " is not valid UTF-8 (byte " + std::to_string(bad) + ")");
}

// A version after `applied` (decimal milliseconds) and no earlier than now.
std::string NextVersion(const std::optional<graph::storage::DedupEntry>& applied, int64_t now) {
  int64_t v = now;
  if (applied.has_value()) {
    const std::string& s = applied->version;
    int64_t prev = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), prev);
    if (ec == std::errc() && end == s.data() + s.size()) v = std::max(v, prev + 1);
  }
  return std::to_string(v);
}

}  // namespace

std::vector<Outcome> Handler::ListOutcomes(const std::string& case_id) const {
  std::vector<Outcome> out;
  for (const auto& e : Unwrap(store_->CaseOutcomes(case_id), "caseId")) out.push_back(ToApi(e));
  return out;
}

std::string Handler::OutcomeSummary(const graph::storage::EventDoc& e) {
  std::string s = "outcome of " + e.case_ref + ":";
  if (!e.component.empty()) s += " found " + e.component + ";";
  if (!e.fix.empty()) s += " " + e.fix + (e.worked ? " held" : " did not hold") + ";";
  if (e.retracted) s += " (retracted)";
  if (!e.text.empty()) s += " " + e.text;
  return s;
}

void Handler::CheckKnownComponent(const std::string& component,
                                  const graph::storage::CaseDoc& c) const {
  if (std::find(c.components.begin(), c.components.end(), component) != c.components.end()) return;
  auto master = store_->GetEntity(graph::kinds::kComponent, component);
  if (master.ok()) return;
  if (!master.status().IsNotFound()) ThrowIfError(master.status(), "component");
  // Many graphs have no component master: a part of the product's BOM or
  // one its cases were diagnosed with is known too.
  if (!c.product.empty()) {
    namespace keys = graph::keys;
    auto bom = Unwrap(store_->GetCount(graph::Cf::kEdge, keys::Edge(graph::EdgeType::kHasPart, "",
                                                                    c.product, component)),
                      "component");
    auto diagnosed =
        Unwrap(store_->GetCount(graph::Cf::kCounter,
                                keys::Counter(graph::kComponentCasesCounter, c.product, component)),
               "component");
    if (bom > 0 || diagnosed > 0) return;
  }
  ThrowBad("component", "unknown component '" + component + "': not in the component master" +
                            (c.product.empty()
                                 ? std::string()
                                 : ", the BOM of " + c.product + " or the diagnoses of its cases"));
}

void Handler::CheckKnownFix(const std::string& fix, const graph::storage::CaseDoc& c) const {
  if (std::find(c.fixes.begin(), c.fixes.end(), fix) != c.fixes.end()) return;
  auto catalogue = store_->GetEntity(graph::kinds::kFix, fix);
  if (catalogue.ok()) return;
  if (!catalogue.status().IsNotFound()) ThrowIfError(catalogue.status(), "fix");
  // No catalogue: a fix some case applied (FIXED_BY evidence) is known.
  auto applied =
      Unwrap(store_->Neighbours(graph::EdgeType::kFixedBy, std::string(graph::kGlobalScope), fix,
                                graph::Direction::kIn, 1),
             "fix");
  if (!applied.empty()) return;
  ThrowBad("fix",
           "unknown fix '" + fix + "': not in the fix catalogue and not applied to any case");
}

std::pair<std::string, std::string> Handler::CheckFound(const OutcomeRequest& r,
                                                       const graph::storage::CaseDoc& c) const {
  std::string component = ingest::ToUpperAscii(ingest::Trim(r.component));
  std::string fix = ingest::ToUpperAscii(ingest::Trim(r.fix));
  if (component.empty() && fix.empty())
    ThrowBad("component", "say what was found: the component at fault, the fix applied, or both");
  if (!component.empty()) CheckKnownComponent(component, c);
  if (!fix.empty()) CheckKnownFix(fix, c);
  return {std::move(component), std::move(fix)};
}

void Handler::recordOutcome(Outcome& out, const OutcomeRequest& request) {
  RecordOutcome(out, request, "local");
}

void Handler::RecordOutcome(Outcome& out, const OutcomeRequest& r, const std::string& principal) {
  if (!r.answerId.empty()) {  // on an answer's question, made a case of its own
    if (!r.caseId.empty()) ThrowBad("answerId", "give caseId or answerId, not both");
    if (r.answerId.size() > kMaxIdBytes) ThrowBad("answerId", "answerId is too long");
    OutcomeRequest on_case = r;
    on_case.caseId = AnswerCase(r.answerId, r);
    on_case.answerId.clear();
    RecordOutcome(out, on_case, principal);
    return;
  }
  if (r.caseId.empty())
    ThrowBad("caseId", "caseId is empty: give the case, or the answerId of a rootCause answer");
  CheckId("caseId", r.caseId);
  const std::string id = r.outcomeId.empty() ? r.caseId + "#" + principal : r.outcomeId;
  CheckId("outcomeId", id);
  CheckUtf8("outcomeId", id);
  if (r.note.size() > kMaxNoteBytes) {
    ThrowBad("note", "note is " + std::to_string(r.note.size()) + " bytes; at most " +
                         std::to_string(kMaxNoteBytes) + " are allowed");
  }
  if (r.component.size() > kMaxIdBytes) ThrowBad("component", "component is too long");
  if (r.fix.size() > kMaxIdBytes) ThrowBad("fix", "fix is too long");
  CheckUtf8("component", r.component);
  CheckUtf8("fix", r.fix);
  CheckUtf8("note", r.note);

  auto found = store_->GetCase(r.caseId);
  if (found.status().IsNotFound()) ThrowBad("caseId", "no case '" + r.caseId + "' in the graph");
  const graph::storage::CaseDoc c = Unwrap(std::move(found), "caseId");
  auto stored = store_->GetEvent("outcome", id);
  if (!stored.ok() && !stored.status().IsNotFound()) ThrowIfError(stored.status(), "outcomeId");
  if (stored.ok() && stored->source != kOutcomeSource) {
    ThrowBad("outcomeId", "outcome '" + id + "' came from source '" + stored->source +
                              "': correct or retract it there");
  }
  if (stored.ok() && stored->case_ref != r.caseId) {
    ThrowBad("outcomeId", "outcome '" + id + "' is about case '" + stored->case_ref + "', not '" +
                              r.caseId + "'");
  }

  ingest::Outcome o;
  o.outcome_id = id;
  o.case_ref = r.caseId;
  o.by = principal;
  if (r.retract) {
    if (!stored.ok() || stored->retracted)
      ThrowBad("outcomeId", "case '" + r.caseId + "' has no outcome '" + id + "' to retract");
    // The retraction says what it withdraws.
    o.component = stored->component;
    o.fix = stored->fix;
    o.worked = stored->worked;
    o.note = stored->text;
    o.retracted = true;
  } else {
    std::tie(o.component, o.fix) = CheckFound(r, c);
    o.worked = r.worked;
    o.note = r.note;
  }

  // Versions are the time in milliseconds, after the applied one: two
  // calls within a millisecond still make two versions. A concurrent call
  // that took the version first makes this one go after it.
  bool applied = false;
  for (int attempt = 0; attempt < kVersionAttempts && !applied; ++attempt) {
    auto prev = Unwrap(store_->GetDedup(nullptr, kOutcomeSource, id), "outcomeId");
    o.time_ms = SystemClock()->NowMillis();
    ingest::Record rec{kOutcomeSource, id, NextVersion(prev, o.time_ms), o};
    std::vector<ingest::Record> records;
    records.push_back(std::move(rec));
    auto stats = Unwrap(
        pipeline_->ApplyRecords(kOutcomeSource, kOutcomeStream, std::move(records), kOutcomeStream),
        "outcomeId");
    if (stats.rejected > 0) ThrowBad("caseId", "no case '" + r.caseId + "' in the graph");
    applied = stats.applied > 0;
  }
  if (!applied)
    ThrowIfError(Status::Busy("outcome '" + id + "' is being recorded by another call"),
                 "outcomeId");
  out = ToApi(Unwrap(store_->GetEvent("outcome", id), "outcomeId"));
}

}  // namespace faultgraph::api
