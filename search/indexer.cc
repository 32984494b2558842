#include "search/indexer.h"

#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <thread>

#include "common/hash.h"
#include "common/log.h"
#include "common/parse_number.h"
#include "graph/schema.h"
#include "graph/vocabulary.h"
#include "search/analyzer.h"
#include "search/index_schema.h"
#include "text/text_fold.h"

namespace faultgraph::search {

struct Indexer::Shard {
  std::unique_ptr<Xapian::WritableDatabase> db;
  Xapian::TermGenerator generator;
  uint64_t seq = 0;
  bool rebuilding = false;  // kRebuildingKey: emptied by a rebuild that has not finished
};

std::vector<std::string> ShardPaths(const std::string& dir, int shards) {
  std::vector<std::string> out;
  for (int i = 0; i < shards; ++i) out.push_back(dir + "/shard" + std::to_string(i));
  return out;
}

namespace {

// Block size of new shards: Xapian's default, 8 KiB. Every block read is
// one pread copying the whole block; since searches on large indexes read
// only their newest months (searcher.cc, issue 18), they read few blocks
// of each list at scattered places, and small blocks copy less (64 KiB
// blocks, chosen when searches read whole lists, made the p99 at 1M cases
// 9 ms instead of 5). Fixed at creation: older shards keep theirs until
// `faultgraph reindex`.
constexpr int kBlockSize = 8192;

void AddTerms(Xapian::Document& doc, std::string_view prefix,
              const std::vector<std::string>& values) {
  for (const auto& v : values) {
    if (!v.empty()) doc.add_boolean_term(BoundedTerm(prefix, v));
  }
}

// Builds the document of one outbox entry from the graph's current data:
// for a case, `the_case` as read from the graph (nullopt: there is none).
// NotFound when the entity no longer exists.
Result<Xapian::Document> BuildDocument(const graph::GraphStore& store, const TextFolder& folder,
                                       Xapian::TermGenerator& gen, const graph::OutboxEntry& e,
                                       const std::optional<graph::storage::CaseDoc>& the_case) {
  StoredDoc sd;
  sd.kind = e.kind;
  sd.id = e.id;
  std::string text, ids;
  Xapian::Document doc;
  uint64_t version = 0;
  if (e.kind == "case") {
    if (!the_case.has_value()) return Status::NotFound("case '" + e.id + "' is not in the graph");
    const graph::storage::CaseDoc* c = &*the_case;
    version = DocVersion(*c);
    text = c->symptom_text + "\n" + c->notes + "\n" + c->failure_cause;
    sd.folded = c->folded_text;  // folded at ingest when text rules ran
    sd.title = c->symptom_text;
    ids = c->case_id + " " + c->asset_serial;
    sd.product = c->product;
    sd.components = c->components;
    sd.symptoms = c->symptoms;
    sd.fixes = c->fixes;
    sd.opened_ms = c->opened_ms;
    sd.cause = c->failure_cause;
    AddTerms(doc, kProductPrefix, {c->product});
    AddTerms(doc, kFamilyPrefix, {c->family});
    AddTerms(doc, kRegionPrefix, {c->region});
    AddTerms(doc, kMonthPrefix, {std::to_string(graph::MonthOf(c->opened_ms))});
    doc.add_value(kOpenedSlot, Xapian::sortable_serialise(static_cast<double>(c->opened_ms)));
  } else if (e.kind == graph::kinds::kFix) {
    auto f = store.GetEntity(graph::kinds::kFix, e.id);
    if (!f.ok()) return f.status();
    version = DocVersion(*f);
    text = f->name + "\n" + f->text;
    sd.title = f->name;
    sd.fixes = {f->id};
    for (const auto& target : f->applies_to) {
      // A product, else a component; a failed read is neither, and fails
      // the document rather than filing it under the wrong facet.
      auto product = store.GetEntity(graph::kinds::kProduct, target);
      if (product.ok()) {
        AddTerms(doc, kProductPrefix, {target});
      } else if (product.status().IsNotFound()) {
        sd.components.push_back(target);
      } else {
        return product.status();
      }
    }
  } else {
    return Status::InvalidArgument("unknown outbox kind '" + e.kind + "'");
  }
  if (sd.folded.empty()) sd.folded = folder.Fold(text);
  if (text != sd.folded) sd.shown = std::move(text);
  AddTerms(doc, kKindPrefix, {e.kind});
  AddTerms(doc, kComponentPrefix, sd.components);
  AddTerms(doc, kSymptomPrefix, sd.symptoms);
  AddTerms(doc, kFixPrefix, sd.fixes);
  IndexText(gen, doc, sd.folded);
  // A case is found by its id and its asset's serial as typed (issue 17):
  // their words, analysed like the query's, with a within-document
  // frequency of 0, so that they match without lengthening the document
  // (BM25 normalises by length) or weighing in any other query's ranking.
  if (!ids.empty()) {
    Xapian::Document scratch;
    IndexText(gen, scratch, folder.Fold(ids));
    for (auto t = scratch.termlist_begin(); t != scratch.termlist_end(); ++t) doc.add_term(*t, 0);
    gen.set_document(doc);
  }
  doc.add_boolean_term(IdTerm(e.kind, e.id));
  doc.add_value(kVersionSlot, VersionValue(version, e.kind, e.id));
  // The stored fields go in a value slot, not the document data: Xapian
  // compresses each document's data with zlib as it is written (a deflate
  // reset per document: a fifth of indexing), while value streams are
  // kept as they are beside the posting lists. No data: no docdata entry.
  doc.add_value(kStoredSlot, sd.Serialise());
  return doc;
}

// A shard's writes of one chunk, committed as one or not at all: on an
// error the transaction is cancelled, so that nothing of a failed chunk —
// least of all the outbox sequence or the end of a rebuild's mark — is left
// pending for a later commit (or the database's destructor, which commits
// what is pending) to write.
class ShardTransaction {
 public:
  explicit ShardTransaction(Xapian::WritableDatabase& db) : db_(db) { db_.begin_transaction(); }
  ~ShardTransaction() {
    if (!open_) return;
    try {
      db_.cancel_transaction();
    } catch (const Xapian::Error&) {  // a failed commit already ended it
    }
  }
  ShardTransaction(const ShardTransaction&) = delete;
  ShardTransaction& operator=(const ShardTransaction&) = delete;
  void Commit() {
    open_ = false;
    db_.commit_transaction();
  }

 private:
  Xapian::WritableDatabase& db_;
  bool open_ = true;
};

void SkipDocument(const graph::OutboxEntry& e, std::string_view why) {
  LogError("search index: " + e.kind + " '" + e.id.substr(0, 100) +
           (e.id.size() > 100 ? "...' (" + std::to_string(e.id.size()) + " bytes)" : "'") +
           " left out of the index: " + std::string(why.substr(0, 300)));
}

}  // namespace

Result<std::unique_ptr<Indexer>> Indexer::Open(graph::GraphStore* store, const std::string& dir,
                                               const IndexOptions& options) {
  auto ix = std::unique_ptr<Indexer>(new Indexer());
  ix->store_ = store;
  ix->dir_ = dir;
  ix->options_ = options;
  auto folder = text::TextFolder::Shared();
  if (!folder.ok()) return folder.status();
  ix->folder_ = folder.value();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create index directory " + dir + ": " + ec.message());
  try {
    for (const auto& path : ShardPaths(dir, options.shards)) {
      auto shard = std::make_unique<Shard>();
      // A shard without its revision file was never finished: its creation
      // or a rebuild's overwrite was cut off (kill -9), or it was deleted.
      // One that Xapian cannot open (a table cut off before its first
      // block: "EOF reading block 0") is no better. Either is made anew,
      // and when the graph has numbered anything the outbox may no longer
      // hold what it lacks (trimmed once indexed), so the shard is marked
      // for a rebuild, which the first catch-up runs. The graph is the
      // record; the index is only derived from it. (A shard another writer
      // holds is left alone: DatabaseLockError goes to the caller.)
      bool fresh = !std::filesystem::exists(path + "/iamglass", ec);
      std::string damage = fresh && std::filesystem::exists(path, ec)
                               ? "was left unfinished (its creation or a rebuild was cut off)"
                               : "";
      if (!fresh) {
        try {
          shard->db = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OPEN,
                                                                 kBlockSize);
          (void)shard->db->get_metadata(kIndexedSeqKey);  // reads the tables' first blocks
        } catch (const Xapian::DatabaseLockError&) {
          throw;
        } catch (const Xapian::DatabaseError& e) {
          shard->db.reset();
          damage = "cannot be opened (" + e.get_description().substr(0, 200) + ")";
          fresh = true;
        }
      }
      if (fresh) {
        if (!damage.empty()) std::filesystem::remove_all(path, ec);
        shard->db = std::make_unique<Xapian::WritableDatabase>(path, Xapian::DB_CREATE_OR_OVERWRITE,
                                                               kBlockSize);
      }
      if (fresh && store->LastOutboxSeq() > 0) {
        const std::string what = "search index: shard " + path + " " +
                                 (damage.empty() ? "is new" : damage) +
                                 "; the index is rebuilt from the graph";
        damage.empty() ? LogInfo(what) : LogWarn(what);
        shard->db->set_metadata(kRebuildingKey, "1");
        shard->db->commit();
      }
      std::string seq = shard->db->get_metadata(kIndexedSeqKey);
      if (!seq.empty() && !ParseInteger(seq, &shard->seq)) {
        return Status::Corruption("the search index shard " + path + " holds a bad " +
                                  kIndexedSeqKey + " '" + seq.substr(0, 40) +
                                  "': run 'faultgraph reindex'");
      }
      shard->rebuilding = !shard->db->get_metadata(kRebuildingKey).empty();
      ConfigureGenerator(shard->generator);
      ix->shards_.push_back(std::move(shard));
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot open the search index in " + dir + ": " +
                           e.get_description().substr(0, 500));
  }
  // A store written before the outbox high-water mark may have restarted
  // its numbering below what the index holds; continue after the index, or
  // new entries would be taken as indexed already. (What was numbered
  // again before this fix is found by Verify and put back by Repair.)
  uint64_t highest = 0;
  for (const auto& sh : ix->shards_) highest = std::max(highest, sh->seq);
  if (highest > store->LastOutboxSeq()) {
    LogWarn("search index: it holds outbox sequence " + std::to_string(highest) +
            " but the graph numbers from " + std::to_string(store->LastOutboxSeq()) +
            " (written by an older faultgraph): numbering continues after the index; run "
            "'faultgraph verify --repair' for documents lost before");
    FG_RETURN_IF_ERROR(store->RaiseOutboxSeq(highest));
  }
  return ix;
}

Indexer::~Indexer() = default;

uint64_t Indexer::indexed_seq() const {
  uint64_t lowest = UINT64_MAX;
  for (const auto& s : shards_) lowest = std::min(lowest, s->seq);
  return shards_.empty() ? 0 : lowest;
}

bool Indexer::rebuild_pending() const {
  return std::any_of(shards_.begin(), shards_.end(), [](const auto& s) { return s->rebuilding; });
}

Status Indexer::IndexChunk(const std::vector<graph::OutboxEntry>& items, uint64_t seq,
                           IndexChunkOptions how,
                           std::vector<std::optional<graph::storage::CaseDoc>> cases) {
  const bool mark = how.mark;
  size_t n = shards_.size();
  std::vector<std::vector<size_t>> parts(n);  // indexes into items
  for (size_t k = 0; k < items.size(); ++k)
    parts[Fnv1a64(items[k].kind + ":" + items[k].id) % n].push_back(k);
  const bool read_cases = cases.empty();
  if (read_cases) cases.resize(items.size());
  std::vector<Status> results(n);
  auto work = [&](size_t i) {
    Shard& shard = *shards_[i];
    try {
      std::vector<size_t> todo;
      for (size_t k : parts[i]) {
        if (!mark || items[k].seq > shard.seq) todo.push_back(k);  // else: held already
      }
      if (read_cases) {  // one batched read (a Get per case was a tenth of the indexing)
        std::vector<std::string> ids;
        std::vector<size_t> slots;
        for (size_t k : todo) {
          if (items[k].kind != "case") continue;
          ids.push_back(items[k].id);
          slots.push_back(k);
        }
        auto read = store_->GetCases(ids);
        if (!read.ok()) {
          results[i] = read.status();
          return;
        }
        for (size_t j = 0; j < slots.size(); ++j) cases[slots[j]] = std::move((*read)[j]);
      }
      ShardTransaction txn(*shard.db);
      for (size_t k : todo) {
        const graph::OutboxEntry* e = &items[k];
        std::string id_term = IdTerm(e->kind, e->id);
        auto doc = BuildDocument(*store_, *folder_, shard.generator, *e, cases[k]);
        cases[k].reset();  // built: its memory back before the shard commits
        if (doc.ok()) {
          try {
            if (how.fresh) {
              shard.db->add_document(*doc);
            } else {
              shard.db->replace_document(id_term, *doc);
            }
          } catch (const Xapian::InvalidArgumentError& bad) {
            // One document Xapian refuses must not stop the index for
            // good: it is left out, loudly, and `verify` lists it.
            SkipDocument(*e, bad.get_description());
          }
        } else if (doc.status().IsNotFound()) {
          shard.db->delete_document(id_term);
        } else if (doc.status().code() == Status::Code::kCorruption ||
                   doc.status().code() == Status::Code::kInvalidArgument) {
          SkipDocument(*e, doc.status().message());
        } else {
          results[i] = doc.status();
          return;
        }
      }
      if (mark) {
        shard.db->set_metadata(kIndexedSeqKey, std::to_string(seq));
        shard.db->set_metadata(kRebuildingKey, shard.rebuilding ? "1" : "");  // "": removed
      }
      if (options_.before_commit) {
        results[i] = options_.before_commit(static_cast<int>(i));
        if (!results[i].ok()) return;
      }
      txn.Commit();
      if (mark) shard.seq = seq;
    } catch (const Xapian::Error& e) {
      // Bounded: Xapian quotes the offending term, which a source controls.
      results[i] = Status::IOError("index shard " + std::to_string(i) + ": " +
                                   e.get_description().substr(0, 500));
    } catch (...) {
      // A shard's thread must not end the process (the document builder
      // runs arbitrary stored data through the analyzer).
      results[i] = CurrentExceptionStatus("index shard " + std::to_string(i));
    }
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; ++i) {
    try {
      threads.emplace_back(work, i);
    } catch (const std::system_error&) {
      work(i);  // no thread to spare: this shard on this one
    }
  }
  work(0);
  for (auto& t : threads) t.join();
  for (const auto& s : results) FG_RETURN_IF_ERROR(s);
  return Status::Ok();
}

Result<uint64_t> Indexer::CatchUp() {
  if (rebuild_pending()) {
    // The outbox holds only what came after the rebuild began: it cannot
    // complete an index the rebuild emptied.
    LogWarn(
        "search index: incomplete (a rebuild did not finish, or a shard is new); "
        "rebuilding the index");
    return Rebuild();
  }
  uint64_t done = 0;
  for (;;) {
    uint64_t from = indexed_seq();
    auto items = store_->ReadOutbox(from, options_.commit_every);
    if (!items.ok()) return items.status();
    if (items->empty()) break;
    FG_RETURN_IF_ERROR(IndexChunk(*items, items->back().seq));
    done += items->size();
  }
  if (done > 0) FG_RETURN_IF_ERROR(store_->TrimOutbox(indexed_seq()));
  return done;
}

Result<uint64_t> Indexer::Rebuild() {
  // Everything committed up to `upto` is in the graph now; entries after it
  // are picked up by the next CatchUp.
  uint64_t upto = store_->LastOutboxSeq();
  const auto paths = ShardPaths(dir_, options_.shards);
  try {
    // Each emptied shard is marked incomplete in its first commit, so that
    // an error or a kill from there on leaves the index known incomplete
    // (a kill between the overwrite and that commit leaves an empty shard
    // behind WRITER_OPEN, which the next writer checks and repairs).
    for (size_t i = 0; i < shards_.size(); ++i) {
      Shard& s = *shards_[i];
      s.db->close();
      s.db = std::make_unique<Xapian::WritableDatabase>(paths[i], Xapian::DB_CREATE_OR_OVERWRITE,
                                                        kBlockSize);
      s.seq = 0;
      s.rebuilding = true;
      s.db->set_metadata(kRebuildingKey, "1");
      s.db->commit();
    }
  } catch (const Xapian::Error& e) {
    return Status::IOError("cannot reset the search index: " + e.get_description());
  }
  std::vector<graph::OutboxEntry> items;
  std::vector<std::optional<graph::storage::CaseDoc>> cases;  // as scanned: not read again
  uint64_t total = 0;
  // The scan fills the next chunk while the shards index the one before
  // (one chunk in flight): scanning and decoding the cases would otherwise
  // leave the shards' cores waiting (a 1M rebuild used 1.4 of 2 cores).
  std::vector<graph::OutboxEntry> flight_items;
  std::vector<std::optional<graph::storage::CaseDoc>> flight_cases;
  Status written;  // the chunk in flight's
  auto index_flight = [&] {
    written = IndexChunk(flight_items, 0, {.mark = true, .fresh = true}, std::move(flight_cases));
  };
  std::thread writer;
  struct JoinOnExit {  // every way out waits for the chunk in flight
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } join_on_exit{writer};
  auto wait = [&]() -> Status {
    if (writer.joinable()) writer.join();
    return written;
  };
  auto flush = [&]() -> Status {
    FG_RETURN_IF_ERROR(wait());
    // Every shard is marked with `upto` only at the very end: an interrupted
    // rebuild starts again from zero rather than claiming what it lacks.
    for (auto& s : shards_) s->seq = 0;
    if (!cases.empty()) cases.resize(items.size());  // the fixes: read by the builder
    total += items.size();
    flight_items.swap(items);
    flight_cases.swap(cases);
    items.clear();
    cases.clear();
    try {
      writer = std::thread(index_flight);
    } catch (const std::system_error&) {
      index_flight();  // no thread to spare: this chunk on this one
    }
    return Status::Ok();
  };
  Status flushed;  // a failed chunk stops the scan and the rebuild with it
  Status scan = store_->ForEachCase([&](const graph::storage::CaseDoc& c) {
    items.push_back({1, "case", c.case_id});
    cases.push_back(c);
    if (items.size() < options_.commit_every) return true;
    flushed = flush();
    return flushed.ok();
  });
  FG_RETURN_IF_ERROR(flushed);
  FG_RETURN_IF_ERROR(scan);
  auto fixes = store_->ListEntities(graph::kinds::kFix, SIZE_MAX);
  if (!fixes.ok()) return fixes.status();
  for (const auto& f : *fixes) items.push_back({1, "fix", f.id});
  FG_RETURN_IF_ERROR(flush());
  FG_RETURN_IF_ERROR(wait());
  // Complete: each shard holds `upto` and loses its mark in one commit.
  for (auto& s : shards_) s->rebuilding = false;
  Status marked = IndexChunk({}, upto);
  if (!marked.ok()) {
    for (auto& s : shards_) s->rebuilding = true;  // a shard that failed keeps its mark
    return marked;
  }
  FG_RETURN_IF_ERROR(store_->TrimOutbox(upto));
  return total;
}

Result<IndexReport> Indexer::Verify() const {
  std::vector<const Xapian::Database*> dbs;
  for (const auto& s : shards_) dbs.push_back(s->db.get());
  return VerifyIndex(*store_, dbs, indexed_seq());
}

Result<uint64_t> Indexer::Repair(const IndexReport& report) {
  std::vector<graph::OutboxEntry> items;
  for (const auto* list : {&report.missing, &report.stale, &report.orphaned}) {
    for (const auto& d : *list) items.push_back({UINT64_MAX, d.kind, d.id});
  }
  // Orphans are documents whose record is gone: building them finds
  // nothing, which deletes them.
  for (size_t from = 0; from < items.size(); from += options_.commit_every) {
    size_t to = std::min(items.size(), from + options_.commit_every);
    std::vector<graph::OutboxEntry> chunk(items.begin() + from, items.begin() + to);
    FG_RETURN_IF_ERROR(IndexChunk(chunk, 0, {.mark = false}));
  }
  return items.size();
}

}  // namespace faultgraph::search
