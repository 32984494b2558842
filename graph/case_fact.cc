#include "graph/case_fact.h"

#include <cstring>

namespace faultgraph::graph {
namespace {

constexpr uint8_t kVersion = 1;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
void PutStr(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}
void PutList(std::string* out, const std::vector<std::string>& v) {
  PutVarint(out, v.size());
  for (const auto& s : v) PutStr(out, s);
}

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (d_.empty()) return false;
      auto b = static_cast<uint8_t>(d_.front());
      d_.remove_prefix(1);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Str(std::string* s) {
    uint64_t n;
    if (!Varint(&n) || n > d_.size()) return false;
    s->assign(d_.data(), n);
    d_.remove_prefix(n);
    return true;
  }
  bool List(std::vector<std::string>* v) {
    uint64_t n;
    if (!Varint(&n) || n > d_.size()) return false;  // each string takes at least a byte
    v->resize(n);
    for (auto& s : *v) {
      if (!Str(&s)) return false;
    }
    return true;
  }
  bool Double(double* x) {
    if (d_.size() < sizeof *x) return false;
    std::memcpy(x, d_.data(), sizeof *x);
    d_.remove_prefix(sizeof *x);
    return true;
  }
  bool Byte(uint8_t* b) {
    if (d_.empty()) return false;
    *b = static_cast<uint8_t>(d_.front());
    d_.remove_prefix(1);
    return true;
  }
  bool done() const { return d_.empty(); }

 private:
  std::string_view d_;
};

}  // namespace

std::string EncodeCaseFact(const CaseFact& f) {
  std::string out;
  out.reserve(64);
  out.push_back(static_cast<char>(kVersion));
  PutStr(&out, f.product);
  PutStr(&out, f.region);
  PutVarint(&out, static_cast<uint64_t>(f.closed_ms));
  char buf[sizeof f.satisfaction];
  std::memcpy(buf, &f.satisfaction, sizeof buf);
  out.append(buf, sizeof buf);
  PutVarint(&out, static_cast<uint64_t>(f.ship_month));
  PutStr(&out, f.customer);
  PutList(&out, f.components);
  PutList(&out, f.symptoms);
  PutList(&out, f.fixes);
  return out;
}

bool DecodeCaseFact(std::string_view data, CaseFact* f) {
  Reader r(data);
  uint8_t version;
  uint64_t closed, ship;
  if (!r.Byte(&version) || version != kVersion) return false;
  if (!(r.Str(&f->product) && r.Str(&f->region) && r.Varint(&closed) &&
        r.Double(&f->satisfaction) && r.Varint(&ship) && r.Str(&f->customer) &&
        r.List(&f->components) && r.List(&f->symptoms) && r.List(&f->fixes)))
    return false;
  f->closed_ms = static_cast<int64_t>(closed);
  f->ship_month = static_cast<int64_t>(ship);
  return r.done();
}

}  // namespace faultgraph::graph
