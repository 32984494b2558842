// Outcomes through the pipeline: exactly once, what they count (and what
// they do not count twice), revisions, retractions and dead letters.
#include <gtest/gtest.h>

#include <map>

#include "common/test_dir.h"
#include "graph/counter_merge.h"
#include "graph/graph_store.h"
#include "ingest/pipeline.h"

namespace faultgraph::ingest {
namespace {

using graph::Cf;
using graph::EdgeType;
namespace keys = graph::keys;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'709'303'400'000;  // 2024-03-01

class OutcomeTest : public ::testing::Test {
 protected:
  std::unique_ptr<graph::GraphStore> OpenWithCase(const std::string& name) {
    auto r = graph::GraphStore::Open(dir_.Path(name));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    auto store = std::move(r).value();
    IngestPipeline p(store.get());
    std::vector<Record> master;
    master.push_back({"erp", "AC-200", "1", Product{"AC-200", "AC two hundred", "AC", "", {}}});
    master.push_back({"erp", "SN-1", "1", Asset{"SN-1", "AC-200", kT0 - 60 * kDay, 0, "K1", "N"}});
    EXPECT_TRUE(p.ApplyRecords("erp", "m", std::move(master), "1").ok());
    Case c;
    c.case_id = "T1";
    c.asset_serial = "SN-1";
    c.opened_ms = kT0;
    c.closed_ms = kT0 + kDay;
    c.symptom_text = "不制冷";
    c.fault_codes = {"E4"};
    c.components = {"COMP"};
    c.fixes = {"FX-A"};
    EXPECT_TRUE(p.ApplyRecords("crm", "s", {Record{"crm", "T1", "1", c}}, "1").ok());
    return store;
  }

  static Record MakeOutcome(const std::string& version, const std::string& component,
                            const std::string& fix, bool worked, int64_t time_ms = kT0 + 2 * kDay,
                            bool retracted = false) {
    Outcome o;
    o.outcome_id = "O1";
    o.case_ref = "T1";
    o.component = component;
    o.fix = fix;
    o.worked = worked;
    o.note = "call me 13812348000";
    o.time_ms = time_ms;
    o.by = "ann";
    o.retracted = retracted;
    return Record{"outcomes", "O1", version, o};
  }

  static BatchStats Apply(graph::GraphStore* store, Record r) {
    IngestPipeline p(store);
    auto s = p.ApplyRecords("outcomes", "api", {std::move(r)}, "api");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : BatchStats{};
  }

  static uint64_t Count(const graph::GraphStore& store, Cf cf, const std::string& key) {
    auto n = store.GetCount(cf, key);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : 0;
  }

  // Everything records contribute besides their own documents: counters
  // (not those retracted to zero), the case CF's indexes and the facts.
  static std::map<std::string, std::string> Contributions(const graph::GraphStore& store) {
    std::map<std::string, std::string> out;
    for (Cf cf : {Cf::kEdge, Cf::kRedge, Cf::kCounter, Cf::kBucket, Cf::kCase, Cf::kFact}) {
      auto rows = store.ScanRaw(cf, "", SIZE_MAX, false);
      EXPECT_TRUE(rows.ok()) << rows.status().ToString();
      if (!rows.ok()) continue;
      for (const auto& [k, v] : *rows) {
        if (graph::CfIsCounter(cf) && graph::DecodeCounter(v) == 0) continue;
        if (cf == Cf::kCase && !k.empty() && (k[0] == 'E' || k[0] == 'C')) continue;  // documents
        out[std::string(graph::CfName(cf)) + ":" + k] = v;
      }
    }
    return out;
  }

  static std::vector<graph::ComponentCase> Entries(const graph::GraphStore& store,
                                                   const std::string& component) {
    std::vector<graph::ComponentCase> out;
    EXPECT_TRUE(store
                    .ForEachComponentCase("AC-200", component,
                                          [&](const graph::ComponentCase& c) {
                                            out.push_back(c);
                                            return true;
                                          })
                    .ok());
    return out;
  }

  TestDir dir_;
};

TEST_F(OutcomeTest, ApplyingTheSameOutcomeTwiceChangesNothing) {
  auto store = OpenWithCase("db");
  EXPECT_EQ(Apply(store.get(), MakeOutcome("100", "FAN", "FX-B", false)).applied, 1);
  auto before = store->Digest();
  ASSERT_TRUE(before.ok());
  auto again = Apply(store.get(), MakeOutcome("100", "FAN", "FX-B", false));
  EXPECT_EQ(again.applied, 0);
  EXPECT_EQ(again.skipped, 1);
  EXPECT_EQ(store->Digest()->hex, before->hex);
  EXPECT_EQ(
      Count(*store, Cf::kCounter, keys::Counter(graph::kComponentCasesCounter, "AC-200", "FAN")),
      1u);
}

TEST_F(OutcomeTest, AComponentTheCaseDidNotListCountsAsItsDiagnosis) {
  auto store = OpenWithCase("db");
  const int64_t month = graph::MonthOf(kT0);
  const int64_t cohort = graph::MonthOf(kT0 - 60 * kDay) * 1000 + 2;
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "FAN")), 0u);
  EXPECT_EQ(Apply(store.get(), MakeOutcome("100", "fan", "fx-b", true)).applied, 1);

  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "FAN")), 1u);
  EXPECT_EQ(Count(*store, Cf::kEdge,
                  keys::Edge(EdgeType::kCausedBy, graph::ProductScope("AC-200"), "AC:E4", "FAN")),
            1u);
  EXPECT_EQ(
      Count(*store, Cf::kCounter, keys::Counter(graph::kComponentCasesCounter, "AC-200", "FAN")),
      1u);
  EXPECT_EQ(Count(*store, Cf::kBucket,
                  keys::Bucket(graph::BucketSeries::kFailures, "AC-200", "FAN", month)),
            1u);
  EXPECT_EQ(Count(*store, Cf::kBucket,
                  keys::Bucket(graph::BucketSeries::kCohortFailures, "AC-200", "FAN", cohort)),
            1u);
  // A fix the case did not apply: a new attempt, for the symptom and the part.
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kFixedBy, "*", "AC:E4", "FX-B")), 1u);
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kFixedBy, "*", "FAN", "FX-B")), 1u);
  // The case's own diagnosis is untouched.
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "COMP")), 1u);

  auto e = store->GetEvent("outcome", "O1");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->case_ref, "T1");
  EXPECT_EQ(e->component, "FAN");
  EXPECT_EQ(e->fix, "FX-B");
  EXPECT_TRUE(e->worked);
  EXPECT_EQ(e->recorded_by, "ann");
  EXPECT_EQ(e->asset_serial, "SN-1");
  EXPECT_EQ(e->text, "call me 138****8000");  // PII masked as in tickets
  EXPECT_FALSE(e->retracted);

  auto timeline = store->AssetTimeline("SN-1", 10);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 2u);
  EXPECT_EQ((*timeline)[1].kind, "outcome");
  EXPECT_EQ((*timeline)[1].id, "O1");
  auto listed = store->CaseOutcomes("T1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, "O1");

  auto entries = Entries(*store, "FAN");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].case_id, "T1");
  EXPECT_EQ(entries[0].outcome_id, "O1");
  EXPECT_EQ(entries[0].ref.fixes, (std::vector<std::string>{"FX-B"}));
  EXPECT_TRUE(entries[0].ref.held);
  EXPECT_EQ(entries[0].ref.closed_ms, kT0 + kDay);
}

TEST_F(OutcomeTest, TheCasesOwnComponentAndFixAreNotCountedTwice) {
  auto store = OpenWithCase("db");
  auto before = Contributions(*store);
  EXPECT_EQ(Apply(store.get(), MakeOutcome("100", "COMP", "FX-A", false)).applied, 1);
  EXPECT_EQ(
      Count(*store, Cf::kCounter, keys::Counter(graph::kComponentCasesCounter, "AC-200", "COMP")),
      1u);
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "COMP")), 1u);
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kFixedBy, "*", "AC:E4", "FX-A")), 1u);
  EXPECT_EQ(Count(*store, Cf::kEdge, keys::Edge(EdgeType::kFixedBy, "*", "COMP", "FX-A")), 1u);
  // What it adds is keys, not counts: its entry after the case's own, its
  // fact and timeline entry.
  auto after = Contributions(*store);
  for (const auto& [k, v] : after) {
    if (!before.count(k)) {
      EXPECT_TRUE(k.starts_with("case:") || k.starts_with("fact:")) << k;
    }
  }
  auto entries = Entries(*store, "COMP");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].outcome_id, "");
  EXPECT_EQ(entries[1].outcome_id, "O1");
  EXPECT_FALSE(entries[1].ref.held);
}

TEST_F(OutcomeTest, ARevisionReplacesTheOlderVersion) {
  auto revised = OpenWithCase("revised");
  auto direct = OpenWithCase("direct");
  Apply(revised.get(), MakeOutcome("100", "FAN", "FX-B", true));
  auto v2 = MakeOutcome("200", "VALVE", "FX-A", false, kT0 + 5 * kDay);
  EXPECT_EQ(Apply(revised.get(), v2).applied, 1);
  EXPECT_EQ(Apply(revised.get(), MakeOutcome("150", "FAN", "FX-B", true)).skipped, 1);  // late
  Apply(direct.get(), v2);
  EXPECT_EQ(revised->Digest()->hex, direct->Digest()->hex);
  EXPECT_EQ(
      Count(*revised, Cf::kCounter, keys::Counter(graph::kComponentCasesCounter, "AC-200", "FAN")),
      0u);
  EXPECT_EQ(Count(*revised, Cf::kCounter,
                  keys::Counter(graph::kComponentCasesCounter, "AC-200", "VALVE")),
            1u);
  EXPECT_TRUE(Entries(*revised, "FAN").empty());
  auto listed = revised->CaseOutcomes("T1");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].component, "VALVE");
}

TEST_F(OutcomeTest, ARetractionRemovesEveryContribution) {
  auto store = OpenWithCase("db");
  auto direct = OpenWithCase("direct");
  const auto before = Contributions(*store);
  Apply(store.get(), MakeOutcome("100", "FAN", "FX-B", false));
  ASSERT_NE(Contributions(*store), before);
  auto retraction = MakeOutcome("200", "FAN", "FX-B", false, kT0 + 3 * kDay, /*retracted=*/true);
  EXPECT_EQ(Apply(store.get(), retraction).applied, 1);
  EXPECT_EQ(Contributions(*store), before);
  Apply(direct.get(), retraction);
  EXPECT_EQ(store->Digest()->hex, direct->Digest()->hex);
  // The event stays, marked; nothing lists or counts it.
  auto e = store->GetEvent("outcome", "O1");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->retracted);
  EXPECT_TRUE(store->CaseOutcomes("T1")->empty());
  EXPECT_EQ(store->AssetTimeline("SN-1", 10)->size(), 1u);
  // Recording it again (a newer version) brings it back.
  EXPECT_EQ(Apply(store.get(), MakeOutcome("300", "FAN", "FX-B", false)).applied, 1);
  EXPECT_EQ(store->CaseOutcomes("T1")->size(), 1u);
}

TEST_F(OutcomeTest, AnOutcomeOfAnUnknownCaseIsADeadLetter) {
  auto store = OpenWithCase("db");
  auto before = store->Digest();
  Record r = MakeOutcome("100", "FAN", "FX-B", false);
  std::get<Outcome>(r.body).case_ref = "NOPE";
  auto s = Apply(store.get(), r);
  EXPECT_EQ(s.applied, 0);
  EXPECT_EQ(s.rejected, 1);
  auto dl = store->ListDeadLetters("outcomes", 10);
  ASSERT_TRUE(dl.ok());
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_NE((*dl)[0].reason.find("case 'NOPE' of the outcome is not in the graph"),
            std::string::npos)
      << (*dl)[0].reason;
  EXPECT_TRUE(store->GetEvent("outcome", "O1").status().IsNotFound());

  // From a mapped source: the row as read, at its place; the good row is in.
  SourceBatch batch;
  batch.source = "field_app";
  batch.stream = "file:x";
  for (const auto& [key, ref, offset] : {std::tuple{"J1", "T1", 0}, std::tuple{"J2", "T404", 40}}) {
    RawRecord row;
    row.type = RecordType::kOutcome;
    row.source = "field_app";
    row.source_id = key;
    row.source_version = "1";
    row.fields["case_ref"].text = ref;
    row.fields["component"].text = "FAN";
    row.fields["worked"].text = "yes";
    row.fields["time"].text = "2024-03-03";
    row.position = {"file:x", "jobs.csv", offset / 40 + 2, static_cast<uint64_t>(offset),
                    static_cast<uint64_t>(offset + 40)};
    row.raw = std::string(key) + "," + ref + ",FAN,yes";
    batch.rows.push_back(std::move(row));
  }
  IngestPipeline p(store.get());
  auto mapped = p.Apply(batch);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ(mapped->applied, 1);
  EXPECT_EQ(mapped->rejected, 1);
  dl = store->ListDeadLetters("field_app", 10);
  ASSERT_EQ(dl->size(), 1u);
  EXPECT_EQ((*dl)[0].raw, "J2,T404,FAN,yes");
  EXPECT_EQ((*dl)[0].position, "jobs.csv:3");
  EXPECT_NE((*dl)[0].reason.find("'T404'"), std::string::npos);
  EXPECT_EQ(store->CaseOutcomes("T1")->size(), 1u);
  EXPECT_NE(store->Digest()->hex, before->hex);
}

}  // namespace
}  // namespace faultgraph::ingest
