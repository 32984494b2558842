// rootCause end to end in-process: records in through the pipeline, the
// ranking, its evidence, repeat-aware fix rates, history, and the answers
// for no evidence and bad requests.
#include "diagnosis/root_cause.h"

#include <gtest/gtest.h>

#include "api/handler.h"
#include "common/test_dir.h"

namespace faultgraph::api {
namespace {

constexpr int64_t kDay = 86400LL * 1000;
constexpr int64_t kT0 = 1700000000000LL;

ingest::Record Rec(std::string source, std::string id, ingest::RecordBody body) {
  ingest::Record r;
  r.source = std::move(source);
  r.source_id = std::move(id);
  r.source_version = "1";
  r.body = std::move(body);
  return r;
}

class RootCauseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(graph::GraphStore::Open(dir_.Path("db"))).value();
    auto rules = ingest::TextRules::Parse(R"(
[codes]
AC = ['\b([EFP][0-9]{1,2})\b']
[[symptom]]
id = "no_cooling"
patterns = ["不制冷", "not cooling"]
[[symptom]]
id = "frost"
patterns = ["结霜", "frost"]
)",
                                          "test.toml");
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    rules_ = std::move(rules).value();
    pipeline_ = std::make_unique<ingest::IngestPipeline>(store_.get(), rules_.get());
    std::vector<ingest::Record> recs;
    recs.push_back(Rec("erp", "AC-1", ingest::Product{"AC-1", "AC one", "AC", "", {}}));
    recs.push_back(Rec("erp", "AC-2", ingest::Product{"AC-2", "AC two", "AC", "", {}}));
    recs.push_back(Rec("parts", "COMP", ingest::Component{"COMP", "Compressor 压缩机", ""}));
    recs.push_back(Rec("erp", "L0", ingest::Asset{"L0", "AC-1", kT0 - 30 * kDay, 0, "", ""}));
    // Master data first, as operators load it: cases take their family from it.
    auto master = pipeline_->ApplyRecords("test", "master", std::move(recs), "end");
    ASSERT_TRUE(master.ok()) << master.status().ToString();
    recs.clear();
    int n = 0;
    auto add_case = [&](std::string product, std::string serial, int64_t day, std::string text,
                        std::vector<std::string> codes, std::string comp, std::string fix) {
      ingest::Case c;
      c.case_id = "C" + std::to_string(++n);
      c.product = std::move(product);
      c.asset_serial = std::move(serial);
      c.opened_ms = kT0 + day * kDay;
      c.closed_ms = c.opened_ms + kDay;
      c.symptom_text = std::move(text);
      c.fault_codes = std::move(codes);
      c.failure_cause = comp == "COMP" ? "wear" : comp == "CAP" ? "power surge" : "corrosion";
      c.components = {std::move(comp)};
      c.fixes = {std::move(fix)};
      c.labour_minutes = 60;
      recs.push_back(Rec("crm", c.case_id, c));
    };
    for (int i = 0; i < 12; ++i)
      add_case("AC-1", "S" + std::to_string(i), i, "空调不制冷 E4", {"E4"}, "COMP", "FX-COMP");
    for (int i = 0; i < 3; ++i)
      add_case("AC-1", "K" + std::to_string(i), i, "空调不制冷 E4 外机不启动", {"E4"}, "CAP",
               "FX-CAP");
    // The leak: topping up (FX-REGAS) brings each asset back within days;
    // brazing (FX-LEAK) holds.
    for (int i = 0; i < 6; ++i) {
      std::string serial = "L" + std::to_string(i);
      add_case("AC-1", serial, 100 + i, "内机结霜 制冷效果差", {}, "EVAP", "FX-REGAS");
      add_case("AC-1", serial, 110 + i, "内机结霜 又坏了", {}, "EVAP", "FX-LEAK");
    }
    // Another product of the family: a different picture for E4.
    for (int i = 0; i < 8; ++i)
      add_case("AC-2", "T" + std::to_string(i), i, "not cooling E4", {"E4"}, "CAP", "FX-CAP");
    auto r = pipeline_->ApplyRecords("test", "s", std::move(recs), "end");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto search = SearchService::Open(store_.get(), dir_.Path("index"), /*background=*/false);
    ASSERT_TRUE(search.ok()) << search.status().ToString();
    search_ = std::move(search).value();
    handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), search_.get());
  }

  RootCauseAnswer Ask(const std::string& product, const std::string& text,
                      std::vector<std::string> codes = {}, const std::string& serial = "",
                      int64_t as_of = 0) {
    RootCauseRequest req;
    req.product = product;
    req.text = text;
    req.faultCodes = std::move(codes);
    req.serial = serial;
    req.topK = 3;
    req.asOfMs = as_of;
    RootCauseAnswer a;
    handler_->rootCause(a, req);
    return a;
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
  std::unique_ptr<ingest::TextRules> rules_;
  std::unique_ptr<ingest::IngestPipeline> pipeline_;
  std::unique_ptr<SearchService> search_;
  std::unique_ptr<Handler> handler_;
};

const ComponentCandidate* Find(const RootCauseAnswer& a, const std::string& component) {
  for (const auto& c : a.components)
    if (c.component == component) return &c;
  return nullptr;
}

// Causes over the answer: the similar cases' causes and each component's,
// by its probability, with the cases behind them.
TEST_F(RootCauseTest, CausesAreRankedOverTheAnswersComponents) {
  RootCauseAnswer a = Ask("AC-1", "空调不制冷", {"E4"});
  ASSERT_GE(a.causes.size(), 2u);
  EXPECT_EQ(a.causes[0].cause, "wear");  // COMP's, the likeliest component
  EXPECT_EQ(a.causes[0].cases, 12);
  double sum = 0;
  for (const auto& k : a.causes) sum += k.probability;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_GT(a.causes[0].similarCases, 0);  // the similar cases' causes vote too
  RootCauseAnswer frost = Ask("AC-1", "内机结霜");
  ASSERT_FALSE(frost.causes.empty());
  EXPECT_EQ(frost.causes[0].cause, "corrosion");  // EVAP's
  EXPECT_EQ(frost.causes[0].similarCases, 12);    // its 12 frost cases
}

// A component the text names (its id, or either language of its name)
// weighs more than the same evidence without the mention, and says so.
TEST_F(RootCauseTest, AComponentTheTextNamesIsRaisedAndMarked) {
  RootCauseAnswer plain = Ask("AC-1", "空调不制冷", {"E4"});
  RootCauseAnswer named = Ask("AC-1", "空调不制冷 cap", {"E4"});
  ASSERT_NE(Find(plain, "CAP"), nullptr);
  ASSERT_NE(Find(named, "CAP"), nullptr);
  EXPECT_EQ(Find(plain, "CAP")->namedInText, 0.0);
  EXPECT_EQ(Find(named, "CAP")->namedInText, 1.0);
  EXPECT_GT(Find(named, "CAP")->probability, 1.5 * Find(plain, "CAP")->probability);
  EXPECT_EQ(Find(named, "COMP")->namedInText, 0.0);

  RootCauseAnswer zh = Ask("AC-1", "內機結霜 壓縮機");  // traditional: 压缩机
  ASSERT_NE(Find(zh, "COMP"), nullptr);
  EXPECT_EQ(Find(zh, "COMP")->namedInText, 1.0);
  EXPECT_EQ(Find(zh, "EVAP")->namedInText, 0.0);
}

TEST_F(RootCauseTest, RanksByTheProductsEvidenceAndShowsIt) {
  RootCauseAnswer a = Ask("AC-1", "空调不制冷", {"e4"});
  ASSERT_GE(a.components.size(), 2u);
  EXPECT_TRUE(a.productKnown);
  EXPECT_EQ(a.family, "AC");
  EXPECT_NE(std::find(a.symptoms.begin(), a.symptoms.end(), "AC:E4"), a.symptoms.end());
  const auto& top = a.components[0];
  EXPECT_EQ(top.component, "COMP");
  EXPECT_EQ(top.name, "Compressor 压缩机");
  EXPECT_GT(top.probability, a.components[1].probability);
  bool saw_e4 = false;
  for (const auto& e : top.evidence) {
    if (e.symptom != "AC:E4") continue;
    saw_e4 = true;
    EXPECT_EQ(e.scope, "product");
    EXPECT_EQ(e.count, 12);
    EXPECT_EQ(e.total, 15);
  }
  EXPECT_TRUE(saw_e4);
  EXPECT_EQ(top.cases, 12);
  ASSERT_FALSE(top.supporting.empty());
  EXPECT_EQ(top.supporting[0].caseId.substr(0, 1), "C");
  ASSERT_EQ(top.fixes.size(), 1u);
  EXPECT_EQ(top.fixes[0].fix, "FX-COMP");
  EXPECT_EQ(top.fixes[0].medianLabourMinutes, 60);

  // On AC-2 the same code points at the capacitor.
  RootCauseAnswer b = Ask("AC-2", "not cooling", {"E4"});
  ASSERT_FALSE(b.components.empty());
  EXPECT_EQ(b.components[0].component, "CAP");
}

TEST_F(RootCauseTest, FixThatBringsTheAssetBackRanksBelowTheOneThatHolds) {
  RootCauseAnswer a = Ask("AC-1", "内机结霜");
  ASSERT_FALSE(a.components.empty());
  const auto& top = a.components[0];
  EXPECT_EQ(top.component, "EVAP");
  ASSERT_EQ(top.fixes.size(), 2u);
  EXPECT_EQ(top.fixes[0].fix, "FX-LEAK");
  EXPECT_DOUBLE_EQ(top.fixes[0].successRate, 1.0);
  EXPECT_EQ(top.fixes[1].fix, "FX-REGAS");
  EXPECT_EQ(top.fixes[1].attempts, 6);
  EXPECT_EQ(top.fixes[1].repeats, 6);
  EXPECT_DOUBLE_EQ(top.fixes[1].successRate, 0.0);
}

TEST_F(RootCauseTest, TheAssetsOwnHistoryRaisesItsRecentComponent) {
  // L0 had the leak cases on days 100 and 110; ask as of day 120 with a
  // text that alone points at the compressor.
  RootCauseAnswer plain = Ask("AC-1", "空调不制冷", {}, "", kT0 + 120 * kDay);
  RootCauseAnswer with = Ask("AC-1", "空调不制冷", {}, "L0", kT0 + 120 * kDay);
  auto prob = [](const RootCauseAnswer& a, const std::string& c) {
    for (const auto& x : a.components)
      if (x.component == c) return x.probability;
    return 0.0;
  };
  EXPECT_GT(prob(with, "EVAP"), prob(plain, "EVAP"));
  ASSERT_FALSE(with.history.empty());
  EXPECT_EQ(with.history.back().kind, "case");
  bool noted = false;
  for (const auto& c : with.components) noted |= !c.historyNote.empty() && c.component == "EVAP";
  EXPECT_TRUE(noted);
}

TEST_F(RootCauseTest, NoEvidenceIsAnAnswerThatSaysSo) {
  RootCauseAnswer a = Ask("XX-9", "");
  EXPECT_FALSE(a.productKnown);
  EXPECT_TRUE(a.components.empty());
  ASSERT_GE(a.notes.size(), 2u);
  std::string all;
  for (const auto& n : a.notes) all += n + "\n";
  EXPECT_NE(all.find("unknown product 'XX-9'"), std::string::npos) << all;
  EXPECT_NE(all.find("no evidence"), std::string::npos) << all;

  // A known product and an unmatched text: the base rate, said to be one.
  RootCauseAnswer b = Ask("AC-1", "zzzz qqqq");
  ASSERT_FALSE(b.components.empty());
  std::string notes;
  for (const auto& n : b.notes) notes += n + "\n";
  EXPECT_NE(notes.find("base rate"), std::string::npos) << notes;
}

std::string AllNotes(const RootCauseAnswer& a) {
  std::string all;
  for (const auto& n : a.notes) all += n + "\n";
  return all;
}

bool HasSymptom(const RootCauseAnswer& a, const std::string& s) {
  return std::find(a.symptoms.begin(), a.symptoms.end(), s) != a.symptoms.end();
}

// Full-width codes typed in the codes field are the codes the text and
// search fold them to.
TEST_F(RootCauseTest, FullWidthCodesAreReadAsTheCodesTheyFoldTo) {
  for (std::string code : {"Ｅ４", "ｅ４", " e4 "}) {
    RootCauseAnswer a = Ask("AC-1", "空调不制冷", {code});
    EXPECT_TRUE(HasSymptom(a, "AC:E4")) << code << "\n" << AllNotes(a);
    ASSERT_FALSE(a.components.empty());
    EXPECT_EQ(a.components[0].component, "COMP") << code;
  }
}

// A product typed in another case is the known product, and the answer
// says how it read it; an unknown one is said to be unknown and does not
// make symptoms of its own.
TEST_F(RootCauseTest, ProductIsMatchedAsTypedAndAnUnknownOneIsSaidToBe) {
  RootCauseAnswer a = Ask("ac-1", "空调不制冷", {"E4"});
  EXPECT_EQ(a.product, "AC-1");
  EXPECT_TRUE(a.productKnown);
  EXPECT_EQ(a.family, "AC");
  EXPECT_TRUE(HasSymptom(a, "AC:E4")) << AllNotes(a);
  EXPECT_NE(AllNotes(a).find("'ac-1' read as 'AC-1'"), std::string::npos) << AllNotes(a);
  ASSERT_FALSE(a.components.empty());
  EXPECT_EQ(a.components[0].component, "COMP");  // AC-1's evidence, not AC-2's

  RootCauseAnswer u = Ask("zz-9", "display E4");
  EXPECT_FALSE(u.productKnown);
  EXPECT_NE(AllNotes(u).find("unknown product 'zz-9'"), std::string::npos) << AllNotes(u);
  for (const auto& s : u.symptoms) EXPECT_EQ(s.find("zz-9"), std::string::npos) << s;
  EXPECT_TRUE(HasSymptom(u, "AC:E4")) << AllNotes(u);
}

// With no product, a code in the text is read in the family whose cases
// know it, and the answer says so.
TEST_F(RootCauseTest, ACodeWithoutAProductIsReadInTheFamilyThatKnowsIt) {
  RootCauseAnswer a = Ask("", "display shows E4");
  EXPECT_TRUE(HasSymptom(a, "AC:E4")) << AllNotes(a);
  EXPECT_NE(AllNotes(a).find("read as AC:E4"), std::string::npos) << AllNotes(a);
  ASSERT_FALSE(a.components.empty());
  EXPECT_GT(a.components[0].fromSymptoms, 0.0);

  RootCauseAnswer none = Ask("", "display shows E9");
  EXPECT_FALSE(HasSymptom(none, "E9"));
  EXPECT_NE(AllNotes(none).find("fault code E9 has no diagnosed past case"), std::string::npos)
      << AllNotes(none);
}

// Notes are about the answer given: nothing else points anywhere, but the
// asset's own history ranks a component, so "no component is ranked" is
// not said.
TEST_F(RootCauseTest, NotesAgreeWithTheRankedComponents) {
  RootCauseAnswer a = Ask("", "", {}, "L0", kT0 + 120 * kDay);
  ASSERT_FALSE(a.components.empty());
  EXPECT_EQ(a.components[0].component, "EVAP");
  EXPECT_EQ(AllNotes(a).find("no component is ranked"), std::string::npos) << AllNotes(a);
  EXPECT_NE(AllNotes(a).find("own recent cases only"), std::string::npos) << AllNotes(a);

  RootCauseAnswer none = Ask("", "", {}, "", kT0 + 120 * kDay);
  EXPECT_TRUE(none.components.empty());
  EXPECT_NE(AllNotes(none).find("no component is ranked"), std::string::npos) << AllNotes(none);
}

// Supporting cases: the most similar first, ties the newest first, then
// the latest diagnosed ones.
TEST_F(RootCauseTest, SupportingCasesAreMostSimilarFirst) {
  diagnosis::RootCauseRanker ranker(store_.get());
  diagnosis::RootCauseQuery q;
  q.product = "AC-1";
  q.near_cases = {
      {"C1", 0.5, {"COMP"}, "", ""}, {"C2", 0.9, {"COMP"}, "", ""}, {"C3", 0.9, {"COMP"}, "", ""}};
  auto a = ranker.Rank(q);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_FALSE(a->components.empty());
  const auto& sup = a->components[0].supporting;
  ASSERT_EQ(sup.size(), 5u);
  EXPECT_EQ(sup[0].case_id, "C3");  // as similar as C2, opened a day later
  EXPECT_EQ(sup[1].case_id, "C2");
  EXPECT_EQ(sup[2].case_id, "C1");
  EXPECT_EQ(sup[3].case_id, "C12");  // then the latest diagnosed
  EXPECT_EQ(sup[4].case_id, "C11");

  // Through the API, on what search finds: the same order.
  RootCauseAnswer b = Ask("AC-1", "空调不制冷", {"E4"});
  for (const auto& c : b.components) {
    for (size_t i = 1; i < c.supporting.size(); ++i) {
      const auto& x = c.supporting[i - 1];
      const auto& y = c.supporting[i];
      EXPECT_TRUE(x.similarity > y.similarity ||
                  (x.similarity == y.similarity && x.openedMs >= y.openedMs))
          << c.component << ": " << x.caseId << " before " << y.caseId;
    }
  }
}

// A component's cause counts add up to its cases, or the answer says why not.
TEST_F(RootCauseTest, CauseCountsThatDoNotAddUpAreExplained) {
  std::vector<ingest::Record> recs;
  recs.push_back(Rec("erp", "WM-1", ingest::Product{"WM-1", "WM one", "WM", "", {}}));
  ASSERT_TRUE(pipeline_->ApplyRecords("test", "master2", std::move(recs), "end").ok());
  recs.clear();
  for (int i = 0; i < 5; ++i) {
    ingest::Case c;
    c.case_id = "W" + std::to_string(i);
    c.product = "WM-1";
    c.opened_ms = kT0 + i * kDay;
    c.symptom_text = "洗衣机不排水";
    c.failure_cause = i < 3 ? "clog" : "";  // two without a recorded cause
    c.components = {"PUMP"};
    c.fixes = {"FX-PUMP"};
    recs.push_back(Rec("crm", c.case_id, c));
  }
  ASSERT_TRUE(pipeline_->ApplyRecords("test", "s2", std::move(recs), "end").ok());
  RootCauseAnswer a = Ask("WM-1", "zzzz");  // the base rate: PUMP
  const ComponentCandidate* pump = Find(a, "PUMP");
  ASSERT_NE(pump, nullptr);
  EXPECT_EQ(pump->cases, 5);
  ASSERT_EQ(pump->causes.size(), 1u);
  EXPECT_EQ(pump->causes[0].count, 3);
  EXPECT_NE(AllNotes(a).find("no recorded cause for 2 of PUMP's 5 cases"), std::string::npos)
      << AllNotes(a);

  RootCauseAnswer full = Ask("AC-1", "空调不制冷", {"E4"});  // every case has a cause
  EXPECT_EQ(AllNotes(full).find("no recorded cause"), std::string::npos) << AllNotes(full);
}

// A product with a bill of materials is never answered with a part outside
// it that never failed on it (here the family's E4 evidence points at the
// compressor, which AC-2 does not have), and the answer says so.
TEST_F(RootCauseTest, PartsOutsideTheProductsBomAreNotRanked) {
  ASSERT_NE(Find(Ask("AC-2", "not cooling E4", {"E4"}), "COMP"), nullptr);  // no BOM yet
  std::vector<ingest::Record> bom;
  bom.push_back(Rec("erp", "AC-2/CAP", ingest::BomLine{"AC-2", "CAP", 1}));
  bom.push_back(Rec("erp", "AC-2/FAN", ingest::BomLine{"AC-2", "FAN", 1}));
  ASSERT_TRUE(pipeline_->ApplyRecords("erp", "bom", std::move(bom), "end").ok());
  handler_ = std::make_unique<Handler>(store_.get(), pipeline_.get(), search_.get());

  RootCauseAnswer a = Ask("AC-2", "not cooling E4", {"E4"});
  ASSERT_FALSE(a.components.empty());
  EXPECT_EQ(a.components[0].component, "CAP");
  EXPECT_EQ(Find(a, "COMP"), nullptr);
  bool said = false;
  for (const auto& n : a.notes) said |= n.find("outside AC-2's bill of materials") != std::string::npos;
  EXPECT_TRUE(said) << ::testing::PrintToString(a.notes);
  // AC-1 has no BOM: its compressor stays first.
  EXPECT_EQ(Ask("AC-1", "空调不制冷 E4", {"E4"}).components[0].component, "COMP");
}

TEST_F(RootCauseTest, BadRequestsNameTheField) {
  RootCauseRequest req;
  req.product = "AC-1";
  req.text = "x";
  req.topK = 0;
  RootCauseAnswer a;
  try {
    handler_->rootCause(a, req);
    FAIL() << "topK 0 accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "topK");
  }
  req.topK = 3;
  req.text = std::string(9000, 'a');
  try {
    handler_->rootCause(a, req);
    FAIL() << "9000-byte text accepted";
  } catch (const BadRequest& e) {
    EXPECT_EQ(e.field, "text");
  }
}

}  // namespace
}  // namespace faultgraph::api
