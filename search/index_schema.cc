#include "search/index_schema.h"

#include <charconv>

#include "common/hash.h"
#include "graph/key_codec.h"

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

std::string BoundedTerm(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  if (prefix.size() + value.size() <= kMaxTermBytes) return term.append(value);
  return term.append("#").append(Hex64(Fnv1a64(value)));
}

std::string KindId(std::string_view kind, std::string_view id) {
  std::string out(kind);
  return out.append(":").append(id);
}

std::string IdTerm(std::string_view kind, std::string_view id) {
  return BoundedTerm(kIdPrefix, KindId(kind, id));
}

std::string VersionValue(uint64_t version, std::string_view kind, std::string_view id) {
  return graph::KeyBuilder().U64(version).Take() + KindId(kind, id);
}

bool ParseVersionValue(std::string_view value, uint64_t* version, std::string_view* kind_id) {
  if (value.size() < 10 || !graph::KeyReader(value.substr(0, 8)).U64(version)) return false;
  *kind_id = value.substr(8);
  return kind_id->find(':') != std::string_view::npos;
}

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
  long long opened = 0;  // a malformed number reads as 0, never throws
  std::from_chars(f[8].data(), f[8].data() + f[8].size(), opened);
  d.opened_ms = opened;
  if (f.size() == 10) d.cause = f[9];
  return d;
}

}  // namespace faultgraph::search
