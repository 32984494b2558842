#include "graph/spool_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>

#include "graph/key_codec.h"
#include "graph/rocks_status.h"

namespace faultgraph::graph {
namespace {

std::string MessageKey(std::string_view connector, uint64_t seq) {
  return KeyBuilder().Str(connector).U64(seq).Take();
}

// The number in a message key; Corruption naming the connector when the
// key is not one.
Result<uint64_t> SeqOf(const rocksdb::Slice& key, std::string_view connector) {
  KeyReader r({key.data(), key.size()});
  std::string name;
  uint64_t seq = 0;
  if (!(r.Str(&name) && r.U64(&seq)))
    return Status::Corruption("bad spool key of connector " + std::string(connector));
  return seq;
}

}  // namespace

Result<std::unique_ptr<SpoolStore>> SpoolStore::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create spool directory " + dir + ": " + ec.message());
  rocksdb::Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 8 << 20;  // messages live until the next commit
  o.max_background_jobs = 1;
  o.keep_log_file_num = 2;
  o.compression = rocksdb::kNoCompression;
  rocksdb::DB* db = nullptr;
  FG_RETURN_IF_ERROR(FromRocksOpen(rocksdb::DB::Open(o, dir, &db), dir, "open spool " + dir));
  auto spool = std::unique_ptr<SpoolStore>(new SpoolStore());
  spool->db_.reset(db);
  spool->dir_ = dir;
  return spool;
}

SpoolStore::~SpoolStore() = default;

Status SpoolStore::Append(std::string_view connector, uint64_t seq, std::string_view message) {
  return FromRocks(db_->Put(rocksdb::WriteOptions(), MessageKey(connector, seq),
                            rocksdb::Slice(message.data(), message.size())),
                   "spool " + std::string(connector) + " in " + dir_);
}

Result<uint64_t> SpoolStore::Last(std::string_view connector) const {
  std::string lower = MessageKey(connector, 0);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(MessageKey(connector, UINT64_MAX));
  uint64_t seq = 0;
  if (it->Valid() && it->key().compare(lower) >= 0) {
    auto s = SeqOf(it->key(), connector);
    if (!s.ok()) return s.status();
    seq = *s;
  }
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read spool " + dir_));
  return seq;
}

Result<std::vector<std::pair<uint64_t, std::string>>> SpoolStore::Read(std::string_view connector,
                                                                       uint64_t from,
                                                                       size_t limit) const {
  std::vector<std::pair<uint64_t, std::string>> out;
  std::string upper = MessageKey(connector, UINT64_MAX);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  for (it->Seek(MessageKey(connector, from)); it->Valid() && out.size() < limit; it->Next()) {
    auto seq = SeqOf(it->key(), connector);
    if (!seq.ok()) return seq.status();
    out.emplace_back(*seq, it->value().ToString());
  }
  FG_RETURN_IF_ERROR(FromRocks(it->status(), "read spool " + dir_));
  return out;
}

Status SpoolStore::DropUpTo(std::string_view connector, uint64_t upto) {
  return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(),
                                    MessageKey(connector, 0), MessageKey(connector, upto + 1)),
                   "drop spooled messages of " + std::string(connector) + " in " + dir_);
}

}  // namespace faultgraph::graph
