// Fuzzes text folding (text/text_fold.h), which every ingested text and
// every query goes through: arbitrary bytes (invalid UTF-8, combining
// marks, traditional and simplified mixed) must fold without a crash or an
// out-of-bounds read in its own decoding passes. (Folding is not
// idempotent — OpenCC keeps 乾 in "乾圖" but makes "乾图" "干图" — so the
// harness does not fold twice and compare; unit tests compare the passes
// with utf8proc and OpenCC character by character.)
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_util.h"
#include "text/text_fold.h"

using faultgraph::text::TextFolder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const TextFolder* folder = TextFolder::Shared().value();
  std::string_view text = faultgraph::fuzz::AsText(data, size);
  (void)folder->Fold(text);
  (void)folder->MayConvert(text);
  (void)TextFolder::Nfkc(text);
  return 0;
}
