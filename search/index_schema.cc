#include "search/index_schema.h"

#include "common/hash.h"
#include "common/parse_number.h"
#include "graph/key_codec.h"

namespace faultgraph::search {
namespace {
// The current document format: this byte, then length-delimited fields.
// Older documents start with their kind ("case", "fix"), never with it.
constexpr uint8_t kFormat = 2;
// The format before it: fields between kField, list items between kItem.
constexpr char kField = '\x1e';
constexpr char kItem = '\x1f';

Status BadDocument(const std::string& what) {
  return Status::Corruption("stored search document " + what +
                            " (run 'faultgraph reindex' to write the index again)");
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

void PutList(graph::KeyBuilder& b, const std::vector<std::string>& v) {
  b.U64(v.size());
  for (const auto& s : v) b.Str(s);
}

bool ReadList(graph::KeyReader& r, size_t limit, std::vector<std::string>* v) {
  uint64_t n = 0;
  if (!r.U64(&n) || n > limit) return false;  // each item takes at least two bytes
  v->resize(n);
  for (auto& s : *v) {
    if (!r.Str(&s)) return false;
  }
  return true;
}

// A document written before the current format.
Result<StoredDoc> ParseSeparated(std::string_view data) {
  std::vector<std::string_view> f;
  while (true) {
    size_t p = data.find(kField);
    f.push_back(data.substr(0, p));
    if (p == std::string_view::npos) break;
    data.remove_prefix(p + 1);
  }
  if (f.size() != 9 && f.size() != 10) {  // 9: written before the cause
    return BadDocument("has " + std::to_string(f.size()) +
                       " fields where 9 or 10 were written (a field held a separator byte)");
  }
  StoredDoc d;
  d.kind = f[0];
  d.id = f[1];
  d.title = f[2];
  d.folded = f[3];
  d.product = f[4];
  d.components = SplitItems(f[5]);
  d.symptoms = SplitItems(f[6]);
  d.fixes = SplitItems(f[7]);
  if (!ParseInteger(f[8], &d.opened_ms)) {
    return BadDocument("of " + d.kind.substr(0, 20) + " '" + d.id.substr(0, 100) +
                       "' has the opening time '" + std::string(f[8].substr(0, 40)) + "'");
  }
  if (f.size() == 10) d.cause = f[9];
  return d;
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
  graph::KeyBuilder b;
  b.Tag(kFormat).Str(kind).Str(id).Str(title).Str(folded).Str(product);
  PutList(b, components);
  PutList(b, symptoms);
  PutList(b, fixes);
  b.I64(opened_ms).Str(cause);
  if (!shown.empty()) b.Str(shown);  // optional: documents before it end at the cause
  return b.Take();
}

Result<StoredDoc> StoredDoc::Parse(std::string_view data) {
  if (data.empty()) return BadDocument("is empty");
  if (static_cast<uint8_t>(data[0]) != kFormat) return ParseSeparated(data);
  graph::KeyReader r(data);
  StoredDoc d;
  uint8_t format = 0;
  int64_t opened = 0;
  const size_t limit = data.size() / 2;
  if (!(r.Tag(&format) && r.Str(&d.kind) && r.Str(&d.id) && r.Str(&d.title) && r.Str(&d.folded) &&
        r.Str(&d.product) && ReadList(r, limit, &d.components) && ReadList(r, limit, &d.symptoms) &&
        ReadList(r, limit, &d.fixes) && r.I64(&opened) && r.Str(&d.cause) &&
        (r.done() || (r.Str(&d.shown) && r.done())))) {
    return BadDocument("of " + std::to_string(data.size()) +
                       " bytes is truncated or has bytes past its last field");
  }
  d.opened_ms = opened;
  return d;
}

}  // namespace faultgraph::search
