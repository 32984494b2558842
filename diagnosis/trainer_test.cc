// What training learns from: the technicians' outcomes label cases.
#include "diagnosis/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "common/test_dir.h"
#include "ingest/pipeline.h"
#include "ingest/text_rules.h"

namespace faultgraph::diagnosis {
namespace {

constexpr int64_t kT0 = 1'709'303'400'000;

TEST(LabelledCases, TheTechniciansFindingWinsOverTheTickets) {
  TestDir dir;
  auto store = std::move(graph::GraphStore::Open(dir.Path("db"))).value();
  ingest::IngestPipeline p(store.get());
  std::vector<ingest::Record> cases;
  auto add_case = [&](const std::string& id, std::vector<std::string> components,
                      std::string text = "不制冷") {
    ingest::Case c;
    c.case_id = id;
    c.product = "AC-1";
    c.opened_ms = kT0;
    c.symptom_text = std::move(text);
    c.components = std::move(components);
    cases.push_back({"crm", id, "1", c});
  };
  add_case("T1", {"COMP"});      // the ticket says COMP, the technician found FAN
  add_case("T2", {});            // no diagnosis on the ticket: the outcome gives one
  add_case("T3", {"COMP"});      // its outcome was retracted: the ticket's label
  add_case("T4", {"COMP"});      // two outcomes: the one whose fix held
  add_case("T5", {"COMP"});      // an outcome naming no component: the ticket's
  add_case("T6", {});            // nothing at all: not a training case
  add_case("T7", {"FAN"}, " ");  // no text: not a training case
  ASSERT_TRUE(p.ApplyRecords("crm", "s", std::move(cases), "1").ok());

  std::vector<ingest::Record> outcomes;
  auto add_outcome = [&](const std::string& id, const std::string& case_ref,
                         const std::string& component, bool worked, bool retracted = false) {
    ingest::Outcome o;
    o.outcome_id = id;
    o.case_ref = case_ref;
    o.component = component;
    o.fix = component.empty() ? "FX-1" : "";
    o.worked = worked;
    o.time_ms = kT0 + 1000;
    o.retracted = retracted;
    outcomes.push_back({"outcomes", id, "1", o});
  };
  add_outcome("O1", "T1", "FAN", true);
  add_outcome("O2", "T2", "VALVE", false);
  add_outcome("O3", "T3", "FAN", true, /*retracted=*/true);
  add_outcome("O4a", "T4", "FAN", false);
  add_outcome("O4b", "T4", "VALVE", true);
  add_outcome("O5", "T5", "", false);
  add_outcome("O7", "T7", "VALVE", true);
  auto applied = p.ApplyRecords("outcomes", "api", std::move(outcomes), "api");
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->applied, 7);

  auto labelled = LabelledCases(*store);
  ASSERT_TRUE(labelled.ok()) << labelled.status().ToString();
  std::map<std::string, std::pair<std::vector<std::string>, bool>> got;
  for (const auto& l : *labelled) got[l.case_id] = {l.components, l.by_outcome};
  using Labels = std::vector<std::string>;
  std::map<std::string, std::pair<Labels, bool>> want = {{"T1", {{"FAN"}, true}},
                                                         {"T2", {{"VALVE"}, true}},
                                                         {"T3", {{"COMP"}, false}},
                                                         {"T4", {{"VALVE"}, true}},
                                                         {"T5", {{"COMP"}, false}}};
  EXPECT_EQ(got, want);
}

// A case's fixes label it only when they held: the asset did not come
// back with the component within the window, and no outcome says otherwise.
TEST(LabelledCases, FixesLabelACaseOnlyWhenTheyHeld) {
  TestDir dir;
  auto store = std::move(graph::GraphStore::Open(dir.Path("db"))).value();
  ingest::IngestPipeline p(store.get());
  constexpr int64_t kDay = 86'400'000;
  std::vector<ingest::Record> cases;
  auto add_case = [&](const std::string& id, const std::string& asset, int64_t day,
                      std::string component, std::vector<std::string> fixes) {
    ingest::Case c;
    c.case_id = id;
    c.asset_serial = asset;
    c.product = "AC-1";
    c.opened_ms = kT0 + day * kDay;
    c.closed_ms = c.opened_ms + kDay;
    c.symptom_text = "不制冷";
    c.components = {std::move(component)};
    c.fixes = std::move(fixes);
    cases.push_back({"crm", id, "1", c});
  };
  add_case("T1", "S1", 0, "COMP", {"FX-A"});   // back with COMP 10 days later: failed
  add_case("T2", "S1", 10, "COMP", {"FX-B"});  // held
  add_case("T3", "S2", 0, "COMP", {"FX-A"});   // back 60 days later: held
  add_case("T4", "S2", 60, "FAN", {"FX-C"});   // another component: T3's fix still held
  add_case("T5", "S3", 0, "COMP", {"FX-A"});   // an outcome says it failed
  add_case("T6", "S4", 0, "COMP", {});         // an outcome's fix held
  ASSERT_TRUE(p.ApplyRecords("crm", "s", std::move(cases), "1").ok());
  std::vector<ingest::Record> outcomes;
  auto add_outcome = [&](const std::string& id, const std::string& case_ref,
                         const std::string& fix, bool worked) {
    ingest::Outcome o;
    o.outcome_id = id;
    o.case_ref = case_ref;
    o.fix = fix;
    o.worked = worked;
    o.time_ms = kT0 + 2 * kDay;
    outcomes.push_back({"outcomes", id, "1", o});
  };
  add_outcome("O5", "T5", "FX-A", false);
  add_outcome("O6", "T6", "FX-D", true);
  ASSERT_TRUE(p.ApplyRecords("outcomes", "api", std::move(outcomes), "api").ok());

  auto labelled = LabelledCases(*store);
  ASSERT_TRUE(labelled.ok()) << labelled.status().ToString();
  std::map<std::string, std::vector<std::string>> got;
  for (const auto& l : *labelled) got[l.case_id] = l.fixes;
  std::map<std::string, std::vector<std::string>> want = {
      {"T1", {}}, {"T2", {"FX-B"}}, {"T3", {"FX-A"}}, {"T4", {"FX-C"}}, {"T5", {}}, {"T6", {"FX-D"}}};
  EXPECT_EQ(got, want);
}

// The fix model: here every fix of the component held equally often, so
// the success rates cannot order them; what the customer said can.
TEST(TrainModels, FixModelOrdersTheFixesByWhatTheTextTells) {
  TestDir dir;
  auto store = std::move(graph::GraphStore::Open(dir.Path("db"))).value();
  auto rules = ingest::TextRules::Defaults();
  ingest::IngestPipeline p(store.get(), rules.get());
  std::vector<ingest::Record> cases;
  for (int i = 0; i < 120; ++i) {
    ingest::Case c;
    c.case_id = "T" + std::to_string(i);
    c.asset_serial = "S" + std::to_string(i);
    c.product = "AC-1";
    c.opened_ms = kT0 + i;
    const bool again = i % 2 == 0, board = i % 4 < 2;
    c.symptom_text = std::string(board ? "主板 board " : "风扇 fan ") +
                     (again ? "修过了又坏 same problem again after repair 工单"
                            : "新机 首次 不制冷 first failure 工单") +
                     std::to_string(i);
    c.components = {board ? "PCB" : "FAN"};
    c.fixes = {std::string(again ? "REPLACE-" : "RESEAT-") + c.components[0]};
    cases.push_back({"crm", c.case_id, "1", c});
  }
  ASSERT_TRUE(p.ApplyRecords("crm", "s", std::move(cases), "1").ok());
  Diagnoser diagnoser(store.get(), rules.get(), nullptr);
  TrainOptions o;
  o.classifier.bucket = 10'000;
  o.held_back_max = 40;  // two folds of five: each training costs fastText's 120 MB word table
  auto m = TrainModels(*store, diagnoser, *rules, dir.Path("models"), o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_NE((*m)->fix, nullptr);
  EXPECT_EQ((*m)->fix_info.kind, "fix");
  EXPECT_EQ((*m)->fix_info.cases, 120u);
  EXPECT_EQ((*m)->fix_info.labels.size(), 4u);
  EXPECT_GT((*m)->fix_info.mix, 0.0);  // the success rates alone cannot tell
  EXPECT_GT((*m)->fix_info.held_back.blend_top1, 0.9);
  diagnoser.SetModels(*m);
  DiagnoseRequest r;
  r.product = "AC-1";
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"主板 又坏了 same problem again after repair", "REPLACE-PCB"},
           {"board: first failure of a new unit 新机不制冷", "RESEAT-PCB"}}) {
    r.text = text;
    auto a = diagnoser.Diagnose(r);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_FALSE(a->components.empty());
    ASSERT_EQ(a->components[0].component, "PCB");
    ASSERT_EQ(a->components[0].fixes.size(), 2u);
    EXPECT_EQ(a->components[0].fixes[0].fix, want) << text;
    EXPECT_GT(a->components[0].fixes[0].text_fit, 0.5) << text;
  }
  auto loaded = LoadModels(dir.Path("models"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_NE((*loaded)->fix, nullptr);
  EXPECT_EQ((*loaded)->fix_info.mix, (*m)->fix_info.mix);
}

// The failure cause has a model of its own when enough cases record one:
// here the components say nothing about the cause, only the text does.
TEST(TrainModels, CauseModelRanksTheCauseTheTextTells) {
  TestDir dir;
  auto store = std::move(graph::GraphStore::Open(dir.Path("db"))).value();
  auto rules = ingest::TextRules::Defaults();
  ingest::IngestPipeline p(store.get(), rules.get());
  const std::vector<std::pair<std::string, std::string>> kinds = {
      {"雷击后 主板烧毁 lightning strike", "lightning"},
      {"使用多年 绝缘老化 开裂 aged insulation", "aging"},
      {"进水 受潮 短路 water ingress", "moisture"}};
  // Ticket i, as of `version`: with its cause, or revised to none.
  auto ticket = [&](int i, const std::string& version) {
    ingest::Case c;
    c.case_id = "T" + std::to_string(i);
    c.product = "AC-1";
    c.opened_ms = kT0 + i;
    c.symptom_text = kinds[i % 3].first + " 工单" + std::to_string(i);
    c.components = {i % 2 ? "PCB" : "FAN"};
    if (version == "1") c.failure_cause = kinds[i % 3].second;
    return ingest::Record{"crm", c.case_id, version, c};
  };
  std::vector<ingest::Record> cases;
  for (int i = 0; i < 90; ++i) cases.push_back(ticket(i, "1"));
  ASSERT_TRUE(p.ApplyRecords("crm", "s", std::move(cases), "1").ok());
  Diagnoser diagnoser(store.get(), rules.get(), nullptr);
  TrainOptions o;
  o.classifier.bucket = 10'000;
  o.held_back_max = 40;  // two folds of five: each training costs fastText's 120 MB word table
  auto m = TrainModels(*store, diagnoser, *rules, dir.Path("models"), o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_NE((*m)->cause, nullptr);
  EXPECT_EQ((*m)->cause_info.kind, "cause");
  EXPECT_EQ((*m)->cause_info.cases, 90u);
  EXPECT_GT((*m)->cause_info.mix, 0.0);  // the evidence alone cannot tell
  EXPECT_GT((*m)->cause_info.held_back.blend_top1, 0.9);
  diagnoser.SetModels(*m);
  DiagnoseRequest r;
  r.product = "AC-1";
  r.text = "昨晚雷击 主板坏了";
  auto a = diagnoser.Diagnose(r);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_FALSE(a->causes.empty());
  EXPECT_EQ(a->causes[0].cause, "lightning");
  r.text = "water ingress, board shorted";
  a = diagnoser.Diagnose(r);
  ASSERT_TRUE(a.ok() && !a->causes.empty());
  EXPECT_EQ(a->causes[0].cause, "moisture");

  // Loaded again from the folder: the same two models.
  auto loaded = LoadModels(dir.Path("models"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_NE((*loaded)->cause, nullptr);
  EXPECT_EQ((*loaded)->cause_info.mix, (*m)->cause_info.mix);

  // Causes no longer recorded (revised tickets): the next training drops
  // the cause model instead of keeping a stale one.
  std::vector<ingest::Record> revised;
  for (int i = 0; i < 90; ++i) revised.push_back(ticket(i, "2"));
  ASSERT_TRUE(p.ApplyRecords("crm", "s", std::move(revised), "2").ok());
  m = TrainModels(*store, diagnoser, *rules, dir.Path("models"), o);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->cause, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.Path("models") + "/cause.json"));
}

}  // namespace
}  // namespace faultgraph::diagnosis
