// The canonical record model: the contract between connectors and ingest.
// Every source row becomes one of these typed records, each carrying its
// source, its key at the source and its version at the source.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace faultgraph::ingest {

struct Product {
  std::string model;  // required
  std::string name;
  std::string family;  // e.g. "AC"; scopes fault codes
  std::string category;
  std::map<std::string, std::string> attrs;
};

struct BomLine {
  std::string parent;     // required: product model or assembly part number
  std::string component;  // required: component part number
  double quantity = 1;
};

struct Component {
  std::string part_number;  // required
  std::string name;
  std::string category;
};

struct Asset {
  std::string serial;   // required
  std::string product;  // required
  int64_t ship_ms = 0;  // required: the installed-base denominator counts from here
  int64_t install_ms = 0;
  std::string customer_key;
  std::string region;
};

struct Case {
  std::string case_id;  // required
  std::string asset_serial;
  std::string product;  // asset_serial or product is required
  std::string family;
  int64_t opened_ms = 0;  // required
  int64_t closed_ms = 0;  // 0 = open
  std::string channel;
  std::string symptom_text;
  std::string notes;
  std::vector<std::string> fault_codes;
  std::vector<std::string> components;  // diagnosed component part numbers
  std::string failure_cause;
  std::vector<std::string> fixes;  // fix action codes
  std::vector<std::string> parts;  // parts replaced
  int64_t labour_minutes = 0;
  double cost = 0;
  std::string outcome;
  double satisfaction = -1;  // < 0 = not given
  std::string region;
  std::string failure_mode;  // ISO 14224, optional
  std::string mechanism;
  std::string detection;
  // Filled by normalisation, not by sources:
  std::vector<std::string> rule_symptoms;    // ids of symptom rules the text matches
  std::vector<std::string> mentioned_parts;  // part numbers found in the text
  std::string folded_text;   // symptom, notes and cause folded (text/text_fold.h), or empty
  int64_t ship_ms = 0;       // the asset's shipment (enrichment from ERP); 0 = unknown
  std::string customer_key;  // the asset's customer (enrichment from ERP)
};

struct Contact {
  std::string contact_id;  // required
  int64_t time_ms = 0;     // required
  std::string caller_key;
  std::string asset_serial;
  std::string case_ref;
  int64_t duration_s = 0;
  std::string text;
};

struct SensorEvent {
  std::string asset_serial;  // required
  int64_t time_ms = 0;       // required
  std::string code;          // alarm or fault code; code or measurement is required
  std::string measurement;
  double value = 0;
  std::string severity;
};

struct Fix {
  std::string action_code;  // required
  std::string title;
  std::string steps;
  std::vector<std::string> parts;
  int64_t labour_minutes = 0;
  std::vector<std::string> applies_to;  // product models or component part numbers
};

// Feedback on a case: what the technician found and whether the fix held
// (the API's recordOutcome, or a field-service export through a mapping).
// A diagnosis for training and an attempt for fix success rates.
struct Outcome {
  std::string outcome_id;  // required (a mapping may leave it to the row's key)
  std::string case_ref;    // required: the case it is about
  std::string component;   // the part number found at fault; may be empty
  std::string fix;         // the fix action code applied; may be empty
  bool worked = false;     // required: the fix held
  std::string note;
  int64_t time_ms = 0;     // required
  std::string by;          // who recorded it (a principal or a technician's key)
  bool retracted = false;  // withdrawn: stored, but it derives nothing but its event
  // Filled by enrichment from the stored case, not by sources:
  std::string product;
  std::string family;
  std::string asset_serial;
  int64_t opened_ms = 0;
  int64_t closed_ms = 0;
  int64_t ship_ms = 0;                       // the asset's shipment; 0 = unknown
  std::vector<std::string> symptoms;         // the case's canonical symptoms
  std::vector<std::string> case_components;  // what the case itself diagnosed
  std::vector<std::string> case_fixes;       // and applied
};

// Append new record types at the end: the variant index is the RecordType,
// and record types are persisted (never reorder).
using RecordBody =
    std::variant<Product, BomLine, Component, Asset, Case, Contact, SensorEvent, Fix, Outcome>;

enum class RecordType {
  kProduct,
  kBomLine,
  kComponent,
  kAsset,
  kCase,
  kContact,
  kSensorEvent,
  kFix,
  kOutcome
};

std::string_view RecordTypeName(RecordType t);  // "product", "bom_line", ...
// Accepts the names RecordTypeName gives; false for anything else.
bool ParseRecordType(std::string_view name, RecordType* out);

struct Record {
  std::string source;          // connector name
  std::string source_id;       // the row's key at the source
  std::string source_version;  // update time (decimal ms) or version or "#<content hash>"
  RecordBody body;
  RecordType type() const { return static_cast<RecordType>(body.index()); }
};

}  // namespace faultgraph::ingest
