// A spool: messages a source must hold durably before it acknowledges them
// (MQTT), numbered per connector. It is a RocksDB of its own in the data
// directory's `spool` folder, beside the graph: its one-message writes have
// their own write-ahead log and write queue, so they never wait behind a
// graph commit (nor a commit behind them). Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace rocksdb {
class DB;
}  // namespace rocksdb

namespace faultgraph::graph {

class SpoolStore {
 public:
  // Opens, creating when absent, the spool in `dir`.
  static Result<std::unique_ptr<SpoolStore>> Open(const std::string& dir);
  ~SpoolStore();

  // Durable on return: in the write-ahead log, not synced, so it survives a
  // killed process.
  Status Append(std::string_view connector, uint64_t seq, std::string_view message);
  // The highest number spooled for `connector`; 0 when none is.
  Result<uint64_t> Last(std::string_view connector) const;
  // The messages numbered `from` and after, in order, at most `limit`.
  Result<std::vector<std::pair<uint64_t, std::string>>> Read(std::string_view connector,
                                                             uint64_t from, size_t limit) const;
  // Drops the messages numbered `upto` and before.
  Status DropUpTo(std::string_view connector, uint64_t upto);

 private:
  SpoolStore() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::string dir_;
};

}  // namespace faultgraph::graph
