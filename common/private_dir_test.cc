#include "common/private_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "common/test_dir.h"

namespace faultgraph {
namespace {

mode_t Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST(PrivateDir, TightensEveryEntryButLeavesLinksAlone) {
  TestDir dir, other("_other");
  std::filesystem::create_directories(dir / "graph/spool");
  std::string table = dir.Write("graph/000012.sst", "rows");
  std::string spool = dir.Write("graph/spool/LOG", "log");
  std::string outside = other.Write("outside", "not ours");
  ::chmod(dir.Path("").c_str(), 0755);
  ::chmod((dir / "graph").c_str(), 0775);
  ::chmod((dir / "graph/spool").c_str(), 0750);
  ::chmod(table.c_str(), 0644);
  ::chmod(spool.c_str(), 0600);
  std::filesystem::create_symlink(outside, dir / "graph/link");
  ::chmod(outside.c_str(), 0644);  // reached only through the link: stays

  auto changed = MakeOwnerOnly(dir.Path(""));
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  // The top folder, graph/, graph/spool/ and the table; not the spool's LOG
  // (0600 already), not the link nor what it points at.
  EXPECT_EQ(Mode(dir.Path("")), 0700u);
  EXPECT_EQ(Mode(dir / "graph"), 0700u);
  EXPECT_EQ(Mode(dir / "graph/spool"), 0700u);
  EXPECT_EQ(Mode(table), 0600u);
  EXPECT_EQ(Mode(spool), 0600u);
  EXPECT_EQ(Mode(outside), 0644u);
  EXPECT_EQ(*changed, 4u);
  auto again = MakeOwnerOnly(dir.Path(""));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
}

// A data directory's files come and go while it is tightened (RocksDB
// deletes obsolete SST files from its threads once the store is open): a
// file gone between the listing and its stat is skipped, not an error
// (seen as "cannot stat <data>/graph/000122.sst" under load).
TEST(PrivateDir, FilesRemovedWhileWalkingAreSkipped) {
  TestDir dir;
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    for (int i = 0; !stop.load(); i = (i + 1) % 50) {
      std::string f = dir.Path("f" + std::to_string(i));
      if (FILE* fp = std::fopen(f.c_str(), "w")) std::fclose(fp);
      std::filesystem::permissions(f, std::filesystem::perms::group_read,
                                   std::filesystem::perm_options::add);
      std::remove(dir.Path("f" + std::to_string((i + 25) % 50)).c_str());
    }
  });
  int failures = 0;
  std::string first;
  for (int round = 0; round < 2000; ++round) {
    auto r = MakeOwnerOnly(dir.Path(""));
    if (!r.ok()) {
      if (failures++ == 0) first = r.status().ToString();
    }
  }
  stop = true;
  churn.join();
  EXPECT_EQ(failures, 0) << first;
}

TEST(PrivateDir, MissingDirectoryIsNotFound) {
  TestDir dir;
  auto r = MakeOwnerOnly(dir / "absent");
  EXPECT_TRUE(r.status().IsNotFound()) << r.status().ToString();
}

TEST(PrivateDir, UmaskMakesNewFilesOwnerOnly) {
  TestDir dir;
  mode_t before = ::umask(022);
  UseOwnerOnlyUmask();
  std::string f = dir.Write("new.sst", "x");
  std::filesystem::create_directory(dir / "newdir");
  ::umask(before);
  EXPECT_EQ(Mode(f), 0600u);
  EXPECT_EQ(Mode(dir / "newdir"), 0700u);
}

}  // namespace
}  // namespace faultgraph
