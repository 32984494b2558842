#include "graph/rocks_status.h"

#include <fcntl.h>
#include <rocksdb/status.h>
#include <unistd.h>

#include <optional>

namespace faultgraph::graph {
namespace {

// The process holding a lock on `path` (RocksDB's LOCK file: a POSIX
// record lock), or nullopt when none does or it cannot be checked. Asked
// with an open file description lock, which conflicts with a record lock
// even of this same process.
std::optional<pid_t> LockHolder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock fl {};
  fl.l_type = F_RDLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;
  const bool asked = ::fcntl(fd, F_OFD_GETLK, &fl) == 0;
  ::close(fd);
  if (!asked || fl.l_type == F_UNLCK) return std::nullopt;
  return fl.l_pid;
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return Status::NotFound(what + ": " + s.ToString());
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  if (s.IsBusy() || s.IsTryAgain() || s.IsLockLimit() ||
      (s.IsTimedOut() && s.subcode() == rocksdb::Status::kLockTimeout)) {
    return Status::Busy(what + ": " + s.ToString());
  }
  if (s.IsInvalidArgument()) return Status::InvalidArgument(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

Status FromRocksOpen(const rocksdb::Status& s, const std::string& dir, const std::string& what) {
  if (s.IsIOError()) {
    if (auto holder = LockHolder(dir + "/LOCK")) {
      std::string who = *holder == ::getpid() || *holder <= 0
                            ? std::string("this process")
                            : "process " + std::to_string(*holder);
      return Status::Busy(what + ": the data directory is in use by " + who + " (" + s.ToString() +
                          ")");
    }
  }
  return FromRocks(s, what);
}

}  // namespace faultgraph::graph
