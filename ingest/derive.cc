#include "ingest/derive.h"

#include <algorithm>
#include <cmath>

#include "graph/case_fact.h"
#include "graph/thrift_codec.h"
#include "graph/vocabulary.h"

namespace faultgraph::ingest {
namespace {

using graph::BucketSeries;
using graph::Cf;
using graph::EdgeType;
namespace keys = graph::keys;
namespace storage = graph::storage;

class Deriver {
 public:
  explicit Deriver(const Record& r) : rec_(r) {}

  Derived Run() {
    std::visit(*this, rec_.body);
    Derived out;
    storage::DedupEntry& entry = out.dedup;
    entry.version = rec_.source_version;
    auto put = [&](Cf cf, std::string key, std::string value) {
      storage::OwnedKey k;
      k.cf = static_cast<int8_t>(cf);
      k.key = key;
      entry.owned.push_back(std::move(k));
      out.puts.push_back({cf, std::move(key), std::move(value)});
    };
    if (entity_) {
      put(Cf::kEntity, keys::Entity(entity_->kind, entity_->id), graph::Encode(*entity_));
      if (entity_->kind == graph::kinds::kFix) out.outbox.emplace(graph::kinds::kFix, entity_->id);
    }
    if (case_doc_) {
      put(Cf::kCase, keys::CaseDoc(case_doc_->case_id), graph::Encode(*case_doc_));
      out.outbox.emplace("case", case_doc_->case_id);
    }
    if (outbox_case_) out.outbox.emplace("case", *outbox_case_);
    if (event_) put(Cf::kCase, keys::Event(event_->kind, event_->id), graph::Encode(*event_));
    for (auto& k : timeline_keys_) put(Cf::kCase, std::move(k), "");
    for (auto& p : owned_puts_) put(p.cf, std::move(p.key), std::move(p.value));
    entry.counters = std::move(counters_);
    out.dedup_value = graph::Encode(entry);
    return out;
  }

  void operator()(const Product& p) {
    auto& e = Entity(graph::kinds::kProduct, p.model);
    e.name = p.name;
    e.family = p.family;
    e.category = p.category;
    e.attrs = p.attrs;
    if (!p.family.empty()) AddEdge(EdgeType::kInFamily, "", p.family, p.model);
  }
  void operator()(const BomLine& b) {
    AddEdge(EdgeType::kHasPart, "", b.parent, b.component);
    Add(Cf::kCounter, keys::Counter(graph::counters::kBomQtyMilli, b.parent, b.component),
        std::llround(b.quantity * 1000));
  }
  void operator()(const Component& c) {
    auto& e = Entity(graph::kinds::kComponent, c.part_number);
    e.name = c.name;
    e.category = c.category;
  }
  void operator()(const Asset& a) {
    auto& e = Entity(graph::kinds::kAsset, a.serial);
    e.product = a.product;
    e.time_ms = a.ship_ms;
    e.customer_key = a.customer_key;
    e.region = a.region;
    if (a.install_ms != 0) e.attrs["install_ms"] = std::to_string(a.install_ms);
    Add(Cf::kCounter, keys::Counter(graph::counters::kInstalled, a.product), 1);
    Add(Cf::kBucket,
        keys::Bucket(BucketSeries::kInstalled, a.product, "", graph::MonthOf(a.ship_ms)), 1);
  }
  void operator()(const Case& c) {
    storage::CaseDoc d;
    d.case_id = c.case_id;
    d.asset_serial = c.asset_serial;
    d.product = c.product;
    d.family = c.family;
    d.opened_ms = c.opened_ms;
    d.closed_ms = c.closed_ms;
    d.channel = c.channel;
    d.symptom_text = c.symptom_text;
    d.notes = c.notes;
    d.fault_codes = c.fault_codes;
    d.components = c.components;
    d.failure_cause = c.failure_cause;
    d.fixes = c.fixes;
    d.parts = c.parts;
    d.labour_minutes = static_cast<int32_t>(c.labour_minutes);
    d.cost = c.cost;
    d.outcome = c.outcome;
    d.satisfaction = c.satisfaction;
    d.region = c.region;
    d.failure_mode = c.failure_mode;
    d.mechanism = c.mechanism;
    d.detection = c.detection;
    d.mentioned_parts = c.mentioned_parts;
    d.folded_text = c.folded_text;
    SetHeader(d);
    const std::string& code_scope = !c.family.empty() ? c.family : c.product;
    if (!code_scope.empty()) {
      for (const auto& code : c.fault_codes)
        d.symptoms.push_back(FaultCodeSymptom(code_scope, code));
    }
    for (const auto& rule : c.rule_symptoms) d.symptoms.push_back(rule);
    if (!c.asset_serial.empty()) {
      timeline_keys_.push_back(keys::Timeline(c.asset_serial, c.opened_ms, "case", c.case_id));
    }
    // Evidence counters. Without a product only the global scope is counted.
    std::vector<std::string> scopes = {std::string(graph::kGlobalScope)};
    if (!c.product.empty()) {
      scopes.push_back(graph::ProductScope(c.product));
      Add(Cf::kCounter, keys::Counter(graph::counters::kCases, c.product), 1);
    }
    for (const auto& y : d.symptoms) {
      if (!c.product.empty()) {
        AddEdge(EdgeType::kShows, "", c.product, y);
        Add(Cf::kBucket,
            keys::Bucket(BucketSeries::kCases, c.product, y, graph::WeekOf(c.opened_ms)), 1);
      }
      for (const auto& comp : c.components) {
        for (const auto& s : scopes) AddEdge(EdgeType::kCausedBy, s, y, comp);
      }
      for (const auto& fix : c.fixes) {
        for (const auto& s : scopes) AddEdge(EdgeType::kFixedBy, s, y, fix);
      }
    }
    graph::CaseFact fact;
    fact.product = c.product;
    fact.region = c.region;
    fact.closed_ms = c.closed_ms;
    fact.satisfaction = c.satisfaction;
    fact.ship_month = c.ship_ms != 0 ? graph::MonthOf(c.ship_ms) : 0;
    fact.customer = c.customer_key;
    fact.components = c.components;
    fact.symptoms = d.symptoms;
    fact.fixes = c.fixes;
    owned_puts_.push_back({Cf::kFact, keys::CaseFact(c.asset_serial, c.opened_ms, c.case_id),
                           graph::EncodeCaseFact(fact)});
    for (const auto& comp : c.components) {
      graph::storage::ComponentCaseRef ref;
      ref.closed_ms = c.closed_ms;
      ref.fixes = c.fixes;
      ref.labour_minutes = static_cast<int32_t>(c.labour_minutes);
      ref.parts = c.parts;
      ref.failure_cause = c.failure_cause;
      ref.symptoms = d.symptoms;
      owned_puts_.push_back(
          {Cf::kCase, keys::ComponentCase(c.product, comp, c.asset_serial, c.opened_ms, c.case_id),
           graph::Encode(ref)});
      AddFailure(c.product, comp, c.opened_ms, c.ship_ms);
      for (const auto& fix : c.fixes) {
        for (const auto& s : scopes) AddEdge(EdgeType::kFixedBy, s, comp, fix);
      }
    }
    case_doc_ = std::move(d);
  }
  void operator()(const Contact& k) {
    storage::EventDoc& e = Event("contact", k.contact_id, k.asset_serial, k.time_ms);
    e.case_ref = k.case_ref;
    e.caller_key = k.caller_key;
    e.duration_s = static_cast<int32_t>(k.duration_s);
    e.text = k.text;
    if (!k.case_ref.empty()) {
      Add(Cf::kCounter, keys::Counter(graph::counters::kContacts, k.case_ref), 1);
      owned_puts_.push_back(
          {Cf::kFact, keys::ContactFact(k.case_ref, k.time_ms, k.contact_id), ""});
    }
  }
  void operator()(const SensorEvent& s) {
    storage::EventDoc& e = Event("sensor", rec_.source_id, s.asset_serial, s.time_ms);
    e.code = s.code;
    e.measurement = s.measurement;
    e.value = s.value;
    e.severity = s.severity;
    Add(Cf::kCounter,
        keys::Counter(graph::counters::kAlarms, s.asset_serial, s.code.empty() ? s.measurement : s.code), 1);
  }
  void operator()(const Fix& f) {
    auto& e = Entity(graph::kinds::kFix, f.action_code);
    e.name = f.title;
    e.text = f.steps;
    e.parts = f.parts;
    e.labour_minutes = static_cast<int32_t>(f.labour_minutes);
    e.applies_to = f.applies_to;
    for (const auto& target : f.applies_to)
      AddEdge(EdgeType::kAppliesTo, "", f.action_code, target);
  }
  // An outcome counts as the case's diagnosis and as an attempt of its fix,
  // without counting again what the case itself already says: a component
  // the case lists is not a second diagnosed case, a fix it lists is not a
  // second attempt (root_cause's ScanFixStats reads the outcome's entry
  // beside the case's own). A retracted outcome keeps only its event.
  void operator()(const Outcome& o) {
    storage::EventDoc& e =
        Event("outcome", o.outcome_id, o.retracted ? "" : o.asset_serial, o.time_ms);
    e.asset_serial = o.asset_serial;
    e.case_ref = o.case_ref;
    e.text = o.note;
    e.component = o.component;
    e.fix = o.fix;
    e.worked = o.worked;
    e.recorded_by = o.by;
    e.retracted = o.retracted;
    // Fix rates, the feed and retraining follow the outbox sequence; the
    // case's document is indexed again (unchanged) to move it.
    outbox_case_ = o.case_ref;
    if (o.retracted) return;
    owned_puts_.push_back({Cf::kFact, keys::OutcomeFact(o.case_ref, o.time_ms, o.outcome_id), ""});
    if (o.product.empty()) return;
    auto lists = [](const std::vector<std::string>& v, const std::string& x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    const std::vector<std::string> scopes = {std::string(graph::kGlobalScope),
                                             graph::ProductScope(o.product)};
    const bool new_fix = !o.fix.empty() && !lists(o.case_fixes, o.fix);
    if (new_fix) {
      for (const auto& y : o.symptoms) {
        for (const auto& s : scopes) AddEdge(EdgeType::kFixedBy, s, y, o.fix);
      }
    }
    // No component named: the fix's verdict is on the case's own diagnosis.
    const std::vector<std::string> components =
        o.component.empty() ? o.case_components : std::vector<std::string>{o.component};
    for (const auto& comp : components) {
      const bool diagnosed = lists(o.case_components, comp);
      if (!diagnosed) {
        for (const auto& y : o.symptoms) {
          for (const auto& s : scopes) AddEdge(EdgeType::kCausedBy, s, y, comp);
        }
        AddFailure(o.product, comp, o.opened_ms, o.ship_ms);
      }
      if (!o.fix.empty() && (new_fix || !diagnosed)) {
        for (const auto& s : scopes) AddEdge(EdgeType::kFixedBy, s, comp, o.fix);
      }
      storage::ComponentCaseRef ref;
      ref.closed_ms = o.closed_ms;
      if (!o.fix.empty()) ref.fixes = {o.fix};
      ref.held = o.worked;
      ref.symptoms = o.symptoms;
      owned_puts_.push_back({Cf::kCase,
                             keys::ComponentCaseOutcome(o.product, comp, o.asset_serial,
                                                        o.opened_ms, o.case_ref, o.outcome_id),
                             graph::Encode(ref)});
    }
  }

 private:
  template <typename T>
  void SetHeader(T& doc) {
    doc.source = rec_.source;
    doc.source_id = rec_.source_id;
    doc.source_version = rec_.source_version;
  }
  storage::Entity& Entity(const char* kind, const std::string& id) {
    entity_.emplace();
    entity_->kind = kind;
    entity_->id = id;
    SetHeader(*entity_);
    return *entity_;
  }
  storage::EventDoc& Event(const char* kind, const std::string& id, const std::string& serial,
                           int64_t time_ms) {
    event_.emplace();
    event_->kind = kind;
    event_->id = id;
    event_->asset_serial = serial;
    event_->time_ms = time_ms;
    SetHeader(*event_);
    if (!serial.empty()) timeline_keys_.push_back(keys::Timeline(serial, time_ms, kind, id));
    return *event_;
  }
  // A case of `product` failed on `comp`: the product's base rate, the
  // monthly failures and the shipment cohort's.
  void AddFailure(const std::string& product, const std::string& comp, int64_t opened_ms,
                  int64_t ship_ms) {
    Add(Cf::kCounter, keys::Counter(graph::kComponentCasesCounter, product, comp), 1);
    if (product.empty()) return;
    Add(Cf::kBucket,
        keys::Bucket(BucketSeries::kFailures, product, comp, graph::MonthOf(opened_ms)), 1);
    const int64_t ship_month = ship_ms != 0 ? graph::MonthOf(ship_ms) : 0;
    if (ship_month != 0 && opened_ms >= ship_ms) {
      int64_t in_service = graph::MonthsBetween(ship_month, graph::MonthOf(opened_ms));
      Add(Cf::kBucket,
          keys::Bucket(BucketSeries::kCohortFailures, product, comp,
                       ship_month * 1000 + in_service),
          1);
    }
  }
  void Add(Cf cf, std::string key, int64_t delta) {
    storage::Contribution c;
    c.cf = static_cast<int8_t>(cf);
    c.key = std::move(key);
    c.delta = delta;
    counters_.push_back(std::move(c));
  }
  void AddEdge(EdgeType t, const std::string& scope, const std::string& from,
               const std::string& to) {
    Add(Cf::kEdge, keys::Edge(t, scope, from, to), 1);
  }

  const Record& rec_;
  std::optional<storage::Entity> entity_;
  std::optional<storage::CaseDoc> case_doc_;
  std::optional<storage::EventDoc> event_;
  std::optional<std::string> outbox_case_;  // a case to index again (its outcomes changed)
  std::vector<std::string> timeline_keys_;  // in Cf::kCase
  struct OwnedPut {
    Cf cf;
    std::string key, value;
  };
  std::vector<OwnedPut> owned_puts_;             // component-case index, analytics facts
  std::vector<storage::Contribution> counters_;  // edge / counter / bucket deltas
};

}  // namespace

std::string FaultCodeSymptom(const std::string& family_or_product, const std::string& code) {
  return family_or_product + ":" + code;
}

Derived Derive(const Record& record) { return Deriver(record).Run(); }

}  // namespace faultgraph::ingest
