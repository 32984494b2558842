#include "graph/schema.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "common/hash.h"
#include "graph/key_codec.h"

namespace faultgraph::graph {

std::string_view CfName(Cf cf) {
  static constexpr std::string_view kNames[kNumCfs] = {
      "entity",     "edge",   "redge", "counter", "bucket", "case", "dedup",
      "checkpoint", "outbox", "dlq",   "audit",   "feed",   "fact"};
  return kNames[static_cast<int>(cf)];
}

bool CfIsCounter(Cf cf) {
  return cf == Cf::kEdge || cf == Cf::kRedge || cf == Cf::kCounter || cf == Cf::kBucket;
}

std::optional<Cf> StoredCounterCf(int value) {
  switch (value) {
    case static_cast<int>(Cf::kEdge):
    case static_cast<int>(Cf::kCounter):
    case static_cast<int>(Cf::kBucket):
      return static_cast<Cf>(value);
    default:
      return std::nullopt;
  }
}

std::optional<Cf> StoredOwnedCf(int value) {
  switch (value) {
    case static_cast<int>(Cf::kEntity):
    case static_cast<int>(Cf::kCase):
    case static_cast<int>(Cf::kFact):
      return static_cast<Cf>(value);
    default:
      return std::nullopt;
  }
}

namespace {
constexpr std::string_view kEdgeNames[] = {"HAS_PART", "SHOWS",     "CAUSED_BY",
                                           "FIXED_BY", "IN_FAMILY", "APPLIES_TO"};
}

std::string_view EdgeTypeName(EdgeType t) { return kEdgeNames[static_cast<int>(t) - 1]; }

std::optional<EdgeType> ParseEdgeType(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return c == '-' ? '_' : std::toupper(c); });
  for (size_t i = 0; i < std::size(kEdgeNames); ++i) {
    if (kEdgeNames[i] == upper) return static_cast<EdgeType>(i + 1);
  }
  return std::nullopt;
}

bool EdgeTypeIsScoped(EdgeType t) { return t == EdgeType::kCausedBy || t == EdgeType::kFixedBy; }

std::string ProductScope(std::string_view model) { return "p:" + std::string(model); }

int64_t MonthOf(int64_t time_ms) {
  std::time_t secs = static_cast<std::time_t>(time_ms / 1000);
  if (time_ms < 0 && time_ms % 1000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return (tm.tm_year + 1900) * 100 + (tm.tm_mon + 1);
}

int64_t MonthsBetween(int64_t from_yyyymm, int64_t to_yyyymm) {
  return (to_yyyymm / 100 - from_yyyymm / 100) * 12 + (to_yyyymm % 100 - from_yyyymm % 100);
}

int FactShard(std::string_view id) { return static_cast<int>(Fnv1a64(id) % kFactShards); }

int64_t WeekOf(int64_t time_ms) {
  int64_t day = time_ms / 86'400'000;
  if (time_ms < 0 && time_ms % 86'400'000 != 0) --day;
  // 1970-01-01 was a Thursday: shift so that weeks start on Monday.
  int64_t shifted = day + 3;
  int64_t week = shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7);
  return week;
}

namespace keys {
std::string Entity(std::string_view kind, std::string_view id) {
  return KeyBuilder().Str(kind).Str(id).Take();
}
std::string EntityPrefix(std::string_view kind) { return KeyBuilder().Str(kind).Take(); }
std::string Edge(EdgeType t, std::string_view scope, std::string_view from, std::string_view to) {
  return KeyBuilder().Tag(static_cast<uint8_t>(t)).Str(scope).Str(from).Str(to).Take();
}
std::string EdgePrefix(EdgeType t, std::string_view scope, std::string_view from) {
  return KeyBuilder().Tag(static_cast<uint8_t>(t)).Str(scope).Str(from).Take();
}
std::string Redge(EdgeType t, std::string_view scope, std::string_view to, std::string_view from) {
  return KeyBuilder().Tag(static_cast<uint8_t>(t)).Str(scope).Str(to).Str(from).Take();
}
std::string Counter(std::string_view name, std::string_view a, std::string_view b) {
  return KeyBuilder().Str(name).Str(a).Str(b).Take();
}
std::string CounterPrefix(std::string_view name, std::string_view a) {
  return KeyBuilder().Str(name).Str(a).Take();
}
std::string Bucket(BucketSeries s, std::string_view a, std::string_view b, int64_t period) {
  return KeyBuilder().Tag(static_cast<uint8_t>(s)).Str(a).Str(b).I64(period).Take();
}
std::string BucketPrefix(BucketSeries s, std::string_view a, std::string_view b) {
  return KeyBuilder().Tag(static_cast<uint8_t>(s)).Str(a).Str(b).Take();
}
std::string CaseDoc(std::string_view case_id) { return KeyBuilder().Tag('C').Str(case_id).Take(); }
std::string Event(std::string_view kind, std::string_view id) {
  return KeyBuilder().Tag('E').Str(kind).Str(id).Take();
}
std::string Timeline(std::string_view asset, int64_t time_ms, std::string_view kind,
                     std::string_view id) {
  return KeyBuilder().Tag('T').Str(asset).I64(time_ms).Str(kind).Str(id).Take();
}
std::string TimelinePrefix(std::string_view asset) {
  return KeyBuilder().Tag('T').Str(asset).Take();
}
std::string ComponentCase(std::string_view product, std::string_view component,
                          std::string_view asset, int64_t opened_ms, std::string_view case_id) {
  return KeyBuilder()
      .Tag('K')
      .Str(product)
      .Str(component)
      .Str(asset)
      .I64(opened_ms)
      .Str(case_id)
      .Take();
}
std::string ComponentCaseOutcome(std::string_view product, std::string_view component,
                                 std::string_view asset, int64_t opened_ms,
                                 std::string_view case_id, std::string_view outcome_id) {
  return ComponentCase(product, component, asset, opened_ms, case_id) +
         KeyBuilder().Str(outcome_id).Take();
}
std::string ComponentCasePrefix(std::string_view product, std::string_view component) {
  return KeyBuilder().Tag('K').Str(product).Str(component).Take();
}
namespace {
// tag | shard of owner | owner | time | id: one owner's facts together, in
// time order, in the shard FactShardPrefix(tag, shard) scans.
std::string ShardedFact(uint8_t tag, std::string_view owner, int64_t time_ms, std::string_view id) {
  return KeyBuilder()
      .Tag(tag)
      .Tag(static_cast<uint8_t>(FactShard(owner)))
      .Str(owner)
      .I64(time_ms)
      .Str(id)
      .Take();
}
}  // namespace
std::string CaseFact(std::string_view asset, int64_t opened_ms, std::string_view case_id) {
  return ShardedFact('A', asset, opened_ms, case_id);
}
std::string ContactFact(std::string_view case_ref, int64_t time_ms, std::string_view contact_id) {
  return ShardedFact('B', case_ref, time_ms, contact_id);
}
std::string OutcomeFact(std::string_view case_ref, int64_t time_ms, std::string_view outcome_id) {
  return ShardedFact('C', case_ref, time_ms, outcome_id);
}
std::string OutcomeFactPrefix(std::string_view case_ref) {
  return KeyBuilder().Tag('C').Tag(static_cast<uint8_t>(FactShard(case_ref))).Str(case_ref).Take();
}
std::string FactShardPrefix(uint8_t tag, int shard) {
  return KeyBuilder().Tag(tag).Tag(static_cast<uint8_t>(shard)).Take();
}
std::string SchemaVersion() { return KeyBuilder().Tag('V').Take(); }
std::string ConnectorRun(std::string_view connector, int64_t started_ms) {
  return KeyBuilder().Tag('R').Str(connector).I64(started_ms).Take();
}
std::string ConnectorRunPrefix(std::string_view connector) {
  return KeyBuilder().Tag('R').Str(connector).Take();
}
std::string LegacySpoolMessage(std::string_view connector, uint64_t seq) {
  return KeyBuilder().Tag('M').Str(connector).U64(seq).Take();
}
std::string LegacySpoolPrefix() { return KeyBuilder().Tag('M').Take(); }
std::string OutboxHighWater() { return KeyBuilder().Tag('O').Take(); }
std::string DeadLetterById(std::string_view id) { return KeyBuilder().Tag('L').Str(id).Take(); }
std::string DeadLetterIndexMark() { return KeyBuilder().Tag('l').Take(); }
std::string KeyCount(Cf cf) { return KeyBuilder().Tag('N').Tag(static_cast<uint8_t>(cf)).Take(); }
std::string Principal(std::string_view name) { return KeyBuilder().Tag('P').Str(name).Take(); }
std::string PrincipalPrefix() { return KeyBuilder().Tag('P').Take(); }
std::string ApiCall(int64_t time_ms, uint64_t seq) {
  return KeyBuilder().Tag('A').I64(time_ms).U64(seq).Take();
}
std::string ApiCallPrefix() { return KeyBuilder().Tag('A').Take(); }
std::string Dedup(std::string_view source, std::string_view source_id) {
  return KeyBuilder().Str(source).Str(source_id).Take();
}
std::string Checkpoint(std::string_view source, std::string_view stream) {
  return KeyBuilder().Str(source).Str(stream).Take();
}
std::string DeadLetter(std::string_view source, std::string_view stream, uint64_t offset) {
  return KeyBuilder().Str(source).Str(stream).U64(offset).Take();
}
}  // namespace keys

}  // namespace faultgraph::graph
