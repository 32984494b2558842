#include "ingest/record_builder.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <iterator>

#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::ingest {
namespace {

enum class Kind { kString, kInt, kDouble, kTime, kList, kMap, kBool };

struct FieldDef {
  const char* name;
  Kind kind;
  bool required;
  // Stores the parsed value into the body; `text` is trimmed and non-empty.
  std::function<Status(RecordBody&, const RawField&, std::string_view text)> set;
};

Status ParseIntField(std::string_view text, int64_t* out) {
  double d;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc() && p == text.data() + text.size()) return Status::Ok();
  // Spreadsheet exports write integers as "30.0".
  auto [p2, ec2] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec2 == std::errc() && p2 == text.data() + text.size() && d == std::floor(d) &&
      std::fabs(d) < 9e15) {
    *out = static_cast<int64_t>(d);
    return Status::Ok();
  }
  return Status::InvalidArgument(QuoteValue(text) + " is not an integer");
}

Status ParseDoubleField(std::string_view text, double* out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec == std::errc() && p == text.data() + text.size() && std::isfinite(*out)) {
    return Status::Ok();
  }
  return Status::InvalidArgument(QuoteValue(text) + " is not a number");
}

template <typename R>
FieldDef Str(const char* name, std::string R::*m, bool required = false) {
  return {name, Kind::kString, required, [m](RecordBody& b, const RawField&, std::string_view t) {
            std::get<R>(b).*m = std::string(t);
            return Status::Ok();
          }};
}
template <typename R>
FieldDef Int(const char* name, int64_t R::*m, bool required = false) {
  return {name, Kind::kInt, required, [m](RecordBody& b, const RawField&, std::string_view t) {
            return ParseIntField(t, &(std::get<R>(b).*m));
          }};
}
template <typename R>
FieldDef Dbl(const char* name, double R::*m, bool required = false) {
  return {name, Kind::kDouble, required, [m](RecordBody& b, const RawField&, std::string_view t) {
            return ParseDoubleField(t, &(std::get<R>(b).*m));
          }};
}
template <typename R>
FieldDef Time(const char* name, int64_t R::*m, bool required = false) {
  return {name, Kind::kTime, required, [m](RecordBody& b, const RawField& f, std::string_view t) {
            auto r = ParseTime(t, f.time_format);
            if (!r.ok()) return r.status();
            std::get<R>(b).*m = *r;
            return Status::Ok();
          }};
}
template <typename R>
FieldDef List(const char* name, std::vector<std::string> R::*m, bool required = false) {
  return {name, Kind::kList, required, [m](RecordBody& b, const RawField& f, std::string_view t) {
            std::get<R>(b).*m = SplitList(t, f.list_separators);
            return Status::Ok();
          }};
}

template <typename R>
FieldDef Bool(const char* name, bool R::*m, bool required = false) {
  return {name, Kind::kBool, required, [m](RecordBody& b, const RawField&, std::string_view t) {
            if (ParseYesNo(t, &(std::get<R>(b).*m))) return Status::Ok();
            return Status::InvalidArgument(QuoteValue(t) +
                                           " is not yes or no (true/false, yes/no, 1/0, 是/否)");
          }};
}

struct Schema {
  RecordBody empty;
  std::vector<FieldDef> fields;
};

const std::vector<Schema>& Schemas() {
  static const std::vector<Schema> kSchemas = [] {
    std::vector<Schema> s(std::variant_size_v<RecordBody>);
    s[0] = {Product{},
            {Str("model", &Product::model, true), Str("name", &Product::name),
             Str("family", &Product::family), Str("category", &Product::category)}};
    s[1] = {BomLine{},
            {Str("parent", &BomLine::parent, true), Str("component", &BomLine::component, true),
             Dbl("quantity", &BomLine::quantity)}};
    s[2] = {Component{},
            {Str("part_number", &Component::part_number, true), Str("name", &Component::name),
             Str("category", &Component::category)}};
    s[3] = {Asset{},
            {Str("serial", &Asset::serial, true), Str("product", &Asset::product, true),
             Time("ship_date", &Asset::ship_ms, true), Time("install_date", &Asset::install_ms),
             Str("customer_key", &Asset::customer_key), Str("region", &Asset::region)}};
    s[4] = {Case{},
            {Str("case_id", &Case::case_id, true),
             Str("asset_serial", &Case::asset_serial),
             Str("product", &Case::product),
             Str("family", &Case::family),
             Time("opened", &Case::opened_ms, true),
             Time("closed", &Case::closed_ms),
             Str("channel", &Case::channel),
             Str("symptom_text", &Case::symptom_text),
             Str("notes", &Case::notes),
             List("fault_codes", &Case::fault_codes),
             List("components", &Case::components),
             Str("failure_cause", &Case::failure_cause),
             List("fixes", &Case::fixes),
             List("parts", &Case::parts),
             Int("labour_minutes", &Case::labour_minutes),
             Dbl("cost", &Case::cost),
             Str("outcome", &Case::outcome),
             Dbl("satisfaction", &Case::satisfaction),
             Str("region", &Case::region),
             Str("failure_mode", &Case::failure_mode),
             Str("mechanism", &Case::mechanism),
             Str("detection", &Case::detection)}};
    s[5] = {Contact{},
            {Str("contact_id", &Contact::contact_id, true), Time("time", &Contact::time_ms, true),
             Str("caller_key", &Contact::caller_key), Str("asset_serial", &Contact::asset_serial),
             Str("case_ref", &Contact::case_ref), Int("duration_s", &Contact::duration_s),
             Str("text", &Contact::text)}};
    s[6] = {SensorEvent{},
            {Str("asset_serial", &SensorEvent::asset_serial, true),
             Time("time", &SensorEvent::time_ms, true), Str("code", &SensorEvent::code),
             Str("measurement", &SensorEvent::measurement), Dbl("value", &SensorEvent::value),
             Str("severity", &SensorEvent::severity)}};
    s[7] = {Fix{},
            {Str("action_code", &Fix::action_code, true), Str("title", &Fix::title),
             Str("steps", &Fix::steps), List("parts", &Fix::parts),
             Int("labour_minutes", &Fix::labour_minutes), List("applies_to", &Fix::applies_to)}};
    // outcome_id may be left out: the row's key is the outcome's id.
    s[8] = {Outcome{},
            {Str("outcome_id", &Outcome::outcome_id), Str("case_ref", &Outcome::case_ref, true),
             Str("component", &Outcome::component), Str("fix", &Outcome::fix),
             Bool("worked", &Outcome::worked, true), Str("note", &Outcome::note),
             Time("time", &Outcome::time_ms, true), Str("by", &Outcome::by),
             Bool("retracted", &Outcome::retracted)}};
    return s;
  }();
  return kSchemas;
}

// Cross-field rules that a field table cannot say.
Status CheckRecord(const RecordBody& body) {
  if (const auto* c = std::get_if<Case>(&body)) {
    if (c->asset_serial.empty() && c->product.empty()) {
      return Status::InvalidArgument("case needs 'asset_serial' or 'product'; both are empty");
    }
    if (c->closed_ms != 0 && c->closed_ms < c->opened_ms) {
      return Status::InvalidArgument("field 'closed' is before 'opened'");
    }
  }
  if (const auto* e = std::get_if<SensorEvent>(&body)) {
    if (e->code.empty() && e->measurement.empty()) {
      return Status::InvalidArgument("sensor event needs 'code' or 'measurement'; both are empty");
    }
  }
  return Status::Ok();
}

constexpr std::string_view kRecordTypeNames[] = {"product",      "bom_line", "component",
                                                 "asset",        "case",     "contact",
                                                 "sensor_event", "fix",      "outcome"};
static_assert(std::size(kRecordTypeNames) == std::variant_size_v<RecordBody>);

}  // namespace

std::string_view RecordTypeName(RecordType t) { return kRecordTypeNames[static_cast<int>(t)]; }

bool ParseRecordType(std::string_view name, RecordType* out) {
  for (size_t i = 0; i < std::size(kRecordTypeNames); ++i) {
    if (RecordTypeName(static_cast<RecordType>(i)) == name) {
      *out = static_cast<RecordType>(i);
      return true;
    }
  }
  return false;
}

std::vector<std::string> FieldNames(RecordType type) {
  std::vector<std::string> out;
  for (const auto& f : Schemas()[static_cast<int>(type)].fields) out.emplace_back(f.name);
  if (type == RecordType::kProduct) out.emplace_back("attrs.*");
  return out;
}

Result<Record> BuildRecord(const RawRecord& raw) {
  if (Trim(raw.source_id).empty()) {
    return Status::InvalidArgument("the record has no source_id (its key columns are empty)");
  }
  const Schema& schema = Schemas()[static_cast<int>(raw.type)];
  Record rec{raw.source, std::string(Trim(raw.source_id)), raw.source_version, schema.empty};
  for (const auto& [name, field] : raw.fields) {
    size_t bad = FindInvalidUtf8(field.text);
    if (bad != std::string::npos) {
      return Status::InvalidArgument("field '" + name + "' is not valid UTF-8 (byte " +
                                     std::to_string(bad) + " of the value)");
    }
  }
  for (const FieldDef& def : schema.fields) {
    auto it = raw.fields.find(def.name);
    std::string_view text = it == raw.fields.end() ? std::string_view() : Trim(it->second.text);
    if (text.empty()) {
      if (def.required) {
        return Status::InvalidArgument("required field '" + std::string(def.name) + "' is empty");
      }
      continue;
    }
    Status s = def.set(rec.body, it->second, text);
    if (!s.ok())
      return Status::InvalidArgument("field '" + std::string(def.name) + "': " + s.message());
  }
  for (const auto& [name, field] : raw.fields) {
    bool known = false;
    for (const FieldDef& def : schema.fields) known = known || name == def.name;
    if (known) continue;
    if (raw.type == RecordType::kProduct && name.starts_with("attrs.")) {
      std::string_view t = Trim(field.text);
      if (!t.empty()) std::get<Product>(rec.body).attrs[name.substr(6)] = std::string(t);
      continue;
    }
    return Status::InvalidArgument("unknown field '" + name + "' for a " +
                                   std::string(RecordTypeName(raw.type)) + " record");
  }
  if (auto* o = std::get_if<Outcome>(&rec.body); o != nullptr && o->outcome_id.empty())
    o->outcome_id = rec.source_id;
  FG_RETURN_IF_ERROR(CheckRecord(rec.body));
  return rec;
}

}  // namespace faultgraph::ingest
