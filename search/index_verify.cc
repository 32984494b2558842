#include "search/index_verify.h"

#include <xapian.h>

#include <unordered_map>
#include <unordered_set>

#include "common/hash.h"
#include "graph/thrift_codec.h"
#include "graph/vocabulary.h"
#include "search/index_schema.h"

namespace faultgraph::search {
namespace {

// What the index holds of one document, keyed by a hash of "<kind>:<id>":
// 16 bytes a document, so a million cost tens of megabytes, not their ids
// (an orphan's id is read back from its document).
struct Held {
  uint64_t version = 0;  // 0: a document written before versions (always stale)
  uint32_t shard = 0;
  Xapian::docid docid = 0;
};

DocRef RefOf(std::string_view kind_id) {
  size_t colon = kind_id.find(':');
  if (colon == std::string_view::npos) return {"", std::string(kind_id)};
  return {std::string(kind_id.substr(0, colon)), std::string(kind_id.substr(colon + 1))};
}

// Reads every document's id and version from shard `index` into `held`.
void ReadShard(const Xapian::Database& db, uint32_t index,
               std::unordered_map<uint64_t, Held>* held) {
  std::unordered_set<Xapian::docid> versioned;
  for (auto it = db.valuestream_begin(kVersionSlot); it != db.valuestream_end(kVersionSlot); ++it) {
    uint64_t version = 0;
    std::string_view kind_id;
    std::string value = *it;
    if (!ParseVersionValue(value, &version, &kind_id)) continue;  // read as unversioned below
    versioned.insert(it.get_docid());
    (*held)[Fnv1a64(kind_id)] = {version, index, it.get_docid()};
  }
  if (versioned.size() == db.get_doccount()) return;
  // Documents without a version (indexed by an older faultgraph): their id
  // term names them (an over-long id's hashed term cannot: such a document
  // shows as orphaned and its record as missing, which repair fixes too).
  std::string prefix(kIdPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    std::string term = *t;
    auto p = db.postlist_begin(term);
    if (p == db.postlist_end(term) || versioned.count(*p) > 0) continue;
    held->try_emplace(Fnv1a64(std::string_view(term).substr(prefix.size())), Held{0, index, *p});
  }
}

// The "<kind>:<id>" of a document: from its version value, else its id term.
std::string KindIdOf(const Xapian::Database& db, Xapian::docid docid) {
  Xapian::Document doc = db.get_document(docid);
  uint64_t version = 0;
  std::string_view kind_id;
  std::string value = doc.get_value(kVersionSlot);
  if (ParseVersionValue(value, &version, &kind_id)) return std::string(kind_id);
  std::string prefix(kIdPrefix);
  auto t = doc.termlist_begin();
  t.skip_to(prefix);
  if (t != doc.termlist_end() && (*t).starts_with(prefix)) return (*t).substr(prefix.size());
  return "?:" + std::to_string(docid);
}

}  // namespace

uint64_t DocVersion(const graph::storage::CaseDoc& c) { return Fnv1a64(graph::Encode(c)); }
uint64_t DocVersion(const graph::storage::Entity& fix) { return Fnv1a64(graph::Encode(fix)); }

Result<IndexReport> VerifyIndex(const graph::GraphStore& store,
                                const std::vector<const Xapian::Database*>& shards,
                                uint64_t indexed_seq) {
  IndexReport report;
  std::unordered_map<uint64_t, Held> held;
  try {
    for (uint32_t i = 0; i < shards.size(); ++i) {
      report.index_docs += shards[i]->get_doccount();
      ReadShard(*shards[i], i, &held);
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot read the search index: " + e.get_description());
  }
  // What the outbox still has to index is neither missing nor stale yet.
  std::unordered_set<uint64_t> pending;
  for (uint64_t after = indexed_seq;;) {
    auto items = store.ReadOutbox(after, 10000);
    if (!items.ok()) return items.status();
    if (items->empty()) break;
    for (const auto& e : *items) pending.insert(Fnv1a64(KindId(e.kind, e.id)));
    after = items->back().seq;
    report.pending += items->size();
  }
  auto check = [&](std::string_view kind, const std::string& id, uint64_t version) {
    ++report.graph_docs;
    std::string kind_id = KindId(kind, id);
    uint64_t key = Fnv1a64(kind_id);
    auto it = held.find(key);
    bool is_pending = pending.count(key) > 0;
    if (it == held.end()) {
      if (!is_pending) report.missing.push_back({std::string(kind), id});
      return;
    }
    if (it->second.version != version && !is_pending)
      report.stale.push_back({std::string(kind), id});
    held.erase(it);
  };
  FG_RETURN_IF_ERROR(store.ForEachCase([&](const graph::storage::CaseDoc& c) {
    check("case", c.case_id, DocVersion(c));
    return true;
  }));
  auto fixes = store.ListEntities(graph::kinds::kFix, SIZE_MAX);
  if (!fixes.ok()) return fixes.status();
  for (const auto& f : *fixes) check("fix", f.id, DocVersion(f));
  try {
    for (const auto& [key, h] : held) {
      if (pending.count(key) == 0)
        report.orphaned.push_back(RefOf(KindIdOf(*shards[h.shard], h.docid)));
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot read the search index: " + e.get_description());
  }
  return report;
}

}  // namespace faultgraph::search
