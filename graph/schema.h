// The fault graph's layout: column families, edge types, counter and bucket
// series, and the one function per key shape that builds it. Everything
// that writes or reads the store builds its keys here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace faultgraph::graph {

// Column families. The numbers are persisted (every DedupEntry names the
// column families of the keys a record owns and counts): never renumber
// one; a new family takes the next free number.
enum class Cf : uint8_t {
  kEntity = 0,   // kind|id -> storage::Entity
  kEdge = 1,     // type|scope|from|to -> uint64 count (merge)
  kRedge = 2,    // type|scope|to|from -> uint64 count (merge)
  kCounter = 3,  // name|dims... -> uint64 (merge)
  kBucket = 4,   // series|dims...|period -> uint64 (merge)
  kCase = 5,     // 'C'|case_id -> CaseDoc; 'E'|kind|id -> EventDoc; 'T'|asset|time|kind|id -> "";
                 // 'K'|product|component|asset|time|case_id[|outcome_id] -> ComponentCaseRef
  kDedup = 6,    // source|source_id -> storage::DedupEntry
  kCheckpoint = 7,  // source|stream -> storage::Checkpoint
  kOutbox = 8,      // seq -> document to index (written by the search issue's producer)
  kDlq = 9,         // source|stream|byte offset -> storage::DeadLetter
  kAudit = 10,      // time|seq -> audit line
  kFeed = 11,       // 'S'|seq -> storage::FeedItem; 'K'|finding key -> seq (append-only R&D feed)
  kFact = 12,       // compact per-record facts the analytics scan (graph/case_fact.h):
               // 'A'|shard|asset|opened|case_id -> CaseFact; 'B'|shard|case_ref|time|contact_id
               // -> ""; 'C'|shard|case_ref|time|outcome_id -> ""; 'V' -> schema version
};
inline constexpr int kNumCfs = 13;
std::string_view CfName(Cf cf);
bool CfIsCounter(Cf cf);  // edge, redge, counter, bucket use the add merge operator
// A column family number read back from a DedupEntry, checked for what a
// record can hold there: a counter contribution (edge, counter, bucket;
// the reverse edges follow their edges) or an owned key (entity, case,
// fact). nullopt for anything else: a corrupt entry or another layout.
std::optional<Cf> StoredCounterCf(int value);
std::optional<Cf> StoredOwnedCf(int value);

enum class EdgeType : uint8_t {
  kHasPart = 1,  // product/assembly -> component (BOM)
  kShows,        // product -> symptom (cases)
  kCausedBy,     // symptom -> component (diagnosed root causes)
  kFixedBy,      // symptom or component -> fix (attempts)
  kInFamily,     // family -> product
  kAppliesTo,    // fix -> product or component (from the fix catalogue)
};
std::string_view EdgeTypeName(EdgeType t);                     // "HAS_PART", ...
std::optional<EdgeType> ParseEdgeType(std::string_view name);  // case-insensitive

// CAUSED_BY and FIXED_BY keep evidence per product scope and globally;
// the other edge types have the one empty scope.
bool EdgeTypeIsScoped(EdgeType t);

// The repeat window: a fix did not hold when its asset came back with the
// same component within this long of the case's close. Fix success rates,
// repeat failures, KPIs and the fix model's labels all read it.
inline constexpr int64_t kRepeatWindowMs = 30LL * 86400 * 1000;

// Counter (name, product, component): cases diagnosed with the component.
inline constexpr std::string_view kComponentCasesCounter = "component_cases";

// Scopes of evidence counters: one product, or every product.
inline constexpr std::string_view kGlobalScope = "*";
std::string ProductScope(std::string_view model);  // "p:MODEL"

enum class BucketSeries : uint8_t {
  kFailures = 1,    // product|component|month
  kInstalled,       // product|month
  kCases,           // product|symptom|week
  kCohortFailures,  // product|component|ship month * 1000 + months in service
};

// Months are yyyymm (202611); weeks are days-since-epoch / 7 of the Monday.
int64_t MonthOf(int64_t time_ms);
int64_t MonthsBetween(int64_t from_yyyymm, int64_t to_yyyymm);  // 202501 -> 202603: 14

inline constexpr int kFactShards = 16;
int FactShard(std::string_view id);  // stable: a hash of the id
// The graph layout this build writes and reads; older graphs are refused
// with a message (their analytics facts were never written).
inline constexpr uint64_t kSchemaVersion = 2;
int64_t WeekOf(int64_t time_ms);

namespace keys {
std::string Entity(std::string_view kind, std::string_view id);
std::string EntityPrefix(std::string_view kind);
std::string Edge(EdgeType t, std::string_view scope, std::string_view from, std::string_view to);
std::string EdgePrefix(EdgeType t, std::string_view scope, std::string_view from);
std::string Redge(EdgeType t, std::string_view scope, std::string_view to, std::string_view from);
std::string Counter(std::string_view name, std::string_view a, std::string_view b = {});
std::string CounterPrefix(std::string_view name, std::string_view a);  // every b of (name, a)
std::string Bucket(BucketSeries s, std::string_view a, std::string_view b, int64_t period);
std::string BucketPrefix(BucketSeries s, std::string_view a, std::string_view b);
std::string CaseDoc(std::string_view case_id);
std::string Event(std::string_view kind, std::string_view id);
std::string Timeline(std::string_view asset, int64_t time_ms, std::string_view kind,
                     std::string_view id);
std::string TimelinePrefix(std::string_view asset);
// A case under its product and one diagnosed component, grouped by asset in
// time order (value: storage::ComponentCaseRef).
std::string ComponentCase(std::string_view product, std::string_view component,
                          std::string_view asset, int64_t opened_ms, std::string_view case_id);
std::string ComponentCasePrefix(std::string_view product, std::string_view component);
// An outcome recorded on that case (ingest/records.h Outcome): the case's
// key and the outcome's id, so it sorts right after the case's own entry.
std::string ComponentCaseOutcome(std::string_view product, std::string_view component,
                                 std::string_view asset, int64_t opened_ms,
                                 std::string_view case_id, std::string_view outcome_id);
// Facts are spread over kFactShards key ranges (by asset for cases, by
// case for contacts) so that analytics scan them in parallel; one asset's
// cases sit together in time order, as do the calls about one case.
std::string CaseFact(std::string_view asset, int64_t opened_ms, std::string_view case_id);
std::string ContactFact(std::string_view case_ref, int64_t time_ms, std::string_view contact_id);
// The outcomes recorded on a case, in time order (the case view lists them).
std::string OutcomeFact(std::string_view case_ref, int64_t time_ms, std::string_view outcome_id);
std::string OutcomeFactPrefix(std::string_view case_ref);
std::string FactShardPrefix(uint8_t tag, int shard);  // tag 'A' (cases) or 'B' (contacts)
std::string SchemaVersion();
// A connector run record in Cf::kAudit (JSON, connectors/runner.h).
std::string ConnectorRun(std::string_view connector, int64_t started_ms);
std::string ConnectorRunPrefix(std::string_view connector);
// Where versions before the spool store (spool_store.h) spooled a
// connector's MQTT messages (Cf::kAudit); GraphStore::Spool moves them over.
std::string LegacySpoolMessage(std::string_view connector, uint64_t seq);
std::string LegacySpoolPrefix();
// The highest outbox sequence ever committed (Cf::kAudit, uint64): the
// outbox is trimmed once indexed, so its last key alone cannot tell where
// numbering must continue after a reopen.
std::string OutboxHighWater();
// API principals (Cf::kAudit, api/principals.h) by name.
std::string Principal(std::string_view name);
std::string PrincipalPrefix();
// One audited API call (Cf::kAudit, api/audit_log.h), in time order.
std::string ApiCall(int64_t time_ms, uint64_t seq);
std::string ApiCallPrefix();
std::string Dedup(std::string_view source, std::string_view source_id);
std::string Checkpoint(std::string_view source, std::string_view stream);
std::string DeadLetter(std::string_view source, std::string_view stream, uint64_t offset);
// A dead letter's key in Cf::kDlq by its id (DeadLetterId), in Cf::kAudit:
// `dlq show ID` and `dlq retry ID` read one key, not the whole store. The
// mark says the index covers every dead letter (stores written before it
// are indexed once when opened).
std::string DeadLetterById(std::string_view id);
std::string DeadLetterIndexMark();
// How many keys a counted column family holds (Cf::kAudit, uint64; see
// GraphStore::KeptCount): written by every commit that changes it.
std::string KeyCount(Cf cf);
}  // namespace keys

}  // namespace faultgraph::graph
