// Source text encodings: UTF-8, the Chinese Excel exports' GB18030/GBK,
// Taiwan's and Hong Kong's Big5 (read as CP950, its Windows superset), and
// UTF-16/UTF-32 (converted to UTF-8 before reading; see file_connector.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace faultgraph::connectors {

enum class Encoding {
  kUtf8,
  kGb18030,
  kBig5,
  kUtf16Le,
  kUtf16Be,
  kUtf32Le,
  kUtf32Be,
  kUnsupported,  // detected, but not one faultgraph reads (Shift-JIS, EUC-KR, ...)
};

// The canonical name of an encoding ("utf-8", "gb18030", "big5", "utf-16le", ...).
std::string_view EncodingName(Encoding e);

// The names a mapping may give: "utf-8"/"utf8"; "gb18030", "gbk", "gb2312"
// (read as GB18030, their superset); "big5", "cp950"; "utf-16" (byte order
// from the BOM, little-endian without one), "utf-16le", "utf-16be",
// "utf-32", "utf-32le", "utf-32be"; "auto". InvalidArgument for anything else.
Result<std::string> CanonicalEncodingName(std::string_view name);

// For "auto", from the first bytes of a file: a BOM decides (UTF-8,
// UTF-16LE/BE, UTF-32LE/BE); else UTF-8 when `sample` is valid UTF-8 (a
// sequence cut at the end of the sample is allowed, a few stray bytes are
// tolerated); else what libuchardet detects: GB18030 (GB2312, GBK) or Big5;
// a single-byte guess or none (short samples) is GB18030 when the sample
// decodes as GB18030; anything else is kUnsupported with the detected
// charset in `detected` (for a message that names it).
Encoding DetectEncoding(std::string_view sample, std::string* detected = nullptr);

// The encoding of a file for a mapping's `encoding` (a canonical name) and
// the file's first bytes: explicit names as given (UTF-16/32 by its BOM),
// "auto" by DetectEncoding. InvalidArgument naming the detected charset
// when it is not one faultgraph reads.
Result<Encoding> ResolveEncoding(std::string_view name, std::string_view head);

// Length of the byte-order mark of `e` at the start of `data` (0 if none).
size_t BomLength(std::string_view data, Encoding e);

// Converts GB18030 or Big5 text (a row's values) to UTF-8. Not thread-safe
// (one iconv state); InvalidArgument with the byte offset when the text is
// not in that encoding.
class TextDecoder {
 public:
  explicit TextDecoder(Encoding e);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;
  Result<std::string> Decode(std::string_view text) const;

 private:
  Encoding enc_;
  void* cd_;
};

// The decoder of the Chinese Excel exports (kept for its callers).
class Gb18030Decoder : public TextDecoder {
 public:
  Gb18030Decoder() : TextDecoder(Encoding::kGb18030) {}
};

// Bytes that are not UTF-8 written as \xNN, so that they can be shown.
std::string EscapeInvalidUtf8(std::string_view s);

}  // namespace faultgraph::connectors
