#include "search/index_verify.h"

#include <xapian.h>

#include <unordered_map>
#include <unordered_set>

#include "common/hash.h"
#include "graph/thrift_codec.h"
#include "search/index_schema.h"

namespace faultgraph::search {
namespace {

// What the index holds of one document; keyed by a hash of "<kind>:<id>"
// so that a million documents cost tens of megabytes, not their ids.
struct Held {
  uint64_t version = 0;  // 0: a document written before versions (always stale)
  std::string kind_id;
};

DocRef RefOf(std::string_view kind_id) {
  size_t colon = kind_id.find(':');
  return {std::string(kind_id.substr(0, colon)), std::string(kind_id.substr(colon + 1))};
}

std::string KindId(std::string_view kind, std::string_view id) {
  std::string out(kind);
  return out.append(":").append(id);
}

// Reads every document's id and version from one shard into `held`.
void ReadShard(const Xapian::Database& db, std::unordered_map<uint64_t, Held>* held) {
  std::unordered_set<Xapian::docid> versioned;
  for (auto it = db.valuestream_begin(kVersionSlot); it != db.valuestream_end(kVersionSlot); ++it) {
    uint64_t version = 0;
    std::string_view kind_id;
    std::string value = *it;
    if (!ParseVersionValue(value, &version, &kind_id)) continue;  // read as unversioned below
    versioned.insert(it.get_docid());
    (*held)[Fnv1a64(kind_id)] = {version, std::string(kind_id)};
  }
  if (versioned.size() == db.get_doccount()) return;
  // Documents without a version (indexed by an older faultgraph): their id
  // term names them; a hashed (over-long) id term cannot, and is left to
  // show up as missing, which repair fixes the same way.
  std::string prefix(kIdPrefix);
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    std::string term = *t;
    std::string_view kind_id = std::string_view(term).substr(prefix.size());
    auto p = db.postlist_begin(term);
    if (p == db.postlist_end(term) || versioned.count(*p) > 0) continue;
    if (kind_id.find(':') == std::string_view::npos) continue;
    held->try_emplace(Fnv1a64(kind_id), Held{0, std::string(kind_id)});
  }
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
    for (const auto* db : shards) {
      report.index_docs += db->get_doccount();
      ReadShard(*db, &held);
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
  auto fixes = store.ListEntities("fix", SIZE_MAX);
  if (!fixes.ok()) return fixes.status();
  for (const auto& f : *fixes) check("fix", f.id, DocVersion(f));
  for (const auto& [key, h] : held) {
    if (pending.count(key) == 0) report.orphaned.push_back(RefOf(h.kind_id));
  }
  return report;
}

}  // namespace faultgraph::search
