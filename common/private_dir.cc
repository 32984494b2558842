#include "common/private_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace faultgraph {
namespace {

// Removes group and other bits from `path` (a folder also gets u=rwx).
// True when it changed the mode.
Result<bool> Tighten(const std::string& path, bool folder) {
  struct stat st;
  // Gone since the folder was listed: RocksDB deletes obsolete files from
  // its own threads as soon as the store is open. Nothing to tighten.
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return Status::IOError("cannot stat " + path + ": " + std::strerror(errno));
  }
  if (S_ISLNK(st.st_mode)) return false;
  mode_t mode = st.st_mode & 07777;
  mode_t want = (mode & ~mode_t{077}) | (folder ? S_IRWXU : 0);
  if (want == mode) return false;
  if (::chmod(path.c_str(), want) != 0) {
    if (errno == ENOENT) return false;
    return Status::IOError("cannot make " + path + " owner-only: " + std::strerror(errno));
  }
  return true;
}

}  // namespace

void UseOwnerOnlyUmask() { ::umask(077); }

Result<size_t> MakeOwnerOnly(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::NotFound("no data directory " + dir);
  auto top = Tighten(dir, true);
  if (!top.ok()) return top.status();
  size_t changed = *top ? 1 : 0;
  namespace fs = std::filesystem;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    auto one = Tighten(it->path().string(), it->is_directory(ec) && !it->is_symlink(ec));
    if (!one.ok()) return one.status();
    changed += *one ? 1 : 0;
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  return changed;
}

}  // namespace faultgraph
