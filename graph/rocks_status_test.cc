#include "graph/rocks_status.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <rocksdb/status.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/test_dir.h"
#include "graph/graph_store.h"

namespace faultgraph::graph {
namespace {

// Issue 23: "busy" was any IOError whose message held "lock", so a failed
// read of a *block* told the user another process held the directory.
TEST(RocksStatus, BusyByCodeNotByWording) {
  EXPECT_EQ(
      FromRocks(rocksdb::Status::IOError("while reading block 7 of 000012.sst"), "read").code(),
      Status::Code::kIOError);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("lock"), "read").code(), Status::Code::kIOError);
  EXPECT_EQ(FromRocks(rocksdb::Status::Busy(), "write").code(), Status::Code::kBusy);
  EXPECT_EQ(FromRocks(rocksdb::Status::TryAgain(), "write").code(), Status::Code::kBusy);
  EXPECT_EQ(FromRocks(rocksdb::Status::TimedOut(rocksdb::Status::kLockTimeout), "write").code(),
            Status::Code::kBusy);
  EXPECT_EQ(FromRocks(rocksdb::Status::TimedOut(), "write").code(), Status::Code::kIOError);
  EXPECT_EQ(FromRocks(rocksdb::Status::Corruption("block checksum"), "read").code(),
            Status::Code::kCorruption);
}

// A directory locked by another process is Busy, naming that process.
TEST(RocksStatus, DirectoryHeldByAnotherProcessIsBusy) {
  TestDir dir;
  const std::string db = dir.Path("db");
  { ASSERT_TRUE(GraphStore::Open(db).ok()); }  // creates it, LOCK included
  int ready[2], done[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(done), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // only async-signal-safe calls from here
    int fd = ::open((db + "/LOCK").c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    char c = fd >= 0 && ::fcntl(fd, F_SETLK, &fl) == 0 ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(done[0], &c, 1);
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto second = GraphStore::Open(db);
  (void)!::write(done[1], "x", 1);
  ::waitpid(child, nullptr, 0);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kBusy) << second.status().ToString();
  EXPECT_NE(second.status().message().find("process " + std::to_string(child)), std::string::npos)
      << second.status().message();
  for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

}  // namespace
}  // namespace faultgraph::graph
