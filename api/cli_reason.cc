#include "api/cli_reason.h"

#include <re2/re2.h>

#include <memory>
#include <vector>

#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

// One sentence form. `zh` is the simplified Chinese with {0}, {1}, ... for
// the captures; a capture listed in `clauses` is itself a reason and is read
// out again (a column's or field's own error).
struct Form {
  const char* pattern;
  const char* zh;
  std::vector<int> clauses = {};
};

// The forms written by connectors/ (csv, jsonl, row mapping, limits) and
// ingest/ (record building, time and number parsing, outcomes); more
// specific forms first.
const std::vector<Form>& Forms() {
  static const std::vector<Form> forms = {
      {R"(column '(.*?)' is not in the header \(columns: (.*)\))",
       "表头中没有列 '{0}'（现有列：{1}）"},
      {R"(version column '(.*?)' is empty)", "版本列 '{0}' 为空"},
      {R"(version column '(.*?)': (.*))", "版本列 '{0}'：{1}", {1}},
      {R"(column '(.*?)': (.*))", "列 '{0}'：{1}", {1}},
      {R"(header column (\d+): (.*))", "表头第 {0} 列：{1}", {1}},
      {R"(required field '(.*?)' is empty)", "必填字段 '{0}' 为空"},
      {R"(field '(.*?)' is not valid UTF-8 \(byte (\d+) of the value\))",
       "字段 '{0}' 不是有效的 UTF-8（值的第 {1} 字节）"},
      {R"(field 'closed' is before 'opened')", "字段 'closed' 早于 'opened'"},
      {R"(field '(.*?)': id of (\d+) bytes exceeds (\S+) = (\d+))",
       "字段 '{0}'：id 长 {1} 字节，超过 {2} = {3}"},
      {R"(field '(.*?)': (.*))", "字段 '{0}'：{1}", {1}},
      {R"(unknown field '(.*?)' for a (.*))", "{1} 没有字段 '{0}'"},
      {R"(case needs 'asset_serial' or 'product'; both are empty)",
       "案例需要 'asset_serial' 或 'product'，两者都为空"},
      {R"(sensor event needs 'code' or 'measurement'; both are empty)",
       "传感器事件需要 'code' 或 'measurement'，两者都为空"},
      {R"(the record has no source_id \(its key columns are empty\))",
       "记录没有 source_id（其键列为空）"},
      {R"(the case (.*) of the outcome is not in the graph \(load the case first, then retry the outcome\))",
       "结果所属的案例 {0} 不在图中（请先加载该案例，再重试该结果）"},
      {R"(field of (\d+) bytes exceeds (\S+) = (\d+))", "字段长 {0} 字节，超过 {1} = {2}"},
      {R"(key of (\d+) bytes exceeds (\S+) = (\d+))", "键长 {0} 字节，超过 {1} = {2}"},
      {R"((.*) is not an integer (\S+) timestamp)", "{0} 不是整数形式的 {1} 时间戳"},
      {R"((.*) is not an integer)", "{0} 不是整数"},
      {R"((.*) is not a number)", "{0} 不是数字"},
      {R"((.*) is not a date \(expected ISO 8601 such as (\S+) or (\S+ \S+), or set a format in the mapping\))",
       "{0} 不是日期（应为 ISO 8601，如 {1} 或 {2}，或在映射中设置格式）"},
      {R"((.*) does not match date format '(.*)')", "{0} 不符合日期格式 '{1}'"},
      {R"(expected (\d+) columns \(as in the header\), found (\d+))",
       "应有 {0} 列（与表头相同），实有 {1} 列"},
      {R"(unbalanced quote: the '"' on line (\d+) runs over several lines into a row of (\d+) columns instead of (\d+))",
       "引号不成对：第 {0} 行的 '\"' 跨越多行，使该行有 {1} 列而不是 {2} 列"},
      {R"(unterminated quoted field \(a '"' opened on line (\d+) is never closed\))",
       "引号字段未结束（第 {0} 行开始的 '\"' 没有闭合）"},
      {R"(JSON nested deeper than max_depth = (\d+))", "JSON 嵌套深度超过 max_depth = {0}"},
      {R"(the line is not a JSON object)", "该行不是 JSON 对象"},
      {R"(the file is empty: no header row)", "文件为空：没有表头行"},
      {R"(the header row is malformed: (.*))", "表头行格式错误：{0}", {0}},
      {R"(invalid JSON: (.*))", "无效的 JSON：{0}"},
      // A connectors file's problems (connectors check), one per line.
      {R"((\S+): (\d+) problems:)", "{0}：{1} 个问题："},
      {R"((\S+?):(\d+):(\d+): (.*))", "{0}:{1}:{2}: {3}", {3}},
      {R"((\S+?):(\d+): (.*))", "{0}:{1}: {2}", {2}},
      // A TOML file's syntax (ingest/toml_error.cc).
      {R"(a string is not closed on its line: a closing '"' is missing)",
       "字符串没有在本行结束：缺少结尾的 '\"'"},
      {R"(this \[table\] is defined twice \((.*)\))", "这个 [表] 定义了两次（{0}）"},
      {R"(this key is set twice \((.*)\))", "这个键设置了两次（{0}）"},
      {R"(a key must be followed by '=' and a value; found '(.*)')",
       "键后面必须是 '=' 和值；这里是 '{0}'"},
      {R"(this value is not text, a number, true/false, a date or a list \(text needs quotes: "like this"\))",
       "这个值不是文本、数字、true/false、日期或列表（文本须加引号：\"像这样\"）"},
      {R"(a list needs commas between its items and a closing '\]'; found '(.*)')",
       "列表的各项之间须有逗号，并以 ']' 结尾；这里是 '{0}'"},
      {R"((\S+) of connector '(.*?)' (.*) does not exist)", "连接器 '{1}' 的 {0} {2} 不存在"},
      {R"(folder of connector '(.*?)' (.*) is not a directory)",
       "连接器 '{0}' 的目录 {1} 不是目录"},
      // The server's answers to a lookup of something that is not there.
      {R"(no case '(.*?)' in the graph)", "图中没有案例 '{0}'"},
      {R"(no product '(.*?)': not in the product master and no case names it)",
       "没有产品 '{0}'：产品主数据中没有，也没有案例提到它"},
      {R"(no asset '(.*?)': no installed-base record, case, call or alarm has that serial)",
       "没有设备 '{0}'：没有在用设备记录、案例、来电或告警带有这个序列号"},
      {R"(no connector '(.*?)')", "没有连接器 '{0}'"},
      // A source's position (status): a file's byte and line, a spool's message.
      {R"((.*) byte (\d+) of (\d+) \(line (\d+)\))", "{0} 第 {1} 字节，共 {2} 字节（第 {3} 行）"},
      {R"(message (\d+) of the spool)", "缓存中第 {0} 条消息"},
      {R"(cannot connect to faultgraphd at (\S+): (.*))", "无法连接 {0} 上的 faultgraphd：{1}"},
      {R"(cannot sign in to faultgraphd at (\S+): (.*) \(if faultgraphd serves TLS, give --tls-ca FILE or set \$FAULTGRAPH_TLS_CA\))",
       "无法登录 {0} 上的 faultgraphd：{1}（若 faultgraphd 使用 TLS，请给出 --tls-ca FILE 或设置 "
       "$FAULTGRAPH_TLS_CA）"},
      {R"(cannot sign in to faultgraphd at (\S+): (.*))", "无法登录 {0} 上的 faultgraphd：{1}"},
      // Sign-in and roles (the server's Unauthenticated and Forbidden).
      {R"(sign in first: this connection has not authenticated \(faultgraph: --token-file FILE or \$FAULTGRAPH_TOKEN\))",
       "请先登录：此连接尚未认证（faultgraph：--token-file FILE 或 $FAULTGRAPH_TOKEN）"},
      {R"(principal '(.*?)' was revoked; sign in again)", "用户 '{0}' 已被吊销；请重新登录"},
      {R"((\S+) needs permission '(.*?)', which role '(.*?)' of principal '(.*?)' does not grant)",
       "{0} 需要权限 '{1}'，用户 '{3}' 的角色 '{2}' 不具备该权限"},
      {R"(no (\S+) edge into '(.*?)': a fault code's symptom is named with its family or product; did you mean (.*)\?)",
       "没有进入 '{1}' 的 {0} 边：故障码的症状以其系列或产品命名；您要找的是否是 {2}？"},
      {R"(no (\S+) edge out of '(.*?)': a fault code's symptom is named with its family or product; did you mean (.*)\?)",
       "没有从 '{1}' 出发的 {0} 边：故障码的症状以其系列或产品命名；您要找的是否是 {2}？"},
  };
  return forms;
}

struct Compiled {
  std::unique_ptr<RE2> re;
  const Form* form;
};

const std::vector<Compiled>& CompiledForms() {
  static const std::vector<Compiled> compiled = [] {
    std::vector<Compiled> out;
    RE2::Options o;
    o.set_dot_nl(true);
    o.set_log_errors(false);
    for (const auto& f : Forms()) out.push_back({std::make_unique<RE2>(f.pattern, o), &f});
    return out;
  }();
  return compiled;
}

// `text` with each {i} replaced by args[i], in one pass: a value that holds
// "{1}" stays as it is.
std::string FillOnce(const std::string& text, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' &&
        text[i + 1] <= '9' && static_cast<size_t>(text[i + 1] - '0') < args.size()) {
      out += args[text[i + 1] - '0'];
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The template is turned into the current script; the captures (names and
// values from the source) are left as they were written.
std::string Read(std::string_view reason, int depth) {
  if (depth > 4) return std::string(reason);  // a column's error within a field's, at most
  for (const auto& c : CompiledForms()) {
    if (!c.re->ok()) continue;
    const int n = c.re->NumberOfCapturingGroups();
    std::vector<std::string> captures(n);
    std::vector<RE2::Arg> args(n);
    std::vector<const RE2::Arg*> arg_ptrs(n);
    for (int i = 0; i < n; ++i) {
      args[i] = &captures[i];
      arg_ptrs[i] = &args[i];
    }
    if (!RE2::FullMatchN(reason, *c.re, arg_ptrs.data(), n)) continue;
    for (int k : c.form->clauses) captures[k] = Read(captures[k], depth + 1);
    return FillOnce(FromSimplified(c.form->zh), captures);
  }
  return std::string(reason);
}

}  // namespace

std::string ReasonText(std::string_view reason) {
  if (CurrentLang() == Lang::kEn) return std::string(reason);
  std::string out;  // line by line: a file's problems come one to a line
  for (size_t start = 0; start <= reason.size();) {
    size_t end = reason.find('\n', start);
    if (end == std::string_view::npos) end = reason.size();
    if (start > 0) out += '\n';
    out += Read(reason.substr(start, end - start), 0);
    start = end + 1;
  }
  return out;
}

}  // namespace faultgraph::cli
