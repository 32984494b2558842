// Fuzzes the source encoding code (connectors/encoding.h): the "auto"
// detector run on a file's first bytes, the GB18030 decoder (iconv) every
// non-UTF-8 field goes through, the escaping of invalid UTF-8 for messages,
// and the encoding names a mapping may give.
#include <cstdint>
#include <string>

#include "connectors/encoding.h"
#include "tests/fuzz/fuzz_util.h"

using namespace faultgraph::connectors;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Gb18030Decoder decoder;  // one per mapper in production, reused for every field
  std::string_view text = faultgraph::fuzz::AsText(data, size);
  (void)DetectEncoding(text);
  auto utf8 = decoder.Decode(text);
  // What the decoder returns is UTF-8: escaping must leave it unchanged.
  if (utf8.ok() && EscapeInvalidUtf8(*utf8) != *utf8) __builtin_trap();
  (void)EscapeInvalidUtf8(text);
  if (size <= 64) (void)CanonicalEncodingName(text);
  return 0;
}
