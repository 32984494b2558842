#include "ingest/normalize.h"

#include <algorithm>

#include "ingest/text.h"
#include "text/text_fold.h"

namespace faultgraph::ingest {
namespace {

// Upper-cases each item and drops later duplicates, keeping first-seen order.
void CanonicalCodes(std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (auto& item : items) {
    std::string code = ToUpperAscii(Trim(item));
    if (!code.empty() && std::find(out.begin(), out.end(), code) == out.end()) {
      out.push_back(std::move(code));
    }
  }
  items = std::move(out);
}

// Fault codes given in their own field are folded (NFKC: full-width "Ｅ４"
// is E4) as the codes found in the text are, then made canonical.
void CanonicalFaultCodes(std::vector<std::string>& codes) {
  for (auto& code : codes) code = text::TextFolder::Nfkc(code);
  CanonicalCodes(codes);
}

void AddUnique(std::vector<std::string>& to, const std::vector<std::string>& items) {
  for (const auto& i : items) {
    if (std::find(to.begin(), to.end(), i) == to.end()) to.push_back(i);
  }
}

struct Normalizer {
  const TextRules& rules;
  void operator()(Product& p) { p.family = ToUpperAscii(p.family); }
  void operator()(BomLine& b) { b.component = ToUpperAscii(b.component); }
  void operator()(Component& c) { c.part_number = ToUpperAscii(c.part_number); }
  void operator()(Asset&) {}
  void operator()(Case& c) {
    c.family = ToUpperAscii(c.family);
    c.symptom_text = rules.MaskPii(c.symptom_text);
    c.notes = rules.MaskPii(c.notes);
    c.failure_cause = rules.MaskPii(c.failure_cause);
    std::string text = c.symptom_text + "\n" + c.notes;
    std::string nfkc = text::TextFolder::Nfkc(text);
    CanonicalFaultCodes(c.fault_codes);
    AddUnique(c.fault_codes, rules.ExtractCodes(c.family, nfkc));
    c.mentioned_parts = rules.ExtractParts(nfkc);
    // Folding (OpenCC) is the costly step: only when there are rules to
    // match. The folded text is kept for the search index, which needs the
    // same and would otherwise fold it again.
    if (rules.symptom_rule_count() > 0) {
      c.folded_text = rules.Fold(text + "\n" + c.failure_cause);
      c.rule_symptoms = rules.MatchSymptoms(c.folded_text);
    }
    CanonicalCodes(c.fault_codes);
    CanonicalCodes(c.components);
    CanonicalCodes(c.fixes);
    CanonicalCodes(c.parts);
  }
  void operator()(Contact& k) { k.text = rules.MaskPii(k.text); }
  void operator()(SensorEvent& e) { e.code = ToUpperAscii(Trim(text::TextFolder::Nfkc(e.code))); }
  void operator()(Fix& f) {
    f.action_code = ToUpperAscii(f.action_code);
    CanonicalCodes(f.parts);
  }
  void operator()(Outcome& o) {
    o.component = ToUpperAscii(Trim(o.component));
    o.fix = ToUpperAscii(Trim(o.fix));
    o.note = rules.MaskPii(o.note);
  }
};

}  // namespace

void NormalizeRecord(Record& record, const TextRules& rules) {
  std::visit(Normalizer{rules}, record.body);
}

}  // namespace faultgraph::ingest
