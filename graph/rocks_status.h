// RocksDB statuses as the project's Status, with what was being done.
#pragma once

#include <string>

#include "common/status.h"

namespace rocksdb {
class Status;
}  // namespace rocksdb

namespace faultgraph::graph {

// NotFound, Corruption, Busy (RocksDB's Busy and TryAgain, a lock timeout
// or lock limit: by code and subcode, never by the wording of the message),
// InvalidArgument or IOError, the message prefixed with `what`.
Status FromRocks(const rocksdb::Status& s, const std::string& what);

// The same for rocksdb::DB::Open of `dir`: Busy when the directory's LOCK
// file is held, by another process or by this one (another store open on
// it), the message naming the holder.
Status FromRocksOpen(const rocksdb::Status& s, const std::string& dir, const std::string& what);

}  // namespace faultgraph::graph
