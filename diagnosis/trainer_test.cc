// What training learns from: the technicians' outcomes label cases.
#include "diagnosis/trainer.h"

#include <gtest/gtest.h>

#include <map>

#include "common/test_dir.h"
#include "ingest/pipeline.h"

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

}  // namespace
}  // namespace faultgraph::diagnosis
