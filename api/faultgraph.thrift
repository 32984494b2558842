// The faultgraph service API: what support agents, R&D tools, operators and
// the CLI call. Types here never reach below api/.
namespace py faultgraph_api
namespace cpp faultgraph.api
namespace py faultgraph_api

// The request is wrong: `field` names the argument, `message` says why.
exception BadRequest {
  1: string field
  2: string message
}

// The thing asked for does not exist.
exception NotFound {
  1: string kind                  // the argument that named it
  2: string message
}

// The service cannot do this now (store failure, shutting down, the
// caller's rate limit).
exception Unavailable {
  1: string message
}

// The connection has not signed in (authenticate), or the token is not
// valid. Every method declares it as field 90.
exception Unauthenticated {
  1: string message
}

// The caller's role does not grant the call: `permission` names what it
// needs (docs/SECURITY.md lists the roles). Every method declares it as
// field 91.
exception Forbidden {
  1: string message
  2: string permission
}

struct Neighbour {
  1: string id
  2: i64 count
  3: string name = ""   // from the master data (product, component, fix); "" for symptoms and families
}

struct SourceStatus {
  1: string source
  2: string stream
  3: string position      // human-readable: "tickets.csv byte 1234 of 5678 (line 40)"
  4: i64 applied
  5: i64 skipped
  6: i64 rejected
  7: i64 updatedMs
}

struct IngestStatus {
  1: list<SourceStatus> sources
  2: i64 deadLetters
  3: i64 records                  // distinct source records applied
  4: i64 entities
}

struct Product {
  1: string model
  2: string name
  3: string family
  4: string category
  5: map<string, string> attrs
  6: list<Neighbour> parts        // HAS_PART, count = BOM lines
  7: list<Neighbour> symptoms     // SHOWS, count = cases
  8: i64 cases
  9: i64 installed
}

struct NeighboursRequest {
  1: string edgeType              // HAS_PART, SHOWS, CAUSED_BY, FIXED_BY, IN_FAMILY, APPLIES_TO
  2: string id
  3: bool incoming = false        // follow edges into `id` instead of out of it
  4: string product = ""          // CAUSED_BY / FIXED_BY: evidence of one product; empty = all
  5: i32 limit = 20               // 1..1000
}

// recordOutcome: what the technician found on a case and whether the fix
// held. Recording again with the same outcomeId revises it (the newer
// version replaces the older's evidence); `retract` withdraws it.
struct OutcomeRequest {
  1: string caseId                // or "" with answerId
  2: string outcomeId = ""        // "" = caseId#principal: each person revises their own
  3: string component = ""        // part number found at fault (a known component)
  4: string fix = ""              // fix action code applied (a known fix)
  5: bool worked                  // the fix held
  6: string note = ""             // at most 4,000 bytes; PII is masked as in tickets
  7: bool retract = false         // withdraw outcomeId: it counts for nothing from now on
  // A rootCause answer's id instead of a case: its question becomes a case
  // (id = the answer id, source "answers") that the outcome is about.
  8: string answerId = ""
}

// An outcome as stored (and listed in the case view).
struct Outcome {
  1: string outcomeId
  2: string caseId
  3: string component
  4: string fix
  5: bool worked
  6: string note
  7: i64 timeMs
  8: string by                    // the principal (or a field-service export's technician)
  9: bool retracted
  10: string source               // "outcomes" (recordOutcome) or the export's source
}

struct CaseView {
  1: string caseId
  2: string assetSerial
  3: string product
  4: string family
  5: i64 openedMs
  6: i64 closedMs
  7: string channel
  8: string symptomText
  9: string notes
  10: list<string> faultCodes
  11: list<string> symptoms
  12: list<string> components
  13: string failureCause
  14: list<string> fixes
  15: list<string> parts
  16: i32 labourMinutes
  17: double cost
  18: string outcome
  19: double satisfaction
  20: string region
  21: string source
  22: list<Outcome> outcomes       // technicians' findings, oldest first (not the retracted)
  23: map<string, string> names    // product, component, part and fix id -> its master-data name
}

struct TimelineItem {
  1: i64 timeMs
  2: string kind                  // case | contact | sensor
  3: string id
  4: string summary
}

// A message for people: English with {0}, {1} ... placeholders and their
// arguments, so that a client shows it in its reader's language (the CLI
// looks the English text up in its catalogue).
struct Message {
  1: string text
  2: list<string> arguments
}

// assetView: the asset 360 an agent reads before calling the customer.
struct AssetCase {
  1: string caseId
  2: i64 openedMs
  3: i64 closedMs                  // 0 = still open
  4: string symptomText
  5: list<string> components
  6: list<string> componentNames   // parallel to components; "" where the master has no name
  7: string failureCause
  8: list<string> fixes
  // Whether the fix held: "held", "failed" (a technician's outcome says so),
  // "came back" (the asset returned with one of its components within 30
  // days), "too early" (closed under 30 days ago), "open", "no fix".
  9: string fixHeld
  10: string fixHeldWhy            // the outcome or the case behind fixHeld
  11: Message fixHeldWhyMessage    // the same as a message
}

struct AssetView {
  1: string serial
  2: bool installedBase            // false: known only from its cases, calls or alarms
  3: string product
  4: string productName
  5: i64 shippedMs                 // 0 = unknown
  6: i64 installedMs               // 0 = unknown
  7: string customerKey
  8: string region
  9: i32 warrantyMonths            // 0 = the product master has no warranty_months
  10: i64 warrantyEndsMs           // from the installation, else the shipment; 0 = unknown
  11: string warranty              // "in warranty" | "expired" | "unknown"
  12: i32 openCases
  13: i32 casesTotal               // cases beyond `limit` are counted here, not listed
  14: list<AssetCase> cases        // newest first, at most `limit`
  15: i32 callsTotal
  16: list<TimelineItem> calls     // newest first, at most `limit`
  17: i32 alarmsTotal
  18: list<TimelineItem> alarms    // newest first, at most `limit`
}

struct DeadLetter {
  1: string source
  2: string stream
  3: string position              // file:line
  4: string reason
  5: string raw
  6: i64 line
  7: i64 byteOffset               // where the row starts in its file; -1 for sources
                                   // without byte positions (PostgreSQL, HTTP, MQTT)
  8: string id                     // for `dlq show` and `dlq retry`
}

// retryDeadLetters: one dead letter mapped again.
struct DeadLetterRetry {
  1: string id
  2: bool applied                  // now a valid record, applied; its dead letter gone
  3: string message                // what was applied, or why it still fails
}

// digest: a hash over the graph's content (positions and operational
// records left out): two stores with the same records have the same.
struct GraphDigest {
  1: string hex
  2: i64 keys
}

struct IngestResult {
  1: string stream
  2: i64 applied
  3: i64 skipped
  4: i64 rejected
  5: i64 resumedFrom
  6: i64 endOffset
  7: i64 size
  8: bool stopped                 // the daemon is shutting down; run again to finish
  9: bool resumed                 // the file was partly or wholly ingested before
}

struct SearchFilters {
  1: string product = ""
  2: string family = ""
  3: string component = ""
  4: string symptom = ""
  5: string region = ""
  6: i64 fromMs = 0               // opened at or after (0 = open-ended)
  7: i64 toMs = 0                 // opened before (0 = open-ended)
  8: string kind = ""             // "case", "fix" or "" for both
}

struct SearchHit {
  1: string kind                  // case | fix
  2: string id
  3: i32 percent                  // relevance, 0..100
  4: string title
  5: string snippet               // matched words marked [like this]
  6: string product
  7: list<string> components
  8: list<string> symptoms
  9: list<string> fixes
  10: i64 openedMs
}

struct FacetCount {
  1: string value
  2: i32 count
}

struct SearchResult {
  1: i64 matchesEstimated                   // about this many documents match (paging reaches them)
  2: list<SearchHit> hits
  3: map<string, list<FacetCount>> facets   // product, component, symptom
  4: i64 matchesLowerBound                  // at least this many match
  5: i64 matchesUpperBound                  // at most; equal to the lower bound: the count is exact
}

// rootCause: "this unit shows this: what is broken, why, what fixes it?"
struct RootCauseRequest {
  1: string product                // model code; unknown or empty: evidence from all products
  2: string text                   // what the customer said, any language
  3: list<string> faultCodes       // codes shown (codes in the text are found too)
  4: string serial                 // optional: the asset's own history counts
  5: i32 topK = 3                  // 1..20
  6: i64 asOfMs                    // history looks back from here; 0 = now (re-triage of old tickets)
}

struct SymptomEvidence {
  1: string symptom
  2: string scope                  // "product", "family" or "all products"
  3: i64 count                     // its cases diagnosed with this component
  4: i64 total                     // its cases with any diagnosis
}

struct SupportingCase {
  1: string caseId
  2: string snippet
  3: double similarity             // 0 when it supports by diagnosis, not by text
  4: i64 openedMs
}

struct FixOption {
  1: string fix
  2: string title
  3: i64 attempts
  4: i64 repeats                   // the asset came back with the component within 30 days
  5: double successRate
  6: double score                  // success rate shrunk towards the component's average
  7: i64 medianLabourMinutes
  8: list<string> parts
  9: double textFit                // the fix model: chance it ends a problem told like this (0: no model)
}

struct CauseCount {
  1: string cause
  2: i64 count
}

// A failure cause over the whole answer.
struct CauseCandidate {
  1: string cause
  2: double probability            // over the causes listed
  3: i64 cases                     // cases of the answer's components with this cause
  4: i64 similarCases              // of the similar past cases, how many had it
}

struct ComponentCandidate {
  1: string component
  2: string name
  3: double probability
  4: string confidence             // high | medium | low
  5: double fromSymptoms
  6: double fromCases
  7: double historyFactor
  8: i64 cases
  9: string fixScope
  10: list<SymptomEvidence> evidence
  11: list<SupportingCase> supporting
  12: list<CauseCount> causes
  13: list<FixOption> fixes
  14: string historyNote
  15: double namedInText           // share of its id's or name's words the text contains
  16: Message historyNoteMessage   // historyNote as a message
  17: Message fixScopeMessage      // fixScope as a message ("product {0}", "family {0}", "all products")
}

struct HistoryItem {
  1: i64 timeMs
  2: string kind
  3: string id
  4: string summary
}

struct RootCauseAnswer {
  1: string product
  2: string family
  3: bool productKnown
  4: list<string> symptoms         // canonical symptoms used (with evidence)
  5: list<string> notes            // fallbacks taken; inputs that had no evidence
  6: list<ComponentCandidate> components
  7: list<HistoryItem> history
  8: list<CauseCandidate> causes   // most likely first: each component's causes,
                                   // backed off towards all of theirs, by its probability
  9: string answerId               // recordOutcome on this answer's question ("": not kept)
  10: list<Message> noteMessages   // the notes as messages, in the same order
}

// repeatFailures: fixes that did not hold (the asset back with the same
// component within the window).
struct RepeatRequest {
  1: string product                // empty: every product
  2: i32 windowDays = 30           // 1..365
  3: i32 limit = 50                // rows, 1..1000
}

struct RepeatRow {
  1: string product
  2: string component
  3: string fix
  4: i64 attempts
  5: i64 repeats
  6: double rate
  7: list<list<string>> chains     // case ids on one asset, first case first
  8: list<string> customers        // customer keys, never names
}

// defectTrends: failures per 1,000 units in service per month, and alerts.
struct TrendRequest {
  1: string product                // empty: every product
  2: string component              // empty: every component
  3: i32 baselineMonths = 6        // 2..36
  4: double alpha = 0.001          // per monthly test, (0, 0.1]
  5: bool withSeries = false       // include the monthly series
}

struct RatePoint {
  1: i32 month                     // yyyymm
  2: i64 failures
  3: i64 installed
  4: double per1000
}

struct RateSeries {
  1: string product
  2: string component
  3: list<RatePoint> points
}

struct TrendAlert {
  1: string product
  2: string component
  3: i32 month                     // first month of the rise, yyyymm
  4: i32 monthsFlagged
  5: double rateBefore             // per 1,000 units per month
  6: double rateAfter
  7: i64 failures
  8: double expected
  9: double pValue
  10: list<string> evidence        // case ids of the alert month
}

struct TrendReport {
  1: list<TrendAlert> alerts
  2: list<RateSeries> series
  3: i64 tests                     // monthly tests run
  4: double alpha                  // expected false alarms = tests * alpha
}

// defectFeed: the append-only R&D feed.
struct FeedItem {
  1: i64 seq
  2: string kind                   // alert | repeat | snapshot
  3: string key                    // what it is about; never repeated
  4: i64 createdMs
  5: string product
  6: string component
  7: string fix
  8: string payload                // JSON: figures and evidence
}

struct FeedPage {
  1: list<FeedItem> items
  2: string nextCursor             // pass it back to get the items after these
}

// kpis: service KPIs by product, region or period.
struct KpiRequest {
  1: string product
  2: string region
  3: i64 fromMs                    // cases opened in [fromMs, toMs); 0 = open-ended
  4: i64 toMs
  5: string by = "product"         // product | region | month | quarter | year | all
  6: i32 windowDays = 30           // the repeat window
}

struct KpiRow {
  1: string group
  2: i64 cases
  3: i64 closed
  4: double firstTimeFix           // share of closed cases the asset did not come back from
  5: double repeatRate             // share of closed cases that were a return
  6: double mttrHours              // median
  7: double responseMinutes        // median first call -> ticket opened; -1 = no calls
  8: double satisfaction           // mean; -1 = none given
  9: i64 rated
  10: i64 contacted                // cases some call names
  11: i64 repeatContacts           // ... with two or more calls before they closed
  12: double repeatContactRate     // repeatContacts / contacted
}

// repeatContacts: cases the customer had to chase (several calls about one
// case before it closed, or while it is open).
struct RepeatContactRequest {
  1: string product                // empty: every product
  2: i32 minCalls = 2              // 2..1000
  3: bool openOnly = false
  4: i32 limit = 50                // 1..1000
}

struct RepeatContactRow {
  1: string caseId
  2: string product
  3: string assetSerial
  4: i64 calls
  5: i64 firstCallMs
  6: i64 lastCallMs
  7: i64 openedMs
  8: i64 closedMs                  // 0 = still open
}

// cohortRates: failures by shipment month and months in service, per
// 1,000 units shipped that month.
struct CohortRequest {
  1: string product                // empty: every product
  2: string component              // empty: every component
}

struct CohortCell {
  1: string product
  2: string component
  3: i32 shipMonth                 // yyyymm
  4: i32 monthsInService           // 0 = the month it shipped
  5: i64 failures
  6: i64 units                     // shipped that month
  7: double per1000
}

// cohortMatrix: one product x component as a matrix. Every month in which
// units shipped is a row, failures or not (its units are its exposure);
// each row has one value per month in service it has been observed, so a
// month not yet reached is absent, never a zero.
struct CohortRow {
  1: i32 shipMonth                 // yyyymm
  2: i64 units                     // shipped that month
  3: i32 observedMonths            // months in service 0 .. observedMonths - 1
  4: list<i64> failures            // per month in service
  5: list<double> cumulativePer1000 // failures up to that month, per 1,000 units
}

struct CohortMatrix {
  1: string product
  2: string component
  3: i32 asOfMonth                 // the last month seen (shipment or failure)
  4: list<CohortRow> rows          // oldest cohort first
  5: i64 unplaced                  // failures of months with no shipment on record
}

// The search index compared with the graph (faultgraph verify): every case
// and fix must have a document built from its current version.
struct IndexCheck {
  1: i64 graphDocuments            // cases and fixes in the graph
  2: i64 indexDocuments            // documents in the index
  3: i64 pending                   // committed, not indexed yet (neither missing nor stale)
  4: i64 missing                   // in the graph, not in the index
  5: i64 stale                     // indexed from an older version of the record
  6: i64 orphaned                  // in the index, no longer in the graph
  7: list<string> examples         // up to 20: "missing case T1", ...
  8: i64 repaired                  // documents written or deleted by this call
  9: bool clean
  // What the check at open found (missing + stale + orphaned; all repaired
  // then) when the index's last writer did not close it; -1 after a clean close.
  10: i64 foundAtOpen
}

// Root cause's trained model (faultgraph train / models; docs/ARCHITECTURE.md
// "diagnosis"): what it learned from, and how it did on held-back cases.
struct ReliabilityBin {
  1: double fromProbability
  2: double toProbability
  3: i64 answers                   // held-back first answers in the range
  4: double predicted              // their mean probability
  5: double observed               // the share that was right
}

struct ModelSummary {
  1: string kind                   // "component", "cause" or "fix"
  2: i64 createdMs
  3: i64 cases                     // diagnosed cases it learned from
  4: i32 labels                    // components it knows
  5: i64 graphSeq                  // the graph's outbox sequence it saw
  6: double trainSeconds
  7: i64 fileBytes
  8: i64 heldBackCases
  9: double top1                   // held back: root cause with the model
  10: double top3
  11: double classifierTop1        // held back: the classifier alone
  12: double classifierTop3
  13: map<string, double> weights  // the fitted blend, per feature
  14: double confidentHigh         // "high" from this probability (0: never)
  15: double confidentMedium
  16: list<ReliabilityBin> reliability
}

// Connector runs (faultgraphd --connectors FILE): what each run read,
// wrote and rejected.
struct ConnectorRun {
  1: string connector
  2: string status                 // running | ok | failed | stopped | interrupted
  3: string error
  4: i64 startedMs
  5: i64 endedMs
  6: i64 rowsRead
  7: i64 rowsWritten
  8: i64 rowsSkipped
  9: i64 rowsRejected
  10: string position              // where the source is, for people
  11: bool full
  12: i64 batches
  13: double commitMs              // time in atomic commits
  14: string backfill = ""         // a backfill's window "[from, to)"; "" for a run
}

// A configured connector now: its schedule, its next run and its last run
// (connectors status, the same embedded and through the daemon).
struct ConnectorState {
  1: string connector
  2: string type                   // folder | postgres | http | mqtt
  3: string schedule               // its cron line; "" = on demand
  4: i64 nextRunMs                 // 0 = on demand
  5: bool running
  6: optional ConnectorRun lastRun // absent: it never ran
}


// Sign-in, users and the audit trail (docs/SECURITY.md).
struct Session {
  1: string principal
  2: string role                   // agent | rnd | operator | admin
  3: list<string> permissions
}

struct Principal {
  1: string name
  2: string role
  3: i64 createdMs
  4: bool revoked
  5: i64 revokedMs
}

struct NewPrincipal {
  1: Principal principal
  2: string token                  // shown once; only its hash is stored
}

struct AuditQuery {
  1: i64 sinceMs = 0               // calls at or after (0 = any time)
  2: string principal = ""         // "" = everyone
  3: string method = ""            // "" = every method
  4: i32 limit = 100               // 1..10000
}

// One call: who, what, on which ids, how it ended. Never query text,
// tokens or record contents.
struct AuditRecord {
  1: i64 timeMs
  2: string principal              // "" when not signed in
  3: string role
  4: string method
  5: list<string> targets          // ids named by the call ("caseId=T1")
  6: string outcome                // ok | bad_request | not_found | unavailable |
                                   // unauthenticated | forbidden | error
  7: i64 durationUs
  8: string peer                   // the client's address
}

service FaultGraph {
  IngestStatus ingestStatus() throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  Product getProduct(1: string model)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // NotFound when there are none and a near id has some (E4 -> AC:E4).
  list<Neighbour> neighbours(1: NeighboursRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable, 3: NotFound notFound,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  CaseView getCase(1: string caseId)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Records what a technician found on a case and whether the fix held
  // (agent role): a diagnosis for training and an attempt for fix success
  // rates, listed in the case view. BadRequest names the field: an unknown
  // case, component or fix, a note too long, nothing to retract.
  Outcome recordOutcome(1: OutcomeRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // NotFound when no record has the serial.
  list<TimelineItem> assetHistory(1: string serial, 2: i32 limit)
      throws (1: BadRequest bad, 2: Unavailable unavailable, 3: NotFound notFound,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // The asset 360: installed-base record, warranty, cases with their fixes
  // and whether they held, calls and alarms; `limit` (1..1000) per list.
  // NotFound when no record has the serial.
  AssetView assetView(1: string serial, 2: i32 limit)
      throws (1: BadRequest bad, 2: Unavailable unavailable, 3: NotFound notFound,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<DeadLetter> deadLetters(1: string source, 2: i32 limit)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // One dead letter by its id (from deadLetters), however many there are.
  DeadLetter deadLetter(1: string id)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Maps dead letters (ids from deadLetters, at most 1,000) again with a
  // mapping — a file under an --import-dir of the daemon — and applies those
  // that are now valid records, each with its checkpoint as an ingest does.
  // NotFound names the first id that is no dead letter (nothing after it is tried).
  list<DeadLetterRetry> retryDeadLetters(1: list<string> ids, 2: string mappingPath)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // The store's digest (a full scan: one of the two scan slots).
  GraphDigest digest()
      throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Past cases and repair procedures matching what the customer said
  // (Chinese, traditional or simplified, English, codes, part numbers).
  SearchResult searchFixes(1: string query, 2: SearchFilters filters, 3: i32 offset, 4: i32 limit)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Cases like a given case (by id) or like a text; exactly one of the two.
  SearchResult similarCases(1: string caseId, 2: string text, 3: SearchFilters filters,
                            4: i32 limit)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Ranked components, causes and fixes, each with the evidence behind it.
  RootCauseAnswer rootCause(1: RootCauseRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<RepeatRow> repeatFailures(1: RepeatRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // NotFound for a product the graph does not know.
  TrendReport defectTrends(1: TrendRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable, 3: NotFound notFound,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Items after `cursor` ("" = from the start), at most `max` (1..10000).
  // A client that pulls with the returned cursor gets every item once, in
  // order, across server restarts.
  FeedPage defectFeed(1: string cursor, 2: i32 max)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<KpiRow> kpis(1: KpiRequest request) throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<RepeatContactRow> repeatContacts(1: RepeatContactRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<CohortCell> cohortRates(1: CohortRequest request)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Both product and component are required; NotFound for a product the
  // master data does not hold.
  CohortMatrix cohortMatrix(1: CohortRequest request)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Queues a run of a configured connector (after the one in progress);
  // Unavailable when the daemon runs no connectors.
  void runConnector(1: string name, 2: bool full)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Queues a backfill of a PostgreSQL or HTTP connector: the rows whose
  // cursor (or modification time) is in [fromValue, toValue).
  void backfillConnector(1: string name, 2: string fromValue, 3: string toValue)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Forgets a connector's position, so that its next run reads everything
  // again (what the graph holds is skipped by version). Unavailable while
  // the connector runs or has a run queued.
  void resetConnector(1: string name)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Runs of one connector (or of all: empty name), newest first.
  list<ConnectorRun> connectorRuns(1: string name, 2: i32 limit)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Every configured connector (or one) in the order of the file, with its
  // next and last run; those that never ran too.
  list<ConnectorState> connectorStatus(1: string name)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Rebuilds the search index from the graph; returns documents indexed.
  i64 reindex() throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Compares the search index with the graph; with `repair`, indexes again
  // exactly what is missing or stale and deletes orphans.
  IndexCheck verifyIndex(1: bool repair) throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Trains root cause's models from the diagnosed cases now and answers
  // with them (faultgraphd also retrains by itself as the graph grows).
  // BadRequest when there are too few diagnosed cases.
  ModelSummary trainModels() throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // The models root cause answers with (empty: none, the fixed blend).
  list<ModelSummary> listModels() throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Ingests a file on the daemon's machine through a mapping file there.
  IngestResult ingestFile(1: string mappingPath, 2: string filePath)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)

  // Signs this connection in: every later call on it runs as the token's
  // principal (docs/SECURITY.md). A wrong token: Unauthenticated; after 5
  // failures the connection refuses further attempts.
  Session authenticate(1: string token) throws (90: Unauthenticated unauthenticated)
  // Who this connection is signed in as.
  Session whoami() throws (90: Unauthenticated unauthenticated)
  // Users (admin): a new principal and its token, shown this once (only a
  // hash of it is kept); BadRequest for a bad name or role or a name in use.
  NewPrincipal addPrincipal(1: string name, 2: string role)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  list<Principal> listPrincipals()
      throws (1: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // Its token stops working at once (open connections included).
  void revokePrincipal(1: string name)
      throws (1: BadRequest bad, 2: NotFound notFound, 3: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
  // The audit trail (admin), newest first.
  list<AuditRecord> auditLog(1: AuditQuery query)
      throws (1: BadRequest bad, 2: Unavailable unavailable,
          90: Unauthenticated unauthenticated, 91: Forbidden forbidden)
}
