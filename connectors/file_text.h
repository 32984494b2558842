// A source file's bytes as the row sources read them: memory-mapped, with
// the pages behind the reader dropped as it goes (the resident size stays
// bounded however long the file or its longest line), and UTF-16/UTF-32
// files converted to UTF-8 first.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connectors/encoding.h"
#include "connectors/mapping.h"

namespace faultgraph::connectors {

// A read-only memory map of a whole file.
class MappedFile {
 public:
  // What is wrong with the path itself is told apart from the rest: NotFound
  // when nothing is there, FailedPrecondition when it is there but cannot
  // be read (permissions, not a regular file); IOError otherwise.
  static Result<MappedFile> Open(const std::string& path);
  // Maps the open file `fd` (`path` names it in messages); `fd` may be closed after.
  static Result<MappedFile> Map(int fd, const std::string& path);
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  ~MappedFile();
  std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }

  // Drops the mapped pages before `offset` from the process (they are read
  // again from the page cache if touched): what keeps the resident size of
  // a long file's ingest bounded, as the mapping would otherwise hold every
  // page read. Not thread-safe.
  void Release(uint64_t offset);

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  uint64_t released_ = 0;
};

// A file's bytes as the row sources read them, with the encoding of those
// bytes: the file mapped as it is, or a UTF-16/UTF-32 file converted to
// UTF-8 into an unlinked temporary file (in $TMPDIR, else /tmp) and that
// mapped. Offsets, checkpoints and the file's identity are then those of
// the UTF-8 text (the conversion is deterministic, so a re-run resumes at
// the same place).
struct FileText {
  MappedFile file;
  Encoding enc = Encoding::kUtf8;
  std::string_view view() const { return file.view(); }
};

// Maps `path` and works out its encoding for `mapping` from its first MiB
// (InvalidArgument naming a detected encoding faultgraph does not read, or
// where a UTF-16/32 file is not valid).
Result<FileText> OpenFileText(const std::string& path, const Mapping& mapping);

}  // namespace faultgraph::connectors
