#include "graph/graph_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "common/test_dir.h"
#include "graph/raw_batch_writes.h"
#include "graph/schema.h"

namespace faultgraph::graph {

class GraphStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = std::make_unique<TestDir>();
    dir_ = tmp_->Path("db");
    auto r = GraphStore::Open(dir_.string());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    store_ = std::move(r).value();
  }
  void TearDown() override { store_.reset(); }
  std::unique_ptr<TestDir> tmp_;
  std::filesystem::path dir_;
  std::unique_ptr<GraphStore> store_;
};

TEST_F(GraphStoreTest, EntityRoundTripAndMiss) {
  GraphBatch b = store_->NewBatch();
  storage::Entity e;
  e.kind = "product";
  e.id = "AC-200";
  e.name = "空调 200";
  e.family = "AC";
  b.PutEntity(e);
  ASSERT_TRUE(store_->Commit(b).ok());
  auto got = store_->GetEntity("product", "AC-200");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "空调 200");
  EXPECT_EQ(got->family, "AC");
  EXPECT_TRUE(store_->GetEntity("product", "AC-2").status().IsNotFound());
}

// Issue 23: a dead letter by id read the whole dead-letter store. It is one
// key now, kept with every put and delete, and built once for a store
// written before it.
TEST_F(GraphStoreTest, DeadLetterByIdIsOneReadAndOlderStoresAreIndexedOnOpen) {
  auto letter = [](uint64_t offset) {
    storage::DeadLetter d;
    d.source = "crm";
    d.stream = "tickets.csv";
    d.byte_offset = static_cast<int64_t>(offset);
    d.reason = "bad date at byte " + std::to_string(offset);
    return d;
  };
  {
    GraphBatch b = store_->NewBatch();
    for (uint64_t off : {10, 20, 30}) b.PutDeadLetter(letter(off), off);
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  auto found = store_->FindDeadLetter(DeadLetterId(letter(20)));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->reason, "bad date at byte 20");
  EXPECT_TRUE(store_->FindDeadLetter("000000000000").status().IsNotFound());
  {
    GraphBatch b = store_->NewBatch();
    b.DeleteDeadLetter(letter(20));
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  EXPECT_TRUE(store_->FindDeadLetter(DeadLetterId(letter(20))).status().IsNotFound());

  // A store from before the index: the dead letters without their keys.
  {
    GraphBatch b = store_->NewBatch();
    for (uint64_t off : {10, 30})
      RawBatchWrites::Delete(b, Cf::kAudit, keys::DeadLetterById(DeadLetterId(letter(off))));
    RawBatchWrites::Delete(b, Cf::kAudit, keys::DeadLetterIndexMark());
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  EXPECT_TRUE(store_->FindDeadLetter(DeadLetterId(letter(30))).status().IsNotFound());
  store_.reset();
  auto r = GraphStore::Open(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store_ = std::move(r).value();
  auto again = store_->FindDeadLetter(DeadLetterId(letter(30)));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->reason, "bad date at byte 30");
}

// Issue 23: `status` counted every key of three column families per call
// (about a second at 1.2M records). The counts are kept by every commit
// now, exact whatever the batch does (a put over an existing key, a
// delete of an absent one, several operations on one key), and a store
// written before them is counted once when opened.
TEST_F(GraphStoreTest, KeptCountsEqualTheKeysAfterAnyMixOfWrites) {
  auto entity = [](int i) {
    storage::Entity e;
    e.kind = "product";
    e.id = "P" + std::to_string(i);
    return e;
  };
  auto letter = [](uint64_t offset) {
    storage::DeadLetter d;
    d.source = "crm";
    d.stream = "tickets.csv";
    d.byte_offset = static_cast<int64_t>(offset);
    d.reason = "bad row";
    return d;
  };
  auto expect_exact = [&](const char* when) {
    for (Cf cf : {Cf::kDedup, Cf::kEntity, Cf::kDlq}) {
      auto n = store_->CountKeys(cf);
      ASSERT_TRUE(n.ok());
      EXPECT_EQ(store_->KeptCount(cf), *n) << CfName(cf) << " " << when;
    }
  };
  expect_exact("empty");
  {
    GraphBatch b = store_->NewBatch();
    for (int i = 0; i < 10; ++i) b.PutEntity(entity(i));
    for (int i = 0; i < 7; ++i) b.PutDedup("erp", "R" + std::to_string(i), storage::DedupEntry{});
    for (uint64_t off : {10, 20, 30}) b.PutDeadLetter(letter(off), off);
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  EXPECT_EQ(store_->KeptCount(Cf::kEntity), 10u);
  EXPECT_EQ(store_->KeptCount(Cf::kDedup), 7u);
  EXPECT_EQ(store_->KeptCount(Cf::kDlq), 3u);
  {
    GraphBatch b = store_->NewBatch();
    for (int i = 5; i < 15; ++i) b.PutEntity(entity(i));  // 5 over existing keys, 5 new
    RawBatchWrites::Delete(b, Cf::kEntity, keys::Entity("product", "P0"));
    RawBatchWrites::Delete(b, Cf::kEntity, keys::Entity("product", "absent"));
    RawBatchWrites::Delete(b, Cf::kEntity, keys::Entity("product", "P14"));  // put, then deleted
    b.PutDedup("erp", "R1", storage::DedupEntry{});         // a revision
    b.DeleteDeadLetter(letter(20));
    b.PutDeadLetter(letter(30), 30);  // rejected again at the same place
    b.DeleteDeadLetter(letter(99));   // never there
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  EXPECT_EQ(store_->KeptCount(Cf::kEntity), 13u);
  EXPECT_EQ(store_->KeptCount(Cf::kDedup), 7u);
  EXPECT_EQ(store_->KeptCount(Cf::kDlq), 2u);
  expect_exact("after a mixed batch");

  // Reopened: read back, not counted.
  store_.reset();
  auto r = GraphStore::Open(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store_ = std::move(r).value();
  expect_exact("reopened");

  // A store from before the kept counts: counted once when opened.
  {
    GraphBatch b = store_->NewBatch();
    RawBatchWrites::Delete(b, Cf::kAudit, keys::KeyCount(Cf::kDedup));
    RawBatchWrites::Delete(b, Cf::kAudit, keys::KeyCount(Cf::kEntity));
    RawBatchWrites::Delete(b, Cf::kAudit, keys::KeyCount(Cf::kDlq));
    ASSERT_TRUE(store_->Commit(b).ok());
  }
  store_.reset();
  r = GraphStore::Open(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  store_ = std::move(r).value();
  EXPECT_EQ(store_->KeptCount(Cf::kEntity), 13u);
  expect_exact("an older store, reopened");
}

TEST_F(GraphStoreTest, NeighboursBothDirectionsWithCounts) {
  GraphBatch b = store_->NewBatch();
  b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "compressor"), 3);
  b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "fan"), 5);
  b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E45", "valve"), 1);
  b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "sensor"), 1);
  b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "AC:E4", "sensor"), -1);
  ASSERT_TRUE(store_->Commit(b).ok());
  auto out = store_->Neighbours(EdgeType::kCausedBy, "*", "AC:E4", Direction::kOut, 10);
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);  // the retracted edge is gone; AC:E45 is another symptom
  EXPECT_EQ((*out)[0].id, "fan");
  EXPECT_EQ((*out)[0].count, 5u);
  EXPECT_EQ((*out)[1].id, "compressor");
  auto in = store_->Neighbours(EdgeType::kCausedBy, "*", "compressor", Direction::kIn, 10);
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->size(), 1u);
  EXPECT_EQ((*in)[0].id, "AC:E4");
  EXPECT_EQ((*in)[0].count, 3u);
}

// Only the best `limit` are kept while reading: the answer must equal the
// full list sorted by count (ties in id order) and cut, for every limit.
TEST_F(GraphStoreTest, NeighboursKeepTheBestLimitWithTiesInIdOrder) {
  GraphBatch b = store_->NewBatch();
  std::vector<Neighbour> all;
  for (int i = 0; i < 200; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "c%03d", i);
    int64_t count = 1 + (i * 37) % 11;  // many ties
    b.Add(Cf::kEdge, keys::Edge(EdgeType::kCausedBy, "*", "S", id), count);
    all.push_back({id, static_cast<uint64_t>(count)});
  }
  ASSERT_TRUE(store_->Commit(b).ok());
  std::stable_sort(all.begin(), all.end(),
                   [](const Neighbour& x, const Neighbour& y) { return x.count > y.count; });
  for (size_t limit : {0, 1, 5, 17, 64, 199, 200, 500}) {
    auto out = store_->Neighbours(EdgeType::kCausedBy, "*", "S", Direction::kOut, limit);
    ASSERT_TRUE(out.ok());
    ASSERT_EQ(out->size(), std::min(limit, all.size())) << "limit " << limit;
    for (size_t i = 0; i < out->size(); ++i) {
      EXPECT_EQ((*out)[i].id, all[i].id) << "limit " << limit << " rank " << i;
      EXPECT_EQ((*out)[i].count, all[i].count) << "limit " << limit << " rank " << i;
    }
  }
}

TEST_F(GraphStoreTest, AssetTimelineInTimeOrder) {
  GraphBatch b = store_->NewBatch();
  RawBatchWrites::Put(b, Cf::kCase, keys::Timeline("SN1", 3000, "case", "c3"), "");
  RawBatchWrites::Put(b, Cf::kCase, keys::Timeline("SN1", 1000, "sensor", "s1"), "");
  RawBatchWrites::Put(b, Cf::kCase, keys::Timeline("SN1", 2000, "contact", "k1"), "");
  RawBatchWrites::Put(b, Cf::kCase, keys::Timeline("SN10", 500, "case", "other"), "");
  ASSERT_TRUE(store_->Commit(b).ok());
  auto t = store_->AssetTimeline("SN1", 100);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].id, "s1");
  EXPECT_EQ((*t)[1].id, "k1");
  EXPECT_EQ((*t)[2].id, "c3");
  EXPECT_EQ((*t)[2].kind, "case");
}

TEST_F(GraphStoreTest, DedupVisibleInBatchBeforeCommit) {
  GraphBatch b = store_->NewBatch();
  storage::DedupEntry d;
  d.version = "v2";
  b.PutDedup("crm", "T1", d);
  auto in_batch = store_->GetDedup(&b, "crm", "T1");
  ASSERT_TRUE(in_batch.ok());
  ASSERT_TRUE(in_batch->has_value());
  EXPECT_EQ((*in_batch)->version, "v2");
  auto stored = store_->GetDedup(nullptr, "crm", "T1");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->has_value());
  ASSERT_TRUE(store_->Commit(b).ok());
  stored = store_->GetDedup(nullptr, "crm", "T1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
}

TEST_F(GraphStoreTest, DigestIgnoresZeroCountersAndCheckpoints) {
  auto before = store_->Digest();
  ASSERT_TRUE(before.ok());
  GraphBatch b = store_->NewBatch();
  b.Add(Cf::kCounter, keys::Counter("cases", "AC-200"), 2);
  b.Add(Cf::kCounter, keys::Counter("cases", "AC-200"), -2);
  storage::Checkpoint cp;
  cp.source = "crm";
  cp.stream = "file";
  b.PutCheckpoint(cp);
  ASSERT_TRUE(store_->Commit(b).ok());
  auto after = store_->Digest();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(before->hex, after->hex);
  GraphBatch b2 = store_->NewBatch();
  b2.Add(Cf::kCounter, keys::Counter("cases", "AC-200"), 1);
  ASSERT_TRUE(store_->Commit(b2).ok());
  EXPECT_NE(store_->Digest()->hex, before->hex);
}

TEST_F(GraphStoreTest, SecondOpenOfSameDirIsBusy) {
  auto second = GraphStore::Open(dir_.string());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy) << second.status().ToString();
}

}  // namespace faultgraph::graph

namespace faultgraph::graph {

TEST_F(GraphStoreTest, OutboxNumbersInCommitOrderAcrossReopen) {
  GraphBatch b = store_->NewBatch();
  b.AddOutbox("case", "T1");
  b.AddOutbox("fix", "FX-1");
  ASSERT_TRUE(store_->Commit(b).ok());
  EXPECT_EQ(store_->LastOutboxSeq(), 2u);
  store_.reset();
  store_ = std::move(GraphStore::Open(dir_.string())).value();
  EXPECT_EQ(store_->LastOutboxSeq(), 2u);
  GraphBatch b2 = store_->NewBatch();
  b2.AddOutbox("case", "T2");
  ASSERT_TRUE(store_->Commit(b2).ok());
  auto all = store_->ReadOutbox(0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].seq, 3u);
  EXPECT_EQ((*all)[2].id, "T2");
  EXPECT_EQ(store_->ReadOutbox(1, 1)->at(0).id, "FX-1");
  ASSERT_TRUE(store_->TrimOutbox(2).ok());
  EXPECT_EQ(store_->ReadOutbox(0, 10)->size(), 1u);
}

// The indexer trims what it holds; numbering must go on after the trimmed
// entries, or the index (which remembers "up to 2") takes new entries 1 and
// 2 as already indexed and silently never holds them.
TEST_F(GraphStoreTest, OutboxNumberingSurvivesTrimAndReopen) {
  GraphBatch b = store_->NewBatch();
  b.AddOutbox("fix", "FX-1");
  b.AddOutbox("fix", "FX-2");
  ASSERT_TRUE(store_->Commit(b).ok());
  ASSERT_TRUE(store_->TrimOutbox(2).ok());
  store_.reset();
  store_ = std::move(GraphStore::Open(dir_.string())).value();
  EXPECT_EQ(store_->LastOutboxSeq(), 2u);
  GraphBatch b2 = store_->NewBatch();
  b2.AddOutbox("case", "T1");
  ASSERT_TRUE(store_->Commit(b2).ok());
  auto after = store_->ReadOutbox(2, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].seq, 3u);
  EXPECT_EQ((*after)[0].id, "T1");
}

TEST_F(GraphStoreTest, RaiseOutboxSeqIsPersistedAndNeverLowers) {
  ASSERT_TRUE(store_->RaiseOutboxSeq(40).ok());
  ASSERT_TRUE(store_->RaiseOutboxSeq(7).ok());
  EXPECT_EQ(store_->LastOutboxSeq(), 40u);
  store_.reset();
  store_ = std::move(GraphStore::Open(dir_.string())).value();
  EXPECT_EQ(store_->LastOutboxSeq(), 40u);
  GraphBatch b = store_->NewBatch();
  b.AddOutbox("case", "T1");
  ASSERT_TRUE(store_->Commit(b).ok());
  EXPECT_EQ(store_->ReadOutbox(0, 10)->at(0).seq, 41u);
}

}  // namespace faultgraph::graph
