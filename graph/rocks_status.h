// RocksDB statuses as the project's Status, with what was being done.
#pragma once

#include <string>

#include "common/status.h"

namespace rocksdb {
class Status;
}  // namespace rocksdb

namespace faultgraph::graph {

// NotFound, Corruption, Busy (another process holds the directory's lock),
// InvalidArgument or IOError, the message prefixed with `what`.
Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace faultgraph::graph
