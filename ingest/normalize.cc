#include "ingest/normalize.h"

#include <algorithm>

#include "ingest/text.h"

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

struct Normalizer {
  void operator()(Product& p) { p.family = ToUpperAscii(p.family); }
  void operator()(BomLine& b) { b.component = ToUpperAscii(b.component); }
  void operator()(Component& c) { c.part_number = ToUpperAscii(c.part_number); }
  void operator()(Asset&) {}
  void operator()(Case& c) {
    c.family = ToUpperAscii(c.family);
    CanonicalCodes(c.fault_codes);
    CanonicalCodes(c.components);
    CanonicalCodes(c.fixes);
    CanonicalCodes(c.parts);
  }
  void operator()(Contact&) {}
  void operator()(SensorEvent& e) { e.code = ToUpperAscii(e.code); }
  void operator()(Fix& f) {
    f.action_code = ToUpperAscii(f.action_code);
    CanonicalCodes(f.parts);
  }
};

}  // namespace

void NormalizeRecord(Record& record) { std::visit(Normalizer{}, record.body); }

}  // namespace faultgraph::ingest
