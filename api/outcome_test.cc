// recordOutcome in-process: what it refuses and why, the case view, and
// fix success rates in rootCause answers before and after outcomes.
#include <gtest/gtest.h>

#include <map>

#include "api/handler.h"
#include "api/limits.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

constexpr int64_t kDay = 86400LL * 1000;
constexpr int64_t kT0 = 1700000000000LL;

class OutcomeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get());
    std::vector<ingest::Record> recs;
    recs.push_back({"erp", "AC-1", "1", ingest::Product{"AC-1", "AC one", "AC", "", {}}});
    recs.push_back({"parts", "PUMP", "1", ingest::Component{"PUMP", "Drain pump", ""}});
    ingest::Fix fix;
    fix.action_code = "FX-NEW";
    fix.title = "Replace the capillary";
    recs.push_back({"fixes", "FX-NEW", "1", fix});
    ASSERT_TRUE(pipeline_->ApplyRecords("master", "m", std::move(recs), "1").ok());
    recs.clear();
    // Four compressor cases on four assets: FX-COMP held every time.
    for (int i = 1; i <= 4; ++i) {
      ingest::Case c;
      c.case_id = "C" + std::to_string(i);
      c.product = "AC-1";
      c.asset_serial = "S" + std::to_string(i);
      c.opened_ms = kT0 + i * kDay;
      c.closed_ms = c.opened_ms + kDay;
      c.symptom_text = "空调不制冷 E4";
      c.fault_codes = {"E4"};
      c.components = {"COMP"};
      c.fixes = {"FX-COMP"};
      recs.push_back({"crm", c.case_id, "1", c});
    }
    ASSERT_TRUE(pipeline_->ApplyRecords("crm", "s", std::move(recs), "1").ok());
    auto search = SearchService::Open(store_.get(), dir_.Path("index"), /*background=*/false);
    ASSERT_TRUE(search.ok()) << search.status().ToString();
    search_ = std::move(search).value();
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), search_.get());
  }

  Outcome Record(const std::string& case_id, const std::string& component, const std::string& fix,
                 bool worked, const std::string& principal = "ann", bool retract = false) {
    OutcomeRequest r;
    r.caseId = case_id;
    r.component = component;
    r.fix = fix;
    r.worked = worked;
    r.retract = retract;
    Outcome out;
    handler_->RecordOutcome(out, r, principal);
    return out;
  }

  // `r` is refused with a BadRequest naming `field`, its message saying `says`.
  void ExpectRefused(const OutcomeRequest& r, const std::string& field, const std::string& says) {
    Outcome out;
    try {
      handler_->RecordOutcome(out, r, "ann");
      ADD_FAILURE() << "accepted: case " << r.caseId << " component " << r.component;
    } catch (const BadRequest& e) {
      EXPECT_EQ(e.field, field) << e.message;
      EXPECT_NE(e.message.find(says), std::string::npos) << e.message;
    }
  }

  // COMP's fix options as rootCause shows them now (a new handler: no
  // cached summary).
  std::map<std::string, FixOption> Fixes() {
    Handler fresh(store_.get(), pipeline_.get(), search_.get());
    RootCauseRequest req;
    req.product = "AC-1";
    req.text = "不制冷";
    req.faultCodes = {"E4"};
    req.topK = 3;
    RootCauseAnswer a;
    fresh.rootCause(a, req);
    std::map<std::string, FixOption> out;
    for (const auto& c : a.components) {
      if (c.component != "COMP") continue;
      for (const auto& f : c.fixes) out[f.fix] = f;
    }
    return out;
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<SearchService> search_;
  std::unique_ptr<Handler> handler_;
};

TEST_F(OutcomeApiTest, BadRequestsNameTheField) {
  OutcomeRequest r;
  r.caseId = "NOPE";
  r.component = "COMP";
  r.worked = true;
  ExpectRefused(r, "caseId", "no case 'NOPE'");
  r.caseId = "C1";
  r.component = "WIDGET";
  ExpectRefused(r, "component", "unknown component 'WIDGET'");
  r.component = "COMP";
  r.fix = "FX-ZZZ";
  ExpectRefused(r, "fix", "unknown fix 'FX-ZZZ'");
  r.fix = "";
  r.note = std::string(kMaxNoteBytes + 1, 'x');
  ExpectRefused(r, "note", "at most 4000");
  r.note = "";
  r.component = "";
  ExpectRefused(r, "component", "the component at fault, the fix applied, or both");
  r.retract = true;
  ExpectRefused(r, "outcomeId", "no outcome 'C1#ann' to retract");

  // Known without a master: diagnosed on the product's cases (COMP), in
  // the component master (PUMP), in the fix catalogue (FX-NEW), applied to
  // a case (FX-COMP); lower case is read as the canonical upper case.
  EXPECT_EQ(Record("C1", "pump", "fx-new", true).component, "PUMP");
  EXPECT_EQ(Record("C2", "COMP", "FX-COMP", true, "bob").fix, "FX-COMP");

  // An outcome of another source is changed there, not here; an id is
  // about one case.
  ingest::Outcome o;
  o.outcome_id = "J1";
  o.case_ref = "C3";
  o.component = "COMP";
  o.worked = true;
  o.time_ms = kT0 + 10 * kDay;
  ASSERT_TRUE(
      pipeline_->ApplyRecords("field_app", "f", {ingest::Record{"field_app", "J1", "1", o}}, "1")
          .ok());
  r = OutcomeRequest();
  r.caseId = "C3";
  r.outcomeId = "J1";
  r.component = "COMP";
  ExpectRefused(r, "outcomeId", "came from source 'field_app'");
  r.caseId = "C4";
  r.outcomeId = "C1#ann";
  ExpectRefused(r, "outcomeId", "is about case 'C1'");
}

TEST_F(OutcomeApiTest, TheCaseViewListsOutcomesAndARevisionReplacesOne) {
  OutcomeRequest r;
  r.caseId = "C1";
  r.component = "COMP";
  r.fix = "FX-COMP";
  r.worked = false;
  r.note = "客户电话13812348000, 压缩机又坏了";
  Outcome recorded;
  handler_->recordOutcome(recorded, r);  // in-process: "local"
  EXPECT_EQ(recorded.outcomeId, "C1#local");
  EXPECT_EQ(recorded.by, "local");
  EXPECT_EQ(recorded.source, "outcomes");
  EXPECT_EQ(recorded.note.find("13812348000"), std::string::npos) << recorded.note;
  Record("C1", "PUMP", "", true, "ann");
  Record("C1", "PUMP", "FX-NEW", true, "ann");  // ann's again: her one outcome, revised

  CaseView v;
  handler_->getCase(v, "C1");
  ASSERT_EQ(v.outcomes.size(), 2u);
  std::map<std::string, Outcome> by;
  for (const auto& o : v.outcomes) by[o.by] = o;
  ASSERT_EQ(by.count("local"), 1u);
  ASSERT_EQ(by.count("ann"), 1u);
  EXPECT_EQ(by["local"].component, "COMP");
  EXPECT_FALSE(by["local"].worked);
  EXPECT_EQ(by["local"].note, recorded.note);
  EXPECT_EQ(by["ann"].outcomeId, "C1#ann");
  EXPECT_EQ(by["ann"].fix, "FX-NEW");
  EXPECT_TRUE(by["ann"].worked);

  Outcome gone = Record("C1", "", "", false, "ann", /*retract=*/true);
  EXPECT_TRUE(gone.retracted);
  EXPECT_EQ(gone.component, "PUMP");  // it says what it withdrew
  handler_->getCase(v, "C1");
  ASSERT_EQ(v.outcomes.size(), 1u);
  EXPECT_EQ(v.outcomes[0].by, "local");

  std::vector<TimelineItem> history;
  handler_->assetHistory(history, "S1", 10);
  ASSERT_EQ(history.size(), 2u);  // the case, local's outcome
  EXPECT_EQ(history[1].kind, "outcome");
  EXPECT_NE(history[1].summary.find("FX-COMP did not hold"), std::string::npos)
      << history[1].summary;
}

// An agent's question that never was a ticket: the outcome recorded on the
// answer makes it a case, once, labelled by what the technician found.
TEST_F(OutcomeApiTest, AnOutcomeOnAnAnswerMakesItsQuestionACase) {
  RootCauseRequest q;
  q.product = "AC-1";
  q.serial = "S9";
  q.text = "空调不制冷，外机嗡嗡响";
  q.faultCodes = {"E4"};
  RootCauseAnswer a;
  handler_->rootCause(a, q);
  ASSERT_FALSE(a.answerId.empty());
  RootCauseAnswer again;
  handler_->rootCause(again, q);
  EXPECT_NE(again.answerId, a.answerId);  // every answer its own
  // The question kept on disk has its PII masked as a ticket's would.
  RootCauseRequest with_phone = q;
  with_phone.text = "客户电话13812348000 空调不制冷";
  RootCauseAnswer masked;
  handler_->rootCause(masked, with_phone);
  auto spool = store_->Spool();
  ASSERT_TRUE(spool.ok());
  auto kept = (*spool)->Read("#answers", 1, 10);
  ASSERT_TRUE(kept.ok());
  ASSERT_EQ(kept->size(), 3u);
  EXPECT_EQ(kept->back().second.find("13812348000"), std::string::npos) << kept->back().second;
  EXPECT_NE(kept->back().second.find("138****8000"), std::string::npos) << kept->back().second;

  OutcomeRequest r;
  r.answerId = a.answerId;
  r.component = "PUMP";
  r.fix = "FX-NEW";
  r.worked = true;
  Outcome o;
  handler_->RecordOutcome(o, r, "ann");
  EXPECT_EQ(o.caseId, a.answerId);
  EXPECT_EQ(o.outcomeId, a.answerId + "#ann");
  Record(a.answerId, "PUMP", "FX-NEW", true, "bob");  // on the case it became, by its id
  handler_->RecordOutcome(o, r, "ann");               // the answer again: the same case
  CaseView v;
  handler_->getCase(v, a.answerId);
  EXPECT_EQ(v.product, "AC-1");
  EXPECT_EQ(v.assetSerial, "S9");
  EXPECT_EQ(v.symptomText, q.text);
  EXPECT_EQ(v.faultCodes, std::vector<std::string>{"E4"});
  EXPECT_EQ(v.outcomes.size(), 2u);

  // What it refuses: a made-up or altered id, both ids, none.
  OutcomeRequest bad = r;
  bad.answerId = "A999999-00000000";
  ExpectRefused(bad, "answerId", "not kept");
  bad.answerId =
      a.answerId.substr(0, a.answerId.size() - 1) + (a.answerId.back() == '0' ? "1" : "0");
  ExpectRefused(bad, "answerId", "check does not match");
  bad.answerId = "C1";
  ExpectRefused(bad, "answerId", "looks like");
  bad = r;
  bad.caseId = "C1";
  ExpectRefused(bad, "answerId", "not both");
  bad = r;
  bad.answerId.clear();
  ExpectRefused(bad, "caseId", "answerId");
}

TEST_F(OutcomeApiTest, FixSuccessRatesFollowOutcomes) {
  auto before = Fixes();
  ASSERT_TRUE(before.count("FX-COMP"));
  EXPECT_EQ(before["FX-COMP"].attempts, 4);
  EXPECT_EQ(before["FX-COMP"].repeats, 0);
  EXPECT_DOUBLE_EQ(before["FX-COMP"].successRate, 1.0);
  EXPECT_FALSE(before.count("FX-NEW"));

  // The fix the case applied did not hold: the same attempt, failed.
  Record("C1", "COMP", "FX-COMP", false);
  // No component named: the verdict is on the case's own diagnosis.
  Record("C2", "", "FX-COMP", false);
  // A fix the case did not list: a new attempt, here one that held.
  Record("C3", "COMP", "FX-NEW", true);
  auto after = Fixes();
  EXPECT_EQ(after["FX-COMP"].attempts, 4);
  EXPECT_EQ(after["FX-COMP"].repeats, 2);
  EXPECT_DOUBLE_EQ(after["FX-COMP"].successRate, 0.5);
  EXPECT_LT(after["FX-COMP"].score, before["FX-COMP"].score);
  ASSERT_TRUE(after.count("FX-NEW"));
  EXPECT_EQ(after["FX-NEW"].attempts, 1);
  EXPECT_EQ(after["FX-NEW"].repeats, 0);
  EXPECT_EQ(after["FX-NEW"].title, "Replace the capillary");

  // Revised to "held" and retracted: back where it was.
  Record("C1", "COMP", "FX-COMP", true);
  Record("C2", "", "", false, "ann", /*retract=*/true);
  Record("C3", "", "", false, "ann", /*retract=*/true);
  auto restored = Fixes();
  EXPECT_EQ(restored["FX-COMP"].attempts, 4);
  EXPECT_EQ(restored["FX-COMP"].repeats, 0);
  EXPECT_FALSE(restored.count("FX-NEW"));
}

}  // namespace
}  // namespace faultgraph::api
