#include "api/cli_usage.h"

#include <sstream>
#include <vector>

#include "api/cli_messages.h"

namespace faultgraph::cli {
namespace {

constexpr const char* kUsageEn =
    R"(usage: faultgraph [--data DIR | --server HOST:PORT] [--json] COMMAND ...

  ingest --mapping MAP [--no-index] [--progress] FILE...
                                     load files through a mapping (resumes where it stopped);
                                     --no-index leaves indexing to the next search or daemon;
                                     --progress: a line on stderr per committed batch
  status                             sources, their positions and record counts
  product MODEL                      a product: parts, symptoms, cases, installed units
  neighbours TYPE ID [--in] [--product P] [--limit N]
                                     edges of TYPE (HAS_PART, SHOWS, CAUSED_BY, FIXED_BY,
                                     IN_FAMILY, APPLIES_TO) out of (or into) ID, with counts
  case ID                            one service case, with the outcomes recorded on it
  outcome CASE [--component C] [--fix F] --worked yes|no [--note TEXT] [--id ID]
                                     record what the technician found and whether the fix
                                     held (again with the same --id: revise it; the default
                                     id is CASE#you, so your own outcome is revised)
  outcome CASE --retract [--id ID]   withdraw an outcome: it counts for nothing from now on
  outcome --answer ID ...            the same on a rootcause answer's question (its id is
                                     printed with the answer): the question becomes a case
  asset SERIAL [--limit N]           the asset 360: installed base, warranty, cases and
                                     whether their fixes held, calls, alarms (newest first)
  asset SERIAL --timeline            everything on the asset in time order
  dlq list [--source S] [--limit N]  records rejected at ingest, with the reason and an id
  dlq show ID                        one dead letter whole (the row as read, PII masked)
  dlq retry ID... --mapping FILE     map rows again (after fixing the mapping) and apply the
                                     ones that are valid now; their dead letters go away
  search TEXT [FILTERS] [--offset N] [--limit N]
                                     past cases and fixes matching TEXT (中文/English),
                                     with marked snippets and facet counts; documents
                                     with every word first; --limit up to 100,
                                     --offset up to 10000
  similar (--case ID | TEXT) [FILTERS] [--limit N]
                                     cases most like a case or a text (--limit up to 100)
  rootcause --product P [--serial S] [--codes E4,E5] --text TEXT [--top K] [--at DATE]
                                     what is broken, why, and what fixes it, with the
                                     evidence (counts, similar cases, fix success rates)
  rootcause --batch FILE             one JSON query per line ({"product", "text", "codes",
                                     "serial", "top", "at", "id"}) -> one JSON answer per line
                                     (--at: the asset history is read as of DATE)
  train                              train root cause's models (text classifier and blend)
                                     from the diagnosed cases now (faultgraphd also retrains
                                     by itself when the graph has grown by 5 %)
  models                             the model in use: cases, held-back accuracy, weights,
                                     confidence thresholds
  repeats [--product P] [--window DAYS] [--limit N]
                                     fixes that did not hold: the asset back with the same
                                     component within the window (default 30 days)
  repeats --contacts [--product P] [--min-calls N] [--open] [--limit N]
                                     cases the customer had to chase: N (default 2) or more
                                     calls before the case closed (--open: still open ones)
  trends --cohort --product P --component C [--csv]
                                     the cohort matrix: one row per shipment month (with its
                                     units), cumulative failures per 1,000 units by months in
                                     service; blank where a cohort has not got that old
  trends --cohort [--product P] [--component C] [--csv]
                                     without both: every cell with failures, as a list
  trends [--product P] [--component C] [--baseline MONTHS] [--alpha A] [--series] [--csv]
                                     failures per 1,000 units in service per month, and
                                     alerts where a rate rose above its trailing baseline
  trends [--product P --component C] --plot OUT.svg
                                     the series as a chart, alerts marked (default: the pair
                                     of the most significant alert)
  trends --since CURSOR [--limit N] [--csv]
                                     the R&D feed (alerts, repeat findings, monthly rates)
                                     after CURSOR ("" = from the start), each item once;
                                     the next cursor is in the JSON or on stderr
  kpi [--by product|region|month|quarter|year|all] [--product P] [--region R]
      [--from DATE] [--to DATE] [--window DAYS]
                                     first-time-fix and repeat rates, MTTR, response time,
                                     satisfaction, repeat contacts
  reindex                            rebuild the search index from the graph
  verify [--repair]                  check that every case and fix is in the search index,
                                     as its current version (exit 4 when not); --repair
                                     indexes exactly what is missing or stale
  digest                             a hash of the graph's content: equal for two data
                                     directories holding the same records (checks, tests)
  connectors check --config FILE     validate a connectors file (and its mappings); names
                                     the file, line and key of a problem
  connectors run NAME [--full] [--no-index] [--progress] --config FILE
                                     pull one connector now, from where it stopped (--full:
                                     from the start; records already in are skipped;
                                     --progress: a line on stderr per committed batch)
  connectors backfill NAME --from X --to Y --config FILE
                                     read again the rows whose cursor (postgres) or
                                     modification time (http) is in [X, Y), under a position
                                     of its own: the connector's position does not move
  connectors status|history [NAME] [--limit N] --config FILE
                                     each connector's last run and next scheduled run; past
                                     runs with rows read, written, rejected and errors
  connectors reset NAME --config FILE
                                     forget a connector's position (daemon stopped)
  connectors run|backfill|reset|status|history [NAME] --server HOST:PORT
                                     the same through a running faultgraphd --connectors
                                     (run and backfill queue in the daemon; reset is
                                     refused while the connector runs or is queued)

  users add NAME --role agent|rnd|operator|admin [--token-out FILE]
                                     a principal and its API token (printed once, or
                                     written to FILE with mode 0600)
  users list | users revoke NAME     principals and roles; a revoked token stops at once
  audit [--since DATE] [--principal P] [--method M] [--limit N]
                                     faultgraphd's audit trail, newest first: who called
                                     what on which ids, the outcome and time taken

  FILTERS: --product P --family F --component C --symptom S --region R
           --kind case|fix --from DATE --to DATE

  --data DIR        data directory (default $FAULTGRAPH_DATA or ./faultgraph-data)
  --rules FILE      text rules (default $FAULTGRAPH_RULES, else the shipped
                    ops/config/text_rules.toml, compiled in)
  --server H:P      talk to a running faultgraphd instead of opening DIR
  --token-file FILE the API token to sign in with (--server; else $FAULTGRAPH_TOKEN or
                    the file named by $FAULTGRAPH_TOKEN_FILE); never on the command line
  --tls-ca FILE     connect with TLS; the server's certificate must come from this CA
                    (else $FAULTGRAPH_TLS_CA) and name the host in --server
  --tls             connect with TLS, trusting the system's CAs
  --tls-cert FILE --tls-key FILE
                    a client certificate, for a server that asks for one (else
                    $FAULTGRAPH_TLS_CERT, $FAULTGRAPH_TLS_KEY; the key 0600)
  --json            machine-readable output
  --xlsx FILE       also write the tables the command prints to FILE, one worksheet
                    each, numbers as numbers (kpi, repeats, trends, cohorts, status...)
  --lang zh-CN|zh-TW|en
                    the language of the output and of this help (else
                    $FAULTGRAPH_LANG, else the locale: LC_ALL, LC_MESSAGES, LANG)
)";

// The same entries in simplified Chinese: the command lines (everything
// before the description) exactly as in English, which a test checks.
constexpr const char* kUsageZhCn =
    R"(用法：faultgraph [--data DIR | --server HOST:PORT] [--json] 命令 ...

  ingest --mapping MAP [--no-index] [--progress] FILE...
                                     按映射 MAP 加载数据文件（中断后从停下处继续）；
                                     --no-index：索引留给下一次搜索或守护进程；
                                     --progress：每提交一批，在 stderr 打印一行
  status                             各数据源、读取位置和记录数
  product MODEL                      一个产品：部件、症状、案例、在用设备
  neighbours TYPE ID [--in] [--product P] [--limit N]
                                     ID 的 TYPE 出边（--in：入边）及计数；TYPE 为 HAS_PART、
                                     SHOWS、CAUSED_BY、FIXED_BY、IN_FAMILY、APPLIES_TO
  case ID                            一个服务案例，及其上记录的处理结果
  outcome CASE [--component C] [--fix F] --worked yes|no [--note TEXT] [--id ID]
                                     记录技师的发现以及修复是否有效（用同一 --id 再记一次
                                     即为修改；默认 id 为 CASE#用户名，即修改自己那条）
  outcome CASE --retract [--id ID]   撤回一条结果：此后不再计入
  outcome --answer ID ...            同上，针对 rootcause 的一次答复（答复 id 随答复
                                     打印）：该提问随之成为一个案例
  asset SERIAL [--limit N]           设备 360 视图：在用设备记录、保修、案例及其修复是否
                                     有效、来电、告警（新的在前）
  asset SERIAL --timeline            该设备的全部事件，按时间排列
  dlq list [--source S] [--limit N]  导入时被拒绝的记录，含原因和 id
  dlq show ID                        一条死信的全部内容（读到的原始行，个人信息已遮蔽）
  dlq retry ID... --mapping FILE     （改好映射后）重新映射这些行，应用现在有效的行，
                                     其死信随之删除
  search TEXT [FILTERS] [--offset N] [--limit N]
                                     与 TEXT（中文/English）匹配的历史案例和修复，
                                     带标记的摘要和分面计数；包含全部词的文档在前；
                                     --limit 最大 100，--offset 最大 10000
  similar (--case ID | TEXT) [FILTERS] [--limit N]
                                     与某案例或某段描述最相似的案例（--limit 最大 100）
  rootcause --product P [--serial S] [--codes E4,E5] --text TEXT [--top K] [--at DATE]
                                     什么坏了、为什么、怎么修，并给出证据（计数、相似
                                     案例、修复成功率）
  rootcause --batch FILE             每行一个 JSON 查询（{"product", "text", "codes",
                                     "serial", "top", "at", "id"}）-> 每行一个 JSON 答复
                                     （--at：按 DATE 当时的设备历史来判断）
  train                              立即用已诊断的案例训练根因模型（文本分类器和融合
                                     模型）；图增长 5 % 时 faultgraphd 也会自行重训
  models                             正在使用的模型：案例数、留出集准确率、权重、置信度阈值
  repeats [--product P] [--window DAYS] [--limit N]
                                     没有修好的修复：窗口期内（默认 30 天）设备因同一
                                     部件再次报修
  repeats --contacts [--product P] [--min-calls N] [--open] [--limit N]
                                     客户不得不反复催办的案例：关闭前来电 N 次（默认 2）
                                     或以上（--open：仍未关闭的）
  trends --cohort --product P --component C [--csv]
                                     队列矩阵：每个发货月一行（含台数），按在用月数列出
                                     每千台累计故障；队列尚未达到的月龄留空
  trends --cohort [--product P] [--component C] [--csv]
                                     未同时给出两者时：每个有故障的单元格，以列表列出
  trends [--product P] [--component C] [--baseline MONTHS] [--alpha A] [--series] [--csv]
                                     每月每千台在用设备的故障数，以及故障率高于滚动基线
                                     时的告警
  trends [--product P --component C] --plot OUT.svg
                                     把序列画成图并标出告警（默认：最显著告警的组合）
  trends --since CURSOR [--limit N] [--csv]
                                     研发数据流（告警、重复维修发现、月度故障率），从
                                     CURSOR 之后开始（"" = 从头），每项只出现一次；
                                     下一个游标在 JSON 中或 stderr 上
  kpi [--by product|region|month|quarter|year|all] [--product P] [--region R]
      [--from DATE] [--to DATE] [--window DAYS]
                                     一次修复率、重复维修率、MTTR、响应时间、满意度、
                                     重复来电
  reindex                            从图重建搜索索引
  verify [--repair]                  检查每个案例和修复都以当前版本进入了搜索索引
                                     （否则退出码 4）；--repair 只补缺失或过期的部分
  digest                             图内容的哈希：两个数据目录记录相同则相等（核对、测试用）
  connectors check --config FILE     校验连接器配置文件（及其映射）；出错时指明文件、行和键
  connectors run NAME [--full] [--no-index] [--progress] --config FILE
                                     立即拉取一个连接器，从上次停下处继续（--full：从头
                                     开始，已有的记录会跳过；--progress：每提交一批，
                                     在 stderr 打印一行）
  connectors backfill NAME --from X --to Y --config FILE
                                     重新读取游标（postgres）或修改时间（http）在 [X, Y)
                                     内的行，用独立的位置：连接器自己的位置不动
  connectors status|history [NAME] [--limit N] --config FILE
                                     每个连接器的上次运行和下次计划运行；历次运行的读取、
                                     写入、拒绝行数和错误
  connectors reset NAME --config FILE
                                     清除连接器的位置（守护进程须已停止）
  connectors run|backfill|reset|status|history [NAME] --server HOST:PORT
                                     通过运行中的 faultgraphd --connectors 做同样的事
                                     （run 和 backfill 在守护进程中排队；连接器正在运行或
                                     排队时拒绝 reset）

  users add NAME --role agent|rnd|operator|admin [--token-out FILE]
                                     新建用户及其 API 令牌（只打印一次，或以 0600 权限
                                     写入 FILE）
  users list | users revoke NAME     用户和角色；令牌吊销后立即失效
  audit [--since DATE] [--principal P] [--method M] [--limit N]
                                     faultgraphd 的审计记录，新的在前：谁对哪些 id 调用了
                                     什么、结果和耗时

  FILTERS: --product P --family F --component C --symptom S --region R
           --kind case|fix --from DATE --to DATE

  --data DIR        数据目录（默认 $FAULTGRAPH_DATA 或 ./faultgraph-data）
  --rules FILE      文本规则（默认 $FAULTGRAPH_RULES，否则为随附并编译进程序的
                    ops/config/text_rules.toml）
  --server H:P      连接运行中的 faultgraphd，不打开 DIR
  --token-file FILE 登录用的 API 令牌（用于 --server；否则 $FAULTGRAPH_TOKEN 或
                    $FAULTGRAPH_TOKEN_FILE 指向的文件）；绝不放在命令行上
  --tls-ca FILE     用 TLS 连接；服务器证书须由此 CA 签发（否则 $FAULTGRAPH_TLS_CA），
                    且须包含 --server 中的主机名
  --tls             用 TLS 连接，信任系统的 CA
  --tls-cert FILE --tls-key FILE
                    客户端证书，供要求证书的服务器使用（否则 $FAULTGRAPH_TLS_CERT、
                    $FAULTGRAPH_TLS_KEY；密钥须为 0600）
  --json            机器可读的输出
  --xlsx FILE       同时把命令打印的表格写入 FILE，每个表一个工作表，数字仍是数字
                    （kpi、repeats、trends、队列、status……）
  --lang zh-CN|zh-TW|en
                    输出和本帮助的语言（否则 $FAULTGRAPH_LANG，否则取区域设置：
                    LC_ALL、LC_MESSAGES、LANG）
)";

// kUsageEn or kUsageZhCn in the current language (zh-TW by OpenCC).
std::string UsageText() {
  switch (CurrentLang()) {
    case Lang::kEn:
      return kUsageEn;
    case Lang::kZhCN:
    case Lang::kZhTW:
      return FromSimplified(kUsageZhCn);
  }
  return kUsageEn;
}

}  // namespace

std::string Usage() { return UsageText(); }

std::string CommandHelp(std::string_view command) {
  if (command == "neighbors") command = "neighbours";
  // An entry starts with two spaces and the command's name; the lines
  // indented deeper below it are its own.
  const std::string usage = UsageText();
  std::istringstream in(usage);
  std::string line, entries, filters, globals;
  enum { kOther, kEntry, kFilters } in_block = kOther;
  while (std::getline(in, line)) {
    const bool deeper = line.starts_with("   ");
    if (!deeper) in_block = kOther;
    if (line.starts_with("  ") && !deeper) {
      std::string_view rest = std::string_view(line).substr(2);
      std::string_view word = rest.substr(0, rest.find(' '));
      if (word == command) in_block = kEntry;
      if (rest.starts_with("FILTERS:")) in_block = kFilters;
    }
    if (in_block == kEntry) entries += line + "\n";
    if (in_block == kFilters) filters += line + "\n";
  }
  if (entries.empty()) return "";
  std::string out = Tr("usage: faultgraph") + " [--data DIR | --server HOST:PORT] [--json] " +
                    std::string(command) + " ...\n\n" + entries;
  if (entries.find("FILTERS") != std::string::npos) out += "\n" + filters;
  out += "\n" +
         Tr("Global options (--data, --server, --json, --xlsx, --lang, TLS and tokens): "
            "faultgraph --help") +
         "\n";
  return out;
}

}  // namespace faultgraph::cli
