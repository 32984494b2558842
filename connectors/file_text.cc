#include "connectors/file_text.h"

#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace faultgraph::connectors {
namespace {

constexpr size_t kDetectBytes = 1 << 20;

bool IsUnicodeWide(Encoding e) {
  return e == Encoding::kUtf16Le || e == Encoding::kUtf16Be || e == Encoding::kUtf32Le ||
         e == Encoding::kUtf32Be;
}

// `data` (without its BOM) from `enc` to UTF-8 in a temporary file,
// streamed through iconv in 1 MiB steps: memory stays bounded.
Result<MappedFile> ConvertToUtf8(std::string_view data, Encoding enc, const std::string& path) {
  std::string name = std::string(EncodingName(enc));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    return Status::IOError("this system's iconv has no " + name + " converter");
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/faultgraph-utf8-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    iconv_close(cd);
    return Status::IOError("cannot create a temporary file to convert " + path + " from " + name +
                           ": " + std::strerror(errno));
  }
  ::unlink(tmpl.c_str());
  size_t bom = BomLength(data, enc);
  char* in = const_cast<char*>(data.data()) + bom;
  size_t in_left = data.size() - bom;
  std::string out(1 << 20, '\0');
  Status status = Status::Ok();
  while (in_left > 0 && status.ok()) {
    char* dst = out.data();
    size_t out_left = out.size();
    size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    int err = errno;
    size_t n = static_cast<size_t>(dst - out.data());
    if (n > 0 && ::write(fd, out.data(), n) != static_cast<ssize_t>(n)) {
      status =
          Status::IOError("cannot write the UTF-8 copy of " + path + ": " + std::strerror(errno));
    } else if (r == static_cast<size_t>(-1) && err != E2BIG) {
      status = Status::InvalidArgument(path + " is not valid " + name + " at byte " +
                                       std::to_string(data.size() - in_left) +
                                       (err == EINVAL ? " (it ends inside a character)" : ""));
    }
  }
  iconv_close(cd);
  if (!status.ok()) {
    ::close(fd);
    return status;
  }
  auto mapped = MappedFile::Map(fd, path);
  ::close(fd);
  return mapped;
}

}  // namespace

Result<FileText> OpenFileText(const std::string& path, const Mapping& mapping) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  FileText t;
  t.file = std::move(file).value();
  auto enc = ResolveEncoding(mapping.encoding, t.view().substr(0, kDetectBytes));
  if (!enc.ok()) return Status::InvalidArgument(path + ": " + enc.status().message());
  t.enc = *enc;
  if (IsUnicodeWide(t.enc)) {
    auto utf8 = ConvertToUtf8(t.view(), t.enc, path);
    if (!utf8.ok()) return utf8.status();
    t.file = std::move(utf8).value();
    t.enc = Encoding::kUtf8;
  }
  return t;
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(err);
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound(message);
    if (err == EACCES || err == EPERM || err == ELOOP || err == ENAMETOOLONG || err == EISDIR)
      return Status::FailedPrecondition(message);
    return Status::IOError(message);
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::FailedPrecondition(path + " is not a regular file");
  }
  auto f = Map(fd, path);
  ::close(fd);
  return f;
}

Result<MappedFile> MappedFile::Map(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return Status::IOError("cannot stat " + path + ": " + std::strerror(errno));
  MappedFile f;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return Status::IOError("cannot map " + path + ": " + std::strerror(errno));
    ::madvise(p, f.size_, MADV_SEQUENTIAL);
    f.data_ = static_cast<const char*>(p);
  }
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : data_(o.data_), size_(o.size_), released_(o.released_) {
  o.data_ = nullptr;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  std::swap(data_, o.data_);
  std::swap(size_, o.size_);
  std::swap(released_, o.released_);
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

void MappedFile::Release(uint64_t offset) {
  static const uint64_t kPage = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t end = std::min<uint64_t>(offset, size_) / kPage * kPage;
  if (data_ == nullptr || end <= released_) return;
  ::madvise(const_cast<char*>(data_) + released_, end - released_, MADV_DONTNEED);
  released_ = end;
}

}  // namespace faultgraph::connectors
