// Source text encodings: UTF-8 and the Chinese Excel exports' GB18030/GBK.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace faultgraph::connectors {

enum class Encoding { kUtf8, kGb18030 };

// "utf-8"/"utf8", "gb18030", "gbk" (read as GB18030, its superset), or
// "auto". InvalidArgument for anything else.
Result<std::string> CanonicalEncodingName(std::string_view name);

// For "auto": UTF-8 when `sample` is valid UTF-8 (a sequence cut at the end
// of the sample is allowed), else GB18030.
Encoding DetectEncoding(std::string_view sample);

// Converts GB18030 text to UTF-8. Not thread-safe (one iconv state);
// InvalidArgument with the byte offset when the text is not GB18030.
class Gb18030Decoder {
 public:
  Gb18030Decoder();
  ~Gb18030Decoder();
  Result<std::string> Decode(std::string_view gb) const;

 private:
  void* cd_;
};

// Bytes that are not UTF-8 written as \xNN, so that they can be shown.
std::string EscapeInvalidUtf8(std::string_view s);

}  // namespace faultgraph::connectors
