#include "search/indexer.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <atomic>
#include <filesystem>

#include "common/test_dir.h"
#include "graph/raw_batch_writes.h"
#include "graph/schema.h"
#include "graph/thrift_codec.h"
#include "search/index_schema.h"
#include "search/searcher.h"

namespace faultgraph::search {
namespace {

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = graph::GraphStore::Open(dir_ / "graph");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // Case `id` of product AC-1, queued for the index as ingest does.
  void AddCase(const std::string& id, const std::string& text) {
    graph::storage::CaseDoc c;
    c.case_id = id;
    c.product = "AC-1";
    c.family = "AC";
    c.symptom_text = text;
    c.opened_ms = 1700000000000LL;
    graph::GraphBatch b = store_->NewBatch();
    graph::RawBatchWrites::Put(b, graph::Cf::kCase, graph::keys::CaseDoc(id), graph::Encode(c));
    b.AddOutbox("case", id);
    ASSERT_TRUE(store_->Commit(b).ok());
  }

  std::unique_ptr<Indexer> OpenIndexer(IndexOptions options = {}) {
    auto ix = Indexer::Open(store_.get(), dir_ / "index", options);
    EXPECT_TRUE(ix.ok()) << ix.status().ToString();
    return ix.ok() ? std::move(ix).value() : nullptr;
  }

  // Fails the `n`th shard commit from now on (1-based), once.
  static IndexOptions FailingCommit(std::atomic<int>* commits, int n) {
    IndexOptions o;
    o.commit_every = 10;
    o.before_commit = [commits, n](int shard) {
      return ++*commits == n
                 ? Status::IOError("injected: disk full in shard " + std::to_string(shard))
                 : Status::Ok();
    };
    return o;
  }

  TestDir dir_;
  std::unique_ptr<graph::GraphStore> store_;
};

// Issue 23: a chunk that failed to commit stopped the rebuild, but the
// index, emptied by it, was then taken as complete: the next catch-up
// marked it up to date from an outbox that no longer held the cases.
TEST_F(IndexerTest, FailedRebuildIsNotMarkedComplete) {
  for (int i = 0; i < 40; ++i)
    AddCase("C" + std::to_string(i), "compressor noise " + std::to_string(i));
  std::atomic<int> commits{0};
  auto ix = OpenIndexer(FailingCommit(&commits, 1'000'000));
  ASSERT_NE(ix, nullptr);
  ASSERT_TRUE(ix->CatchUp().ok());  // everything indexed, the outbox trimmed

  commits = 0;
  ix.reset();
  ix = OpenIndexer(FailingCommit(&commits, 3));  // the second chunk fails
  auto rebuilt = ix->Rebuild();
  ASSERT_FALSE(rebuilt.ok());
  EXPECT_NE(rebuilt.status().message().find("injected"), std::string::npos)
      << rebuilt.status().ToString();
  EXPECT_TRUE(ix->rebuild_pending());
  EXPECT_LT(ix->indexed_seq(), store_->LastOutboxSeq());

  // A new case arrives; catching up must complete the index, not claim it.
  AddCase("C40", "compressor noise 40");
  auto caught = ix->CatchUp();
  ASSERT_TRUE(caught.ok()) << caught.status().ToString();
  EXPECT_FALSE(ix->rebuild_pending());
  EXPECT_EQ(ix->indexed_seq(), store_->LastOutboxSeq());
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << report->missing.size() << " missing";
  EXPECT_EQ(report->index_docs, 41u);
}

// The mark outlives the process: a rebuild that failed (or was killed) is
// finished by the next writer, whatever the outbox holds.
TEST_F(IndexerTest, UnfinishedRebuildIsResumedAfterReopen) {
  for (int i = 0; i < 30; ++i) AddCase("C" + std::to_string(i), "fan rattles " + std::to_string(i));
  {
    std::atomic<int> commits{0};
    auto ix = OpenIndexer(FailingCommit(&commits, 1'000'000));
    ASSERT_TRUE(ix->CatchUp().ok());
    commits = 0;
    ix.reset();
    ix = OpenIndexer(FailingCommit(&commits, 4));
    ASSERT_FALSE(ix->Rebuild().ok());
  }  // closed: Xapian commits whatever is pending on close
  auto ix = OpenIndexer();
  EXPECT_TRUE(ix->rebuild_pending());
  auto caught = ix->CatchUp();
  ASSERT_TRUE(caught.ok()) << caught.status().ToString();
  EXPECT_EQ(*caught, 30u);
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean()) << report->missing.size() << " missing";
}

// A kill -9 while a shard was being created or overwritten by a rebuild
// leaves its folder without Xapian's revision file ("iamglass"), which no
// reader or writer could open: every later run failed until the index was
// deleted by hand. The shard is now made anew and the index rebuilt, since
// the outbox was trimmed of what the lost shard held.
TEST_F(IndexerTest, ShardCutOffBeforeItsFirstCommitIsRebuilt) {
  for (int i = 0; i < 30; ++i) AddCase("C" + std::to_string(i), "drum noise " + std::to_string(i));
  {
    auto ix = OpenIndexer();
    ASSERT_TRUE(ix->CatchUp().ok());  // indexed, the outbox trimmed
  }
  ASSERT_TRUE(std::filesystem::remove(dir_ / "index/shard1/iamglass"));
  AddCase("C30", "drum noise 30");
  auto ix = OpenIndexer();
  ASSERT_NE(ix, nullptr);
  EXPECT_TRUE(ix->rebuild_pending());
  auto caught = ix->CatchUp();
  ASSERT_TRUE(caught.ok()) << caught.status().ToString();
  EXPECT_EQ(*caught, 31u);
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << report->missing.size() << " missing";
  EXPECT_EQ(report->index_docs, 31u);
}

// The same kill can leave the revision file but a table cut off before its
// first block: Xapian then fails every open with "EOF reading block 0"
// (seen in the PostgreSQL connector's kill loop). Made anew and rebuilt.
TEST_F(IndexerTest, ShardXapianCannotOpenIsMadeAnewAndRebuilt) {
  for (int i = 0; i < 20; ++i) AddCase("C" + std::to_string(i), "pump hums " + std::to_string(i));
  {
    auto ix = OpenIndexer();
    ASSERT_TRUE(ix->CatchUp().ok());
  }
  std::filesystem::resize_file(dir_ / "index/shard0/postlist.glass", 0);
  std::filesystem::resize_file(dir_ / "index/shard0/termlist.glass", 0);
  auto ix = OpenIndexer();
  ASSERT_NE(ix, nullptr);
  EXPECT_TRUE(ix->rebuild_pending());
  ASSERT_TRUE(ix->CatchUp().ok());
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << report->missing.size() << " missing";
  EXPECT_EQ(report->index_docs, 20u);
}

// An index folder deleted by hand (or a store ingested with --no-index and
// its outbox trimmed by an earlier index) is rebuilt from the graph, not
// caught up from an outbox that no longer holds everything.
TEST_F(IndexerTest, DeletedIndexIsRebuiltFromTheGraph) {
  for (int i = 0; i < 12; ++i) AddCase("C" + std::to_string(i), "belt slips " + std::to_string(i));
  {
    auto ix = OpenIndexer();
    ASSERT_TRUE(ix->CatchUp().ok());
  }
  std::filesystem::remove_all(dir_ / "index");
  auto ix = OpenIndexer();
  ASSERT_NE(ix, nullptr);
  ASSERT_TRUE(ix->CatchUp().ok());
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << report->missing.size() << " missing";
  EXPECT_EQ(report->index_docs, 12u);
}

// Issue 18: the stored fields are written to a value slot, so that Xapian
// does not deflate a document data entry per document; both a catch-up
// and a rebuild write them there, and searches show them.
TEST_F(IndexerTest, StoredFieldsAreInTheirSlotNotTheDocumentData) {
  AddCase("C1", "compressor rattles at start");
  auto ix = OpenIndexer();
  ASSERT_NE(ix, nullptr);
  for (bool rebuild : {false, true}) {
    ASSERT_TRUE((rebuild ? ix->Rebuild() : ix->CatchUp()).ok());
    ix.reset();
    {
      Xapian::Database shards;
      for (const auto& p : ShardPaths(dir_ / "index", IndexOptions{}.shards))
        shards.add_database(Xapian::Database(p));
      ASSERT_EQ(shards.get_doccount(), 1u);
      auto doc = shards.get_document(*shards.postlist_begin(""));
      EXPECT_EQ(doc.get_data(), "") << (rebuild ? "rebuild" : "catch-up");
      auto sd = StoredDoc::Parse(doc.get_value(kStoredSlot));
      ASSERT_TRUE(sd.ok()) << sd.status().ToString();
      EXPECT_EQ(sd->id, "C1");
      EXPECT_EQ(sd->title, "compressor rattles at start");
    }
    auto searcher = Searcher::Open(dir_ / "index", IndexOptions{}.shards);
    ASSERT_TRUE(searcher.ok()) << searcher.status().ToString();
    SearchRequest req;
    req.text = "compressor";
    auto found = (*searcher)->Search(req);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_EQ(found->hits.size(), 1u);
    EXPECT_EQ(found->hits[0].id, "C1");
    ix = OpenIndexer();
    ASSERT_NE(ix, nullptr);
  }
}

// The last commit of a rebuild failing in one shard leaves that shard
// marked, and the rebuild is done again.
TEST_F(IndexerTest, FailedFinalMarkKeepsTheRebuildPending) {
  for (int i = 0; i < 5; ++i) AddCase("C" + std::to_string(i), "leaks water " + std::to_string(i));
  std::atomic<int> commits{0};
  // 2 shards, one chunk of 5 cases: commits 1-2 the chunk, 3-4 the final mark.
  auto ix = OpenIndexer(FailingCommit(&commits, 4));
  ASSERT_FALSE(ix->Rebuild().ok());
  EXPECT_TRUE(ix->rebuild_pending());
  ix.reset();
  ix = OpenIndexer();
  EXPECT_TRUE(ix->rebuild_pending());
  ASSERT_TRUE(ix->CatchUp().ok());
  EXPECT_FALSE(ix->rebuild_pending());
}

// Issue 23: a fix's target that could not be read (here a corrupt product
// record) was filed as a component. It is now an error for that document,
// which is left out loudly (and `verify` lists it) rather than built wrong.
TEST_F(IndexerTest, UnreadableProductIsNotTakenForAComponent) {
  graph::GraphBatch b = store_->NewBatch();
  graph::RawBatchWrites::Put(b, graph::Cf::kEntity, graph::keys::Entity("product", "AC-1"), "\xff\xff not thrift");
  graph::storage::Entity fix;
  fix.kind = "fix";
  fix.id = "FX-1";
  fix.name = "replace the capacitor";
  fix.applies_to = {"AC-1"};
  b.PutEntity(fix);
  b.AddOutbox("fix", "FX-1");
  ASSERT_TRUE(store_->Commit(b).ok());
  ASSERT_FALSE(store_->GetEntity("product", "AC-1").ok());

  auto ix = OpenIndexer();
  ASSERT_TRUE(ix->CatchUp().ok());
  auto searcher = Searcher::Open(dir_ / "index", IndexOptions().shards);
  ASSERT_TRUE(searcher.ok());
  SearchRequest req;
  req.text = "capacitor";
  req.filters.component = "AC-1";
  auto r = (*searcher)->Search(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->hits.empty()) << "AC-1 filed as a component of " << r->hits[0].id;
  auto report = ix->Verify();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->missing.size(), 1u);
  EXPECT_EQ(report->missing[0].id, "FX-1");
}

}  // namespace
}  // namespace faultgraph::search
