#include "connectors/file_connector.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "common/hash.h"
#include "connectors/encoding.h"
#include "connectors/row_source.h"
#include "ingest/text.h"
#include "ingest/time_parse.h"

namespace faultgraph::connectors {
namespace {

constexpr size_t kIdentityBytes = 4096;
constexpr size_t kDetectBytes = 1 << 20;

// A read-only memory map of a whole file.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      return Status::IOError("cannot stat " + path + ": " + std::strerror(e));
    }
    MappedFile f;
    f.size_ = static_cast<size_t>(st.st_size);
    if (f.size_ > 0) {
      void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        int e = errno;
        ::close(fd);
        return Status::IOError("cannot map " + path + ": " + std::strerror(e));
      }
      ::madvise(p, f.size_, MADV_SEQUENTIAL);
      f.data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return f;
  }
  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr; }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_ == nullptr ? "" : data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// "offset:line" <-> numbers.
std::string EncodePosition(uint64_t offset, int64_t line) {
  return std::to_string(offset) + ":" + std::to_string(line);
}
bool DecodePosition(const std::string& s, uint64_t* offset, int64_t* line) {
  size_t colon = s.find(':');
  if (colon == std::string::npos) return false;
  auto r1 = std::from_chars(s.data(), s.data() + colon, *offset);
  auto r2 = std::from_chars(s.data() + colon + 1, s.data() + s.size(), *line);
  return r1.ec == std::errc() && r2.ec == std::errc();
}

// The columns a mapping reads, each once, in a fixed order.
constexpr std::string_view kKeyColumn = "$key";

std::vector<std::string> ReferencedColumns(const Mapping& m) {
  std::vector<std::string> cols;
  auto add = [&](const std::string& c) {
    if (std::find(cols.begin(), cols.end(), c) == cols.end()) cols.push_back(c);
  };
  for (const auto& c : m.key_columns) add(c);
  if (!m.version_column.empty()) add(m.version_column);
  for (const auto& f : m.fields) {
    for (const auto& c : f.columns) {
      if (c != kKeyColumn) add(c);
    }
  }
  return cols;
}

size_t IndexOf(const std::vector<std::string>& cols, const std::string& c) {
  return static_cast<size_t>(std::find(cols.begin(), cols.end(), c) - cols.begin());
}

class RowMapper {
 public:
  static constexpr size_t kKeyIndex = SIZE_MAX - 1;  // "$key": the row's source id

  RowMapper(const Mapping& m, const std::vector<std::string>& cols, Encoding enc,
            const std::string& stream, const std::string& path)
      : m_(m), enc_(enc), stream_(stream), path_(path) {
    for (const auto& c : m.key_columns) key_idx_.push_back(IndexOf(cols, c));
    if (!m.version_column.empty()) version_idx_ = IndexOf(cols, m.version_column);
    for (const auto& f : m.fields) {
      std::vector<size_t> idx;
      for (const auto& c : f.columns) idx.push_back(c == kKeyColumn ? kKeyIndex : IndexOf(cols, c));
      field_idx_.push_back(std::move(idx));
    }
  }

  Result<std::string> Decode(std::string_view bytes) const {
    if (enc_ == Encoding::kUtf8) return std::string(bytes);
    return gb_.Decode(bytes);
  }

  std::string RawText(std::string_view raw) const {
    if (enc_ == Encoding::kGb18030) {
      auto r = gb_.Decode(raw);
      if (r.ok()) return *r;
    }
    return EscapeInvalidUtf8(raw);
  }

  ingest::SourcePosition Position(const SourceRow& row) const {
    return {stream_, path_, row.line, row.begin, row.end};
  }

  // Fills `out` from `row`, or returns the reason the row is rejected.
  Status Map(SourceRow& row, const std::vector<std::string>& columns,
             ingest::RawRecord* out) const {
    for (size_t i = 0; i < row.values.size(); ++i) {
      auto text = Decode(row.values[i]);
      if (!text.ok())
        return Status::InvalidArgument("column '" + columns[i] + "': " + text.status().message());
      row.values[i] = std::move(text).value();
    }
    out->type = m_.record;
    out->source = m_.source;
    out->fields.clear();
    if (key_idx_.empty()) {
      out->source_id = "#" + Hex64(Fnv1a64(row.raw));
    } else {
      out->source_id.clear();
      for (size_t k = 0; k < key_idx_.size(); ++k) {
        if (k > 0) out->source_id += "|";
        out->source_id += ingest::Trim(row.values[key_idx_[k]]);
      }
    }
    if (version_idx_ != SIZE_MAX) {
      std::string v(ingest::Trim(row.values[version_idx_]));
      if (v.empty())
        return Status::InvalidArgument("version column '" + m_.version_column + "' is empty");
      if (!m_.version_format.empty()) {
        auto t = ingest::ParseTime(v, m_.version_format);
        if (!t.ok())
          return Status::InvalidArgument("version column '" + m_.version_column +
                                         "': " + t.status().message());
        v = std::to_string(*t);
      }
      out->source_version = std::move(v);
    } else {
      uint64_t h = kFnvOffset;
      for (const auto& v : row.values) {
        h = Fnv1a64(v, h);
        h = Fnv1a64(std::string_view("\x1f", 1), h);
      }
      out->source_version = "#" + Hex64(h);
    }
    for (size_t f = 0; f < m_.fields.size(); ++f) {
      const FieldMapping& fm = m_.fields[f];
      ingest::RawField& rf = out->fields[fm.field];
      rf.time_format = fm.time_format;
      rf.list_separators = fm.split;
      if (fm.columns.empty()) {
        rf.text = fm.constant;
        continue;
      }
      for (size_t i : field_idx_[f]) {
        std::string_view v =
            i == kKeyIndex ? std::string_view(out->source_id) : ingest::Trim(row.values[i]);
        if (v.empty()) continue;
        if (!rf.text.empty()) rf.text += fm.join;
        rf.text += v;
      }
    }
    out->position = Position(row);
    out->raw = RawText(row.raw);
    return Status::Ok();
  }

 private:
  const Mapping& m_;
  Encoding enc_;
  std::string stream_, path_;
  Gb18030Decoder gb_;
  std::vector<size_t> key_idx_;
  size_t version_idx_ = SIZE_MAX;
  std::vector<std::vector<size_t>> field_idx_;
};

}  // namespace

std::string FileStreamId(std::string_view head) {
  return "file:" + Hex64(Fnv1a64(head.substr(0, kIdentityBytes)));
}

Result<FileIngestResult> IngestFile(ingest::IngestPipeline& pipeline, const Mapping& mapping,
                                    const std::string& path, const FileIngestOptions& options) {
  auto file = MappedFile::Open(path);
  if (!file.ok()) return file.status();
  std::string_view data = file->view();

  FileIngestResult result;
  result.size = data.size();
  result.stream = FileStreamId(data);

  Encoding enc = Encoding::kUtf8;
  if (mapping.encoding == "gb18030") enc = Encoding::kGb18030;
  if (mapping.encoding == "auto") enc = DetectEncoding(data.substr(0, kDetectBytes));

  std::vector<std::string> columns = ReferencedColumns(mapping);
  RowMapper mapper(mapping, columns, enc, result.stream, path);
  std::unique_ptr<RowSource> source;
  if (mapping.format == "csv") {
    auto src = NewCsvSource(data, mapping.delimiter, columns,
                            [&](std::string_view b) { return mapper.Decode(b); });
    if (!src.ok()) {
      return Status::InvalidArgument(path + " with mapping " + mapping.path + ": " +
                                     src.status().message());
    }
    source = std::move(src).value();
  } else {
    source = NewJsonlSource(data, columns);
  }

  auto committed = pipeline.CheckpointPosition(mapping.source, result.stream);
  if (!committed.ok()) return committed.status();
  uint64_t offset = source->data_start();
  int64_t line = 0;
  if (!committed->empty() && DecodePosition(*committed, &offset, &line)) {
    result.resumed = true;
    if (offset > data.size()) {
      return Status::InvalidArgument(path + ": the checkpoint (byte " + std::to_string(offset) +
                                     ") is past the end of the file (" +
                                     std::to_string(data.size()) + " bytes); was it truncated?");
    }
    source->Seek(offset, line);
  }
  result.resumed_from = offset;
  result.end_offset = offset;
  if (!committed->empty() && offset == data.size()) return result;  // nothing new

  ingest::SourceBatch batch;
  batch.source = mapping.source;
  batch.stream = result.stream;
  SourceRow row;
  uint64_t next_offset = offset;
  int64_t next_line = line;
  auto commit = [&]() -> Status {
    batch.checkpoint_position = EncodePosition(next_offset, next_line);
    batch.checkpoint_description = path + " byte " + std::to_string(next_offset) + " of " +
                                   std::to_string(data.size()) + " (line " +
                                   std::to_string(next_line) + ")";
    auto stats = pipeline.Apply(batch);
    if (!stats.ok()) return stats.status();
    result.stats.applied += stats->applied;
    result.stats.skipped += stats->skipped;
    result.stats.rejected += stats->rejected;
    result.end_offset = next_offset;
    ++result.batches;
    batch.rows.clear();
    batch.rejected.clear();
    if (options.progress) options.progress(next_offset, data.size());
    return Status::Ok();
  };

  bool any = false;
  while (source->Next(&row)) {
    any = true;
    ingest::RawRecord rec;
    Status mapped =
        row.error.empty() ? mapper.Map(row, columns, &rec) : Status::InvalidArgument(row.error);
    if (!mapped.ok()) {
      batch.rejected.push_back({mapper.Position(row), mapped.message(), mapper.RawText(row.raw)});
    } else {
      batch.rows.push_back(std::move(rec));
    }
    next_offset = row.end;
    next_line =
        row.line + 1 + static_cast<int64_t>(std::count(row.raw.begin(), row.raw.end(), '\n'));
    if (batch.rows.size() + batch.rejected.size() >= mapping.batch_size) {
      FG_RETURN_IF_ERROR(commit());
      if (options.stop != nullptr && options.stop->load()) {
        result.stopped = true;
        return result;
      }
    }
  }
  next_offset = data.size();  // trailing blank lines are consumed too
  if (!batch.rows.empty() || !batch.rejected.empty() || !any || next_offset != result.end_offset) {
    FG_RETURN_IF_ERROR(commit());
  }
  return result;
}

}  // namespace faultgraph::connectors
