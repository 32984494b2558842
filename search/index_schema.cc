#include "search/index_schema.h"

namespace faultgraph::search {
namespace {
constexpr char kField = '\x1e';
constexpr char kItem = '\x1f';

std::string JoinItems(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out.push_back(kItem);
    out += s;
  }
  return out;
}

std::vector<std::string> SplitItems(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t p = s.find(kItem);
    out.emplace_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}
}  // namespace

std::string StoredDoc::Serialise() const {
  std::string out;
  for (const std::string* f : {&kind, &id, &title, &folded, &product}) {
    out += *f;
    out.push_back(kField);
  }
  out += JoinItems(components) + kField + JoinItems(symptoms) + kField + JoinItems(fixes) + kField +
         std::to_string(opened_ms) + kField + cause;
  return out;
}

StoredDoc StoredDoc::Parse(std::string_view data) {
  std::vector<std::string_view> f;
  while (true) {
    size_t p = data.find(kField);
    f.push_back(data.substr(0, p));
    if (p == std::string_view::npos) break;
    data.remove_prefix(p + 1);
  }
  StoredDoc d;
  if (f.size() != 9 && f.size() != 10) return d;  // 9: written before the cause
  d.kind = f[0];
  d.id = f[1];
  d.title = f[2];
  d.folded = f[3];
  d.product = f[4];
  d.components = SplitItems(f[5]);
  d.symptoms = SplitItems(f[6]);
  d.fixes = SplitItems(f[7]);
  d.opened_ms = std::stoll(std::string(f[8].empty() ? "0" : f[8]));
  if (f.size() == 10) d.cause = f[9];
  return d;
}

}  // namespace faultgraph::search
