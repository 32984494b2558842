// Storage structs of the fault graph, serialised with the Thrift compact
// protocol. Owned by graph/; API types never appear here. Add fields with
// new ids and `optional`; never reuse or renumber an id.
namespace cpp faultgraph.graph.storage

// Product, Component, Asset or Fix master data.
struct Entity {
  1: string kind
  2: string id
  3: string name
  4: string family
  5: string category
  6: map<string, string> attrs
  7: string source
  8: string source_id
  9: string source_version
  10: list<string> parts          // Fix: parts used
  11: list<string> applies_to     // Fix: products/components it applies to
  12: string text                 // Fix: steps
  13: i64 time_ms                 // Asset: ship/install date
  14: string product              // Asset: model code
  15: string customer_key         // Asset
  16: string region               // Asset
  17: i32 labour_minutes          // Fix: expected labour
}

// A service ticket as stored (the evidence behind every answer).
struct CaseDoc {
  1: string case_id
  2: string asset_serial
  3: string product
  4: string family
  5: i64 opened_ms
  6: i64 closed_ms                // 0 = still open
  7: string channel
  8: string symptom_text
  9: string notes
  10: list<string> fault_codes
  11: list<string> symptoms       // canonical symptom ids
  12: list<string> components
  13: string failure_cause
  14: list<string> fixes
  15: list<string> parts
  16: i32 labour_minutes
  17: double cost
  18: string outcome
  19: double satisfaction         // < 0 = not given
  20: string region
  21: string failure_mode         // ISO 14224, optional
  22: string mechanism
  23: string detection
  24: string source
  25: string source_id
  26: string source_version
  27: list<string> mentioned_parts  // part numbers found in the text
  28: string folded_text            // symptom + notes + cause, folded for search; may be empty
}

// One diagnosed component of a case, under 'K'|product|component|asset|opened|case
// in the case CF: what fix ranking and repeat detection read in one
// sequential scan, without opening the cases.
struct ComponentCaseRef {
  1: i64 closed_ms                // 0 = still open
  2: list<string> fixes
  3: i32 labour_minutes
  4: list<string> parts
  5: string failure_cause
  6: list<string> symptoms
  // An outcome's entry (its key ends with the outcome's id): `fixes` holds
  // the fix it names, if any, and this whether it held.
  7: bool held
}

// One item of the R&D feed: a finding, written once, never changed.
struct FeedItem {
  1: i64 seq
  2: string kind                  // "alert" | "repeat" | "snapshot"
  3: string key                   // what the finding is about; an item per key, once
  4: i64 created_ms
  5: string product
  6: string component
  7: string fix
  8: string payload               // JSON with the figures and evidence
}

// A call/chat record, a sensor alarm or an outcome (a technician's
// feedback on a case) on an asset's timeline.
struct EventDoc {
  1: string kind                  // "contact" | "sensor" | "outcome"
  2: string id
  3: string asset_serial
  4: i64 time_ms
  5: string case_ref
  6: string caller_key
  7: i32 duration_s
  8: string text                  // contact: transcript or notes; outcome: the note
  9: string code
  10: string measurement
  11: double value
  12: string severity
  13: string source
  14: string source_id
  15: string source_version
  16: string component            // outcome: the part found at fault
  17: string fix                  // outcome: the fix applied
  18: bool worked                 // outcome: the fix held
  19: string recorded_by          // outcome: who recorded it
  20: bool retracted              // outcome: withdrawn (it counts for nothing)
}

// One counter contribution of a record: add `delta` at (cf, key).
struct Contribution {
  1: byte cf
  2: binary key
  3: i64 delta
}

// A key a record owns outright (deleted when a newer version drops it).
struct OwnedKey {
  1: byte cf
  2: binary key
}

// What the last applied version of a source record contributed.
struct DedupEntry {
  1: string version
  2: list<Contribution> counters
  3: list<OwnedKey> owned
}

// Where a source stream is, committed with the data it covers.
struct Checkpoint {
  1: string source
  2: string stream
  3: binary position
  4: i64 records_applied
  5: i64 records_skipped
  6: i64 records_rejected
  7: i64 updated_ms
  8: string description           // human-readable position, e.g. "byte 1234 of 5678"
}

// A record that failed validation, with everything needed to fix or retry it.
struct DeadLetter {
  1: string source
  2: string stream
  3: string position              // e.g. "line 17"
  4: string reason
  5: string raw
  6: i64 line
  7: i64 byte_offset
}

// A document to (re)index, in commit order: the search indexer reads the
// current version of kind/id from the graph.
struct OutboxItem {
  1: string kind                  // "case" | "fix"
  2: string id
}
