#include "api/cli_messages.h"

#include <opencc/opencc.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

#include "common/placeholders.h"

namespace faultgraph::cli {
namespace {

struct Message {
  const char* en;
  const char* zh_cn;
};

// English -> simplified Chinese. Keep "{N}" placeholders in both.
constexpr Message kCatalogue[] = {
    // rootcause
    {"(no product)", "（未指定产品）"},
    {" (family {0})", "（{0} 系列）"},
    {" [unknown]", "［未知产品］"},
    {"   symptoms: {0}", "   症状：{0}"},
    {"none with evidence", "无有证据的症状"},
    {"note: {0}", "提示：{0}"},
    {"high", "高"},
    {"medium", "中"},
    {"low", "低"},
    {"{0} confidence", "置信度{0}"},
    {"symptom evidence {0}%, similar cases {1}%", "症状证据 {0}%，相似案例 {1}%"},
    {", named in the text", "，描述中提到"},
    {", raised by the asset's history", "，因该设备的维修历史而提高"},
    {"{0}: {1} of {2} diagnosed cases ({3})", "{0}：已诊断的 {2} 例中有 {1} 例（{3}）"},
    {"history: {0}", "历史：{0}"},
    {"causes ({0}, {1} cases): {2}", "原因（{0}，{1} 例）：{2}"},
    {"fix", "修复"},
    {"held {0}% ({1} of {2})", "有效 {0}%（{2} 次中 {1} 次）"},
    {"median {0} min", "中位 {0} 分钟"},
    {"parts {0}", "配件 {0}"},
    {"fits the text {0}%", "与描述吻合 {0}%"},
    {"case {0} ({1}, {2}): {3}", "案例 {0}（{1}，{2}）：{3}"},
    {"diagnosed", "已诊断"},
    {"likely causes: {0}", "可能原因：{0}"},
    {"{0} similar", "相似案例 {0} 例"},
    {"asset history (last 90 days):", "设备历史（近 90 天）："},
    {"answer {0}: once the technician knows, record what was found:",
     "答复 {0}：技师确认后请记录结果："},
    {"faultgraph outcome --answer {0} --component C --fix F --worked yes|no",
     "faultgraph outcome --answer {0} --component 部件 --fix 修复 --worked yes|no"},
    {"scope: product", "本产品"},
    {"scope: family", "同系列"},
    {"all products", "所有产品"},
    {"product {0}", "产品 {0}"},
    {"family {0}", "{0} 系列"},
    // errors and results of the CLI's own
    {" (is faultgraphd running on it? use --server HOST:PORT)",
     "（faultgraphd 是否正在使用它？请用 --server HOST:PORT）"},
    {"cannot open data directory {0}: {1}", "无法打开数据目录 {0}：{1}"},
    {"data directory {0}: {1}", "数据目录 {0}：{1}"},
    {"{0} entries were open to group or others; now owner-only",
     "{0} 个条目对组或其他用户开放；现已仅限所有者"},
    {"cannot open the search index: {0}", "无法打开搜索索引：{0}"},
    {"bad {0}: {1}", "{0} 有误：{1}"},
    {"not found: {0}", "未找到：{0}"},
    {"unavailable: {0}", "暂不可用：{0}"},
    {"not signed in: {0}", "未登录：{0}"},
    {"forbidden: {0}", "无权限：{0}"},
    {"outcome {0} of case {1} retracted", "案例 {1} 的结果 {0} 已撤回"},
    {"outcome {0} of case {1} recorded", "案例 {1} 的结果 {0} 已记录"},
    {"no trained model: root cause ranks without one ('faultgraph train' makes one)",
     "没有训练好的模型：根因排序不使用模型（'faultgraph train' 可训练一个）"},
    {"model not used, answering without it: {0}", "未使用模型，不用模型作答：{0}"},
    {"search index rebuilt: {0} documents", "搜索索引已重建：{0} 个文档"},
    {"wrote {0}: {1} x {2}, {3} months", "已写入 {0}：{1} × {2}，{3} 个月"},
    {"no data at {0} (load data with 'faultgraph ingest', or pass --data DIR or --server "
     "HOST:PORT)",
     "{0} 没有数据（请用 'faultgraph ingest' 加载数据，或给出 --data DIR 或 --server HOST:PORT）"},
    // case
    {"yes", "是"},
    {"no", "否"},
    {"by", "记录人"},
    {"note", "备注"},
    {"case status closed", "已结案"},
    {"case status open", "未结"},
    {"case status resolved", "已解决"},
    {"case status cancelled", "已取消"},
    {"case status pending", "待处理"},
    // product and neighbours
    {"family: {0}   category: {1}   installed units: {2}   cases: {3}",
     "系列：{0}   类别：{1}   在用设备：{2} 台   案例：{3} 个"},
    {"warranty_months", "保修月数"},
    {"part", "部件"},
    {"name", "名称"},
    {"count", "数量"},
    {"to node", "指向"},
    {"from node", "来自"},
    // models
    {"{0} model, trained {1} UTC", "{0}模型，训练于 {1} UTC"},
    {"from {0} diagnosed cases, {1} causes, graph sequence {2}, in {3} s, {4} MB",
     "来自 {0} 个已诊断案例，{1} 种原因，图序号 {2}，用时 {3} 秒，{4} MB"},
    {"from {0} diagnosed cases, {1} fixes, graph sequence {2}, in {3} s, {4} MB",
     "来自 {0} 个已诊断案例，{1} 种修复，图序号 {2}，用时 {3} 秒，{4} MB"},
    {"from {0} diagnosed cases, {1} components, graph sequence {2}, in {3} s, {4} MB",
     "来自 {0} 个已诊断案例，{1} 个部件，图序号 {2}，用时 {3} 秒，{4} MB"},
    {"held back {0} cases: root cause top-1 {1}% top-3 {2}% (classifier alone {3}% / {4}%)",
     "留出 {0} 个案例：根因 top-1 {1}%，top-3 {2}%（仅分类器 {3}% / {4}%）"},
    {"mix of the cause ranking:", "原因排序的混合比例："},
    {"mix of each component's fix order:", "各部件修复排序的混合比例："},
    {"blend weights:", "融合权重："},
    {"confidence: high from {0}%, medium from {1}% (every decile from there up right >= 90% / >= "
     "60% of the time on held-back cases; 0: never)",
     "置信度：{0}% 起为高，{1}% 起为中（在留出案例上，从该处往上每个十分位的正确率都 >= 90% / >= "
     "60%；0：从不）"},
    {"predicted {0}%: {1} answers, mean {2}%, right {3}%",
     "预测 {0}%：{1} 个答复，平均 {2}%，正确 {3}%"},
    // dead letters
    {"stream", "数据流"},
    {"raw", "原始内容"},
    {"not applied", "未应用"},
    // connectors
    {"backfill {0}", "回填 {0}"},
    {"(full)", "（全量）"},
    {"run status ok", "成功"},
    {"run status failed", "失败"},
    {"run status running", "运行中"},
    {"run status stopped", "已停止"},
    {"never run", "从未运行"},
    {"on demand", "按需"},
    {"connectors needs --config FILE (or $FAULTGRAPH_CONNECTORS)",
     "connectors 需要 --config FILE（或 $FAULTGRAPH_CONNECTORS）"},
    {"{0}: {1}, mapping {2} ({3}), {4}", "{0}：{1}，映射 {2}（{3}），{4}"},
    {"schedule {0}", "计划 {0}"},
    {"{0}: {1} connectors, all valid", "{0}：{1} 个连接器，全部有效"},
    {"no connector '{0}' in {1} (there are: {2})", "{1} 中没有连接器 '{0}'（现有：{2}）"},
    {"connectors {0} needs a connector name", "connectors {0} 需要连接器名称"},
    {"connectors backfill needs --from and --to", "connectors backfill 需要 --from 和 --to"},
    {"{0}: position forgotten; the next run reads everything again (records already in the graph "
     "are skipped by version)",
     "{0}：位置已清除；下次运行将重新读取全部数据（图中已有的记录按版本跳过）"},
    {"{0}: run queued in the daemon; see 'connectors history {0}'",
     "{0}：已在守护进程中排队运行；见 'connectors history {0}'"},
    {"connectors backfill needs a connector name, --from and --to",
     "connectors backfill 需要连接器名称、--from 和 --to"},
    {"{0}: backfill of [{1}, {2}) queued in the daemon; see 'connectors history {0}'",
     "{0}：[{1}, {2}) 的回填已在守护进程中排队；见 'connectors history {0}'"},
    {"through --server, connectors takes run, backfill, reset, status or history",
     "通过 --server 时，connectors 后接 run、backfill、reset、status 或 history"},
    // help and usage errors
    {"{0} (see '{1}')", "{0}（见 '{1}'）"},
    {"{0} needs a value", "{0} 需要一个值"},
    {"unknown option {0}", "未知选项 {0}"},
    {"unknown command '{0}'", "未知命令 '{0}'"},
    {"no command given", "没有给出命令"},
    {"{0} must be an integer from {1} to {2}", "{0} 须为 {1} 到 {2} 之间的整数"},
    {"cannot read {0}", "无法读取 {0}"},
    {"cannot write {0}", "无法写入 {0}"},
    {"ingest needs --mapping MAP", "ingest 需要 --mapping MAP"},
    {"ingest needs at least one FILE", "ingest 需要至少一个 FILE"},
    {"product needs one MODEL", "product 需要一个 MODEL"},
    {"neighbours needs TYPE and ID", "neighbours 需要 TYPE 和 ID"},
    {"case needs one ID", "case 需要一个 ID"},
    {"asset needs one SERIAL", "asset 需要一个 SERIAL"},
    {"search needs one TEXT (quote it)", "search 需要一个 TEXT（请加引号）"},
    {"similar needs --case ID or one TEXT", "similar 需要 --case ID 或一个 TEXT"},
    {"rootcause needs what the customer said (--text), fault codes (--codes) or the unit "
     "(--serial), or a --batch file",
     "rootcause 需要客户的描述（--text）、故障码（--codes）或设备（--serial），或一个 --batch "
     "文件"},
    {"connectors takes check, run, status, history or reset",
     "connectors 后接 check、run、status、history 或 reset"},
    {"--xlsx writes the tables a command prints; leave out --json and --csv",
     "--xlsx 写出命令打印的表格；请去掉 --json 和 --csv"},
    {"outcome takes a CASE id or --answer ID, not both",
     "outcome 接受 CASE id 或 --answer ID，不能两者都给"},
    {"outcome needs one CASE id (or --answer ID)", "outcome 需要一个 CASE id（或 --answer ID）"},
    {"outcome --retract takes only CASE and --id", "outcome --retract 只接受 CASE 和 --id"},
    {"outcome needs --worked yes|no (did the fix hold?)",
     "outcome 需要 --worked yes|no（修复是否有效？）"},
    {"--worked must be yes or no", "--worked 须为 yes 或 no"},
    {"outcome needs --component, --fix or both", "outcome 需要 --component、--fix 或两者"},
    {"dlq show takes one id (from 'dlq list')", "dlq show 需要一个 id（来自 'dlq list'）"},
    {"dlq retry takes ids (from 'dlq list') and --mapping FILE",
     "dlq retry 需要 id（来自 'dlq list'）和 --mapping FILE"},
    {"dlq takes list, show ID or retry ID... --mapping FILE",
     "dlq 后接 list、show ID 或 retry ID... --mapping FILE"},
    {"--alpha must be a number above 0 and at most 0.1", "--alpha 须为大于 0 且不超过 0.1 的数"},
    {"--plot needs --product and --component of a series (or an alert to show)",
     "--plot 需要一个序列的 --product 和 --component（或一个可显示的告警）"},
    {"usage: faultgraph", "用法：faultgraph"},
    {"Global options (--data, --server, --json, --xlsx, --lang, TLS and tokens): faultgraph --help",
     "全局选项（--data、--server、--json、--xlsx、--lang、TLS 和令牌）：faultgraph --help"},
    // rootcause: the notes the server writes (diagnosis/ Note texts)
    {"no product given: evidence from all products", "未指定产品：使用所有产品的证据"},
    {"product '{0}' is not in the product master: its own cases are used, no family",
     "产品“{0}”不在产品主数据中：只用它自己的案例，没有所属系列"},
    {"unknown product '{0}': evidence from all products, no product-specific ranking",
     "未知产品“{0}”：使用所有产品的证据，不按产品排序"},
    {"symptom '{0}' has no diagnosed past case: not used", "症状“{0}”没有已诊断的历史案例：未使用"},
    {"no fault code or symptom rule matched: ranked by similar past cases only",
     "没有匹配的故障码或症状规则：仅按相似历史案例排序"},
    {"no symptom with evidence and no similar past case: ranked by how often each component "
     "fails on {0} (a base rate, not a diagnosis)",
     "没有有证据的症状，也没有相似历史案例：按 {0} 各部件的故障频率排序（基础概率，不是诊断）"},
    {"unknown serial '{0}': no asset history used", "未知序列号“{0}”：未使用设备历史"},
    {"serial {0} is a {1}, not {2}", "序列号 {0} 属于 {1}，不是 {2}"},
    {"{0} candidate parts outside {1}'s bill of materials, never diagnosed on it, not ranked",
     "{0} 个候选部件不在 {1} 的物料清单中，也从未在该产品上诊断过，未排序"},
    {"{0} candidate part outside {1}'s bill of materials, never diagnosed on it, not ranked",
     "{0} 个候选部件不在 {1} 的物料清单中，也从未在该产品上诊断过，未排序"},
    {"{0} is not in {1}'s bill of materials: ranked on overwhelming evidence only",
     "{0} 不在 {1} 的物料清单中：仅因证据极强而排序"},
    {"no evidence: no matching symptom, similar case or failure history, so no component is "
     "ranked",
     "无证据：没有匹配的症状、相似案例或故障历史，因此没有排序任何部件"},
    {"no matching symptom, similar case or base rate: ranked by this asset's own recent cases "
     "only",
     "没有匹配的症状、相似案例或基础概率：仅按该设备近期的案例排序"},
    {"no recorded cause for {0} of {1}'s {2} cases: their cause counts cover only the cases "
     "with one",
     "{1} 的 {2} 例中有 {0} 例没有记录原因：原因统计只包括有原因记录的案例"},
    {"{2} cases of {1} with a cause beyond the {0} most frequent: not listed",
     "{1} 有 {2} 例的原因不在最常见的 {0} 种之内：未列出"},
    {"product '{0}' read as '{1}'", "产品“{0}”按“{1}”处理"},
    {"fault code {0} has no diagnosed past case of any product: not used",
     "故障码 {0} 在任何产品上都没有已诊断的历史案例：未使用"},
    {"fault code {0} without a known product: read as {1}, the only product family with cases "
     "of it",
     "故障码 {0} 没有已知产品：按 {1} 理解，这是唯一有该故障码案例的产品系列"},
    {"fault code {0} without a known product: read as {1} ({2} diagnosed cases), not {3}; give "
     "the product to be sure",
     "故障码 {0} 没有已知产品：按 {1} 理解（已诊断 {2} 例），而不是 {3}；请提供产品以确认"},
    {"similar past cases could not be searched ({0}): ranked from the graph's evidence without "
     "them",
     "无法检索相似历史案例（{0}）：只按图谱中的证据排序"},
    {"no text given: fault codes and history only", "未提供描述：只依据故障码和历史"},
    {"this asset had case {0} on {1} within the repeat window: the repair may not have held",
     "该设备的案例 {0} 曾涉及 {1}，且在返修窗口内：上次维修可能没有修好"},
    {"this asset had case {0} on {1} in the last 90 days", "该设备近 90 天内的案例 {0} 曾涉及 {1}"},
    // asset: whether a case's fix held, and why
    {"outcome {0}: {1} held", "结果 {0}：{1} 有效"},
    {"outcome {0}: the repair held", "结果 {0}：维修有效"},
    {"outcome {0}: the repair did not hold", "结果 {0}：维修无效"},
    {"outcome {0} by {2}: the repair held", "结果 {0}（{2}）：维修有效"},
    {"outcome {0} by {2}: the repair did not hold", "结果 {0}（{2}）：维修无效"},
    {"outcome {0}: {1} did not hold", "结果 {0}：{1} 无效"},
    {"outcome {0} by {2}: {1} held", "结果 {0}（{2}）：{1} 有效"},
    {"outcome {0} by {2}: {1} did not hold", "结果 {0}（{2}）：{1} 无效"},
    {"case {0} with {1} {2} day after it closed", "结案 {2} 天后因 {1} 再次报修（案例 {0}）"},
    {"case {0} with {1} {2} days after it closed", "结案 {2} 天后因 {1} 再次报修（案例 {0}）"},
    {"closed under {0} days ago", "结案不足 {0} 天"},
    {"not back with its components within {0} days", "{0} 天内没有因这些部件再次报修"},
    // search and similar
    {"kind", "类型"},
    {"id", "编号"},
    {"match", "匹配"},
    {"product", "产品"},
    {"components", "部件"},
    {"fixes", "修复"},
    {"snippet", "摘要"},
    {"component", "部件"},
    {"symptom", "症状"},
    {"case", "案例"},
    {"{0} matches", "共 {0} 条匹配"},
    {"about {0} matches (at least {1})", "约 {0} 条匹配（至少 {1} 条）"},
    {"counted in the best {0}:", "按最相关的 {0} 条统计："},
    {"counted in all of them:", "按全部匹配统计："},
    // case
    {"case {0}  ({1})", "案例 {0}（{1}）"},
    {"product: {0}   asset: {1}   region: {2}", "产品：{0}   设备：{1}   地区：{2}"},
    {"opened: {0}   closed: {1}", "报修：{0}   结案：{1}"},
    {"symptom: {0}", "症状描述：{0}"},
    {"notes: {0}", "处理记录：{0}"},
    {"fault codes: {0}", "故障码：{0}"},
    {"components: {0}", "部件：{0}"},
    {"cause: {0}", "原因：{0}"},
    {"fixes: {0}", "修复：{0}"},
    {"parts: {0}", "配件：{0}"},
    {"labour: {0}   outcome: {1}", "工时：{0}   结果：{1}"},
    {"{0} min", "{0} 分钟"},
    {"outcomes recorded by technicians:", "技师记录的结果："},
    // asset
    {"asset {0}   {1} {2}", "设备 {0}   {1} {2}"},
    {"shipped: {0}   installed: {1}   customer: {2}   region: {3}",
     "发货：{0}   安装：{1}   客户：{2}   地区：{3}"},
    {"not in the installed base: known from its cases, calls and alarms only",
     "不在装机档案中：仅由其案例、来电和告警得知"},
    {"warranty: unknown ({0})", "保修：未知（{0}）"},
    {"the product master has no warranty_months", "产品主数据没有 warranty_months"},
    {"no ship or install date", "没有发货或安装日期"},
    {"warranty: {0} months from installation, in warranty until {1}",
     "保修：自安装起 {0} 个月，保修期至 {1}"},
    {"warranty: {0} months from shipment, in warranty until {1}",
     "保修：自发货起 {0} 个月，保修期至 {1}"},
    {"warranty: {0} months from installation, expired on {1}",
     "保修：自安装起 {0} 个月，已于 {1} 过保"},
    {"warranty: {0} months from shipment, expired on {1}",
     "保修：自发货起 {0} 个月，已于 {1} 过保"},
    {"{0} cases, {1} open", "案例 {0} 个，未结 {1} 个"},
    {"{0} cases, the newest {1} shown, {2} open", "案例 {0} 个（显示最近 {1} 个），未结 {2} 个"},
    {"{0} calls", "来电 {0} 次"},
    {"{0} calls, the newest {1} shown", "来电 {0} 次（显示最近 {1} 次）"},
    {"{0} alarms", "告警 {0} 条"},
    {"{0} alarms, the newest {1} shown", "告警 {0} 条（显示最近 {1} 条）"},
    {"opened", "报修"},
    {"closed", "结案"},
    {"cause", "原因"},
    {"fix held", "修复是否有效"},
    {"time (UTC)", "时间（UTC）"},
    {"summary", "内容"},
    {"held", "有效"},
    {"failed", "无效"},
    {"came back", "返修"},
    {"too early", "尚难判断"},
    {"open", "未结"},
    {"no fix", "无修复"},
    // status
    {"source", "来源"},
    {"position", "位置"},
    {"applied", "已应用"},
    {"skipped", "已跳过"},
    {"rejected", "已拒收"},
    {"updated (UTC)", "更新时间（UTC）"},
    {"records: {0}   entities: {1}   dead letters: {2}", "记录：{0}   实体：{1}   死信：{2}"},
    {"applied counts every version of a record that was applied, so a record revised at its "
     "source counts once per version ({0} in all); records counts each record once",
     "“已应用”按记录的每个已应用版本计数，来源中修订过的记录每个版本计一次（共 {0}）；"
     "“记录”每条记录只计一次"},
    // ingest, dlq, verify
    {"file", "文件"},
    {"state", "状态"},
    {"complete", "完成"},
    {"already complete", "此前已完成"},
    {"stopped at byte {0}; run again to resume", "停在第 {0} 字节；再次运行即可继续"},
    {"resumed at byte {0}", "从第 {0} 字节继续"},
    {"reason", "原因"},
    {"search index: {0}", "搜索索引：{0}"},
    {"INCOMPLETE", "不完整"},
    {"  cases and fixes in the graph  {0}", "  图谱中的案例和修复    {0}"},
    {"  documents in the index        {0}", "  索引中的文档          {0}"},
    {"  waiting to be indexed         {0}", "  等待索引              {0}"},
    {"  missing / stale / orphaned    {0} / {1} / {2}", "  缺失 / 过期 / 多余    {0} / {1} / {2}"},
    {"run 'faultgraph verify --repair' to fix it", "运行 'faultgraph verify --repair' 修复"},
    // connectors, users, audit
    {"connector", "连接器"},
    {"started", "开始"},
    {"seconds", "秒"},
    {"status", "状态"},
    {"read", "读取"},
    {"written", "写入"},
    {"position / error", "位置 / 错误"},
    {"type", "类型"},
    {"next run", "下次运行"},
    {"last run", "上次运行"},
    {"principal", "用户"},
    {"role", "角色"},
    {"created", "创建"},
    {"time", "时间"},
    {"method", "调用"},
    {"outcome", "结果"},
    {"took", "耗时"},
    {"targets", "对象"},
    {"client", "客户端"},
    // repeats
    {"attempts", "次数"},
    {"repeats", "返修"},
    {"rate", "返修率"},
    {"customers", "客户数"},
    {"longest chain", "最长返修链"},
    {"showing {0} of {1} rows; more with --limit N (up to {2})",
     "显示 {1} 行中的 {0} 行；用 --limit N 查看更多（最多 {2}）"},
    {"per fix, over all products ({0} rows)", "按修复方法汇总所有产品（共 {0} 行）"},
    {"products", "产品数"},
    // kpi definitions
    {"each group: the cases opened in it (returns are judged on the asset's whole history, "
     "window {0} days)",
     "每组：该组内报修的案例（是否返修按设备的全部历史判断，窗口 {0} 天）"},
    {"first-time fix", "一次修复率"},
    {"closed cases whose asset did not come back with the same component (or symptom, when "
     "none was diagnosed) within the window",
     "已结案例中，设备在窗口内未因同一部件（未诊断部件时按同一症状）再次报修的比例"},
    {"repeat", "返修率"},
    {"closed cases that were themselves a return: opened within the window after an earlier "
     "case on the asset closed with the same component; it counts other cases than first-time "
     "fix, so the two need not add up to 100%",
     "已结案例中，本身是返修的比例：在该设备前一案例结案后窗口内因同一部件再次报修；"
     "与一次修复率统计的不是同一批案例，两者相加不必等于 100%"},
    {"MTTR h", "修复时长 h"},
    {"median hours from opened to closed, of the closed cases",
     "已结案例从报修到结案的小时数中位数"},
    {"response min", "响应 min"},
    {"median minutes from the first call about the case to the ticket",
     "从第一次来电到建单的分钟数中位数"},
    {"satisfaction", "满意度"},
    {"mean rating of the rated cases", "有评分案例的平均满意度"},
    {"repeat contacts", "重复来电率"},
    {"cases with two or more calls before they closed, of the cases a call names",
     "有来电的案例中，结案前来电两次及以上的比例"},
    {"cases", "案例数"},
    {"region", "地区"},
    {"month", "月"},
    {"quarter", "季度"},
    {"year", "年"},
    {"all", "全部"},
    {"MTTR h (median)", "修复时长 h（中位）"},
    {"response min (median)", "响应 min（中位）"},
    // trends, cohorts, repeat contacts
    {"from", "起始月"},
    {"months", "月数"},
    {"per 1000 before", "此前每千台"},
    {"after", "之后"},
    {"failures", "故障数"},
    {"p-value", "p 值"},
    {"evidence cases", "证据案例"},
    {"{0} alerts from {1} monthly tests at alpha {2} (about {3} false alarms expected by chance)",
     "{1} 次月度检验中有 {0} 条告警，显著性水平 {2}（按概率约有 {3} 条误报）"},
    {"shipped", "发货月"},
    {"months in service", "在役月数"},
    {"units", "台数"},
    {"per 1000", "每千台"},
    {"{0} mo", "{0} 个月"},
    {"wrote {0}: {1} table(s)", "已写入 {0}：{1} 张表"},
    // trends --plot
    {"{0} × {1}: failures per 1,000 units in service, by month",
     "{0} × {1}：每千台在役设备的月故障数"},
    {"month the case opened", "案例开单月份"},
    {"failures per 1,000 units in service", "每千台在役设备故障数"},
    {"alert {0}: {1} → {2}", "告警 {0}：{1} → {2}"},
    {"monthly rate", "月故障率"},
    {"expected from the {0} months before (±2 sd)", "按前 {0} 个月预期（±2 标准差）"},
    {"alert", "告警"},
    {"{0} x {1}: failures per 1,000 units, cumulative by months in service, as of {2}; blank: "
     "not reached yet",
     "{0} × {1}：每千台累计故障数（按在役月数），截至 {2}；空白：尚未到达该月数"},
    {"{0} failures of months with no shipment on record are not in the matrix",
     "{0} 次故障所属发货月没有发货记录，未计入矩阵"},
    {"no units of {0} shipped on record", "没有 {0} 的发货记录"},
    {"give --product and --component for the matrix of one pair",
     "加 --product 和 --component 可看单个组合的矩阵"},
    {"asset", "设备"},
    {"calls", "来电"},
    {"first call", "首次来电"},
    {"last call", "末次来电"},
};

std::atomic<Lang> g_lang{Lang::kEn};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// OpenCC's s2twp, loaded once; null without OpenCC's data.
const opencc::SimpleConverter* S2Tw() {
  static const std::unique_ptr<opencc::SimpleConverter> converter = [] {
    try {
      return std::make_unique<opencc::SimpleConverter>("s2twp.json");
    } catch (...) {
      return std::unique_ptr<opencc::SimpleConverter>();  // readers get simplified text
    }
  }();
  return converter.get();
}

// The catalogue in one language, English keys; zh-TW made on first use.
const std::map<std::string, std::string, std::less<>>& Table(Lang lang) {
  static std::once_flag once[2];
  static std::map<std::string, std::string, std::less<>> tables[2];
  const int t = lang == Lang::kZhCN ? 0 : 1;
  std::call_once(once[t], [t] {
    const opencc::SimpleConverter* s2tw = t == 1 ? S2Tw() : nullptr;
    for (const auto& m : kCatalogue)
      tables[t][m.en] = s2tw ? s2tw->Convert(m.zh_cn) : std::string(m.zh_cn);
  });
  return tables[t];
}

}  // namespace

bool ParseLang(std::string_view tag, Lang* out) {
  std::string t = Lower(tag.substr(0, tag.find('.')));  // zh_CN.UTF-8 -> zh_cn
  for (char& c : t) c = c == '_' ? '-' : c;
  if (t == "zh" || t == "zh-cn" || t == "zh-sg" || t == "zh-hans" || t.starts_with("zh-hans-")) {
    *out = Lang::kZhCN;
  } else if (t == "zh-tw" || t == "zh-hk" || t == "zh-mo" || t == "zh-hant" ||
             t.starts_with("zh-hant-")) {
    *out = Lang::kZhTW;
  } else if (t == "en" || t.starts_with("en-") || t == "c" || t == "posix") {
    *out = Lang::kEn;
  } else {
    return false;
  }
  return true;
}

Lang ChooseLang(std::string_view flag, std::string* error) {
  Lang lang = Lang::kEn;
  const char* env = std::getenv("FAULTGRAPH_LANG");
  for (auto [given, name] : {std::pair<std::string_view, const char*>{flag, "--lang"},
                             {env != nullptr ? env : "", "FAULTGRAPH_LANG"}}) {
    if (given.empty()) continue;
    if (ParseLang(given, &lang)) return lang;
    *error = std::string(name) + " is '" + std::string(given.substr(0, 40)) +
             "'; it must be zh-CN, zh-TW or en";
    return Lang::kEn;
  }
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v == nullptr || *v == '\0') continue;
    return ParseLang(v, &lang) ? lang : Lang::kEn;  // the first one set decides
  }
  return Lang::kEn;
}

void SetLang(Lang lang) { g_lang = lang; }
Lang CurrentLang() { return g_lang; }

std::string Tr(std::string_view en) {
  const Lang lang = g_lang;
  if (lang != Lang::kEn) {
    const auto& table = Table(lang);
    if (auto it = table.find(en); it != table.end()) return it->second;
  }
  return std::string(en);  // English, or a message not in the catalogue
}

std::string Fill(std::string_view text, std::initializer_list<std::string_view> args) {
  return FillPlaceholders(text, args);
}

std::string FromSimplified(std::string_view zh_cn) {
  const opencc::SimpleConverter* s2tw = g_lang == Lang::kZhTW ? S2Tw() : nullptr;
  return s2tw ? s2tw->Convert(zh_cn.data(), zh_cn.size()) : std::string(zh_cn);
}

std::string TrF(std::string_view en, std::initializer_list<std::string_view> args) {
  return Fill(Tr(en), args);
}

std::string TrWord(std::string_view context, const std::string& word) {
  const std::string key = std::string(context) + " " + word;
  const std::string shown = Tr(key);
  return shown == key ? word : shown;
}

std::vector<std::string> TrAll(std::initializer_list<std::string_view> en) {
  std::vector<std::string> out;
  for (auto e : en) out.push_back(Tr(e));
  return out;
}

std::string TrArgs(std::string_view en, const std::vector<std::string>& args) {
  return FillPlaceholders(Tr(en), args);
}

}  // namespace faultgraph::cli
