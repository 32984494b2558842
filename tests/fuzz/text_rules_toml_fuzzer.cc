// Fuzzes the user-editable text rules (ingest/text_rules.h): the TOML, its
// re2 patterns and symptom rules, and, when the file is accepted, every rule
// applied to a bilingual sample and to the input itself, as ingest applies
// them to each ticket's text.
#include <cstdint>
#include <string>

#include "ingest/text_rules.h"
#include "tests/fuzz/fuzz_util.h"

using namespace faultgraph;

namespace {

void Apply(const ingest::TextRules& rules, std::string_view text) {
  (void)rules.MaskPii(text);
  (void)rules.ExtractCodes("AC", text);
  (void)rules.ExtractCodes("no-such-family", text);
  (void)rules.ExtractParts(text);
  (void)rules.MatchSymptoms(rules.Fold(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto rules = ingest::TextRules::Parse(text, "fuzz.toml");
  if (!rules.ok()) return 0;
  Apply(**rules,
        "空调不制冷 E4 故障, replaced compressor CMP-2201; 联系人: 张三 13800138000, "
        "not cooling, fan noise 風扇異響");
  if (size <= 4096) Apply(**rules, text);
  return 0;
}
