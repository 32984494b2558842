#include "api/cli_reason.h"

#include <gtest/gtest.h>

#include "api/cli_messages.h"
#include "connectors/limits.h"
#include "ingest/time_parse.h"

namespace faultgraph::cli {
namespace {

class CliReason : public ::testing::Test {
 protected:
  void TearDown() override { SetLang(Lang::kEn); }
};

TEST_F(CliReason, EnglishIsAsStored) {
  SetLang(Lang::kEn);
  EXPECT_EQ(ReasonText("column 'cost': 'abc' is not a number"),
            "column 'cost': 'abc' is not a number");
}

TEST_F(CliReason, ClausesAreReadOneByOneAndNamesAndValuesStay) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(ReasonText("column 'cost': 'abc' is not a number"), "列 'cost'：'abc' 不是数字");
  EXPECT_EQ(ReasonText("field 'opened': '2024-13-45' does not match date format '%Y-%m-%d'"),
            "字段 'opened'：'2024-13-45' 不符合日期格式 '%Y-%m-%d'");
  EXPECT_EQ(ReasonText("required field 'case_id' is empty"), "必填字段 'case_id' 为空");
  EXPECT_EQ(ReasonText("expected 7 columns (as in the header), found 5"),
            "应有 7 列（与表头相同），实有 5 列");
  EXPECT_EQ(ReasonText("the case 'T1' of the outcome is not in the graph (load the case first, "
                       "then retry the outcome)"),
            "结果所属的案例 'T1' 不在图中（请先加载该案例，再重试该结果）");
  // A clause of no known form stays as written, inside a known one.
  EXPECT_EQ(ReasonText("column '费用': something new went wrong"),
            "列 '费用'：something new went wrong");
  EXPECT_EQ(ReasonText("something new went wrong"), "something new went wrong");
}

TEST_F(CliReason, TheSentencesIngestWritesAreKnown) {
  SetLang(Lang::kZhCN);
  // Made by the code that writes them, so that a reworded message fails here.
  auto not_a_date = ingest::ParseTime("yesterday", "");
  ASSERT_FALSE(not_a_date.ok());
  EXPECT_EQ(ReasonText("column 'opened': " + not_a_date.status().message()),
            "列 'opened'：'yesterday' 不是日期（应为 ISO 8601，如 2024-03-01 或 2024-03-01 "
            "14:30:00，或在映射中设置格式）");
  auto bad_format = ingest::ParseTime("2024/01/02", "%d.%m.%Y");
  ASSERT_FALSE(bad_format.ok());
  EXPECT_EQ(ReasonText(bad_format.status().message()), "'2024/01/02' 不符合日期格式 '%d.%m.%Y'");
  EXPECT_EQ(ReasonText("column 'notes': " +
                       connectors::OverLimit("field", 70000, "max_field_bytes", 65536)),
            "列 'notes'：字段长 70000 字节，超过 max_field_bytes = 65536");
}

TEST_F(CliReason, TheServersNotFoundMessages) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(ReasonText("no case 't9' in the graph"), "图中没有案例 't9'");
  EXPECT_EQ(ReasonText("no asset 'XX123': no installed-base record, case, call or alarm has that "
                       "serial"),
            "没有设备 'XX123'：没有在用设备记录、案例、来电或告警带有这个序列号");
  EXPECT_EQ(
      ReasonText("no CAUSED_BY edge out of 'E4': a fault code's symptom is named with its "
                 "family or product; did you mean AC:E4 (1 case)?"),
      "没有从 'E4' 出发的 CAUSED_BY 边：故障码的症状以其系列或产品命名；您要找的是否是 AC:E4 (1 "
      "case)？");
}

TEST_F(CliReason, AConnectorsFilesProblemsLineByLine) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(ReasonText("c.toml: 2 problems:\n"
                       "c.toml:18: password_file of connector 'crm' /etc/crm.password does not "
                       "exist\n"
                       "c.toml:40: something else"),
            "c.toml：2 个问题：\n"
            "c.toml:18: 连接器 'crm' 的 password_file /etc/crm.password 不存在\n"
            "c.toml:40: something else");
}

TEST_F(CliReason, ATomlFilesSyntax) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(
      ReasonText("c.toml:2:10: a string is not closed on its line: a closing '\"' is missing"),
      "c.toml:2:10: 字符串没有在本行结束：缺少结尾的 '\"'");
}

TEST_F(CliReason, ASourcesPosition) {
  SetLang(Lang::kZhCN);
  EXPECT_EQ(ReasonText("ops/sample/crm/fixes.csv byte 1895 of 1895 (line 16)"),
            "ops/sample/crm/fixes.csv 第 1895 字节，共 1895 字节（第 16 行）");
  EXPECT_EQ(ReasonText("message 12 of the spool"), "缓存中第 12 条消息");
}

TEST_F(CliReason, TraditionalChineseConvertsTheSentenceNotTheValues) {
  SetLang(Lang::kZhTW);
  // 'abc数据' is the source's own text and keeps its simplified characters.
  EXPECT_EQ(ReasonText("column '数据': 'abc数据' is not a number"),
            "列 '数据'：'abc数据' 不是數字");
}

TEST_F(CliReason, HostileReasonsNeitherLoopNorGrow) {
  SetLang(Lang::kZhCN);
  std::string nested;
  for (int i = 0; i < 50; ++i) nested += "column 'c': ";
  nested += "'x' is not a number";
  const std::string out = ReasonText(nested);
  EXPECT_LT(out.size(), nested.size() * 2);
  EXPECT_EQ(ReasonText("column '{0}{1}': '{1}' is not a number"), "列 '{0}{1}'：'{1}' 不是数字");
}

}  // namespace
}  // namespace faultgraph::cli
