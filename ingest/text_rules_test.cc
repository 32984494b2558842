#include "ingest/text_rules.h"

#include <gtest/gtest.h>

#include "common/test_dir.h"

namespace faultgraph::ingest {

std::unique_ptr<TextRules> ShippedRules() {
  auto r = TextRules::Load(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/config/text_rules.toml");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(TextRules, BilingualSymptomRulesMatchFoldedText) {
  auto rules = ShippedRules();
  EXPECT_EQ(rules->MatchSymptoms(rules->Fold("空调压缩机不制冷，显示E4故障码")),
            (std::vector<std::string>{"no_cooling"}));
  EXPECT_EQ(rules->MatchSymptoms(rules->Fold("壓縮機不製冷 風扇異響")),
            (std::vector<std::string>{"no_cooling", "noise"}));
  EXPECT_EQ(rules->MatchSymptoms(rules->Fold("Unit NOT COOLING and water leaking water")),
            (std::vector<std::string>{"no_cooling", "water_leak"}));
  EXPECT_TRUE(rules->MatchSymptoms(rules->Fold("客户询问保修期")).empty());
}

// Issue 17: symptom ids were shown raw (no_cooling) to Chinese-speaking
// agents; each rule carries its display names.
TEST(TextRules, SymptomRulesCarryTheirDisplayNames) {
  auto rules = ShippedRules();
  EXPECT_EQ(rules->SymptomName("no_cooling", "zh-CN"), "不制冷");
  EXPECT_EQ(rules->SymptomName("no_cooling", "en"), "no cooling");
  EXPECT_EQ(rules->SymptomName("AC:E4", "zh-CN"), "");
  auto r = TextRules::Parse("[[symptom]]\nid = 'x'\nname = 'X'\npatterns = ['x']\n", "r.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("r.toml:3"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("name must be a table"), std::string::npos);
  r = TextRules::Parse("[[symptom]]\nid = 'x'\nname = { fr = 'froid' }\npatterns = ['x']\n",
                       "r.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("name 'fr' must be a non-empty string for en or zh-CN"),
            std::string::npos)
      << r.status().message();
}

// A failure cause recorded as an id reads by its name (issue 17).
TEST(TextRules, CauseNamesFromTheRules) {
  auto rules = ShippedRules();
  EXPECT_EQ(rules->CauseName("winding_short", "zh-CN"), "绕组短路");
  EXPECT_EQ(rules->CauseName("winding_short", "en"), "winding short");
  EXPECT_EQ(rules->CauseName("no_such_cause", "zh-CN"), "");
  EXPECT_EQ(rules->CauseName("no_cooling", "zh-CN"), "");  // a symptom is not a cause

  auto r = TextRules::Parse("[[cause]]\nid = 'wear'\nname = { en = 'wear', zh-CN = '磨损' }\n",
                            "r.toml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->CauseName("wear", "zh-CN"), "磨损");
  EXPECT_EQ((*r)->symptom_rule_count(), 0u);
  for (const auto& [toml, says] : std::vector<std::pair<std::string, std::string>>{
           {"[[cause]]\nname = { en = 'x' }\n", "a [[cause]] needs an 'id'"},
           {"[[cause]]\nid = 'x'\n", "cause 'x' needs a name"},
           {"[[cause]]\nid = 'x'\nname = 'X'\n", "cause 'x' name must be a table"},
           {"[[cause]]\nid = 'x'\nname = { de = 'X' }\n", "name 'de' must be a non-empty"},
           {"cause = 3\n", "cause names are written [[cause]]"}}) {
    r = TextRules::Parse(toml, "r.toml");
    ASSERT_FALSE(r.ok()) << toml;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("r.toml:"), std::string::npos) << r.status().message();
  }
}

TEST(TextRules, CodesPerFamilyAndParts) {
  auto rules = ShippedRules();
  EXPECT_EQ(rules->ExtractCodes("AC", "显示E4故障码, later ERR 12"),
            (std::vector<std::string>{"E4", "12"}));
  EXPECT_EQ(rules->ExtractCodes("WM", "F21 then U3"), (std::vector<std::string>{"F21", "U3"}));
  EXPECT_EQ(rules->ExtractCodes("XX", "code h2"), (std::vector<std::string>{"H2"}));
  EXPECT_EQ(rules->ExtractParts("replaced cap-35uf and COMP-R32A"),
            (std::vector<std::string>{"CAP-35UF", "COMP-R32A"}));
}

TEST(TextRules, BadFilesNameLineAndKey) {
  auto r = TextRules::Parse("[codes]\nAC = ['(E[0-9']\n", "r.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("r.toml:2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("does not compile"), std::string::npos);
  r = TextRules::Parse("[[symptom]]\npatterns = ['x']\n", "r.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("needs an 'id'"), std::string::npos);
  r = TextRules::Parse("[colours]\n", "r.toml");
  EXPECT_NE(r.status().message().find("unknown section 'colours'"), std::string::npos);
  EXPECT_FALSE(TextRules::Load("/nonexistent/rules.toml").ok());
}

// The CLI and the daemon use the shipped file, compiled in, when given none.
TEST(TextRules, ShippedRulesAreTheFileCompiledIn) {
  auto file = ShippedRules();
  auto shipped = TextRules::Shipped();
  EXPECT_GT(shipped->symptom_rule_count(), 0u);
  EXPECT_EQ(shipped->symptom_rule_count(), file->symptom_rule_count());
  EXPECT_EQ(shipped->MatchSymptoms(shipped->Fold("壓縮機不製冷 風扇異響")),
            file->MatchSymptoms(file->Fold("壓縮機不製冷 風扇異響")));
  EXPECT_EQ(shipped->ExtractCodes("AC", "ERR 12"), (std::vector<std::string>{"12"}));
  auto by_default = TextRules::LoadOrShipped("");
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ((*by_default)->symptom_rule_count(), file->symptom_rule_count());
  EXPECT_FALSE(TextRules::LoadOrShipped("/nonexistent/rules.toml").ok());
}

TEST(TextRules, DefaultsMaskPiiAndFindCodes) {
  auto rules = TextRules::Defaults();
  EXPECT_EQ(rules->MaskPii("联系人：李四 13912345678"), "联系人：李* 139****5678");
  EXPECT_EQ(rules->ExtractCodes("AC", "E4"), (std::vector<std::string>{"E4"}));
  EXPECT_EQ(rules->symptom_rule_count(), 0u);
}

}  // namespace faultgraph::ingest
