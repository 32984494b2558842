// The user-editable text rules (a TOML file, see ops/config/text_rules.toml):
// fault-code, part-number and serial patterns per product family, labels
// that precede personal names, and bilingual symptom rules. Patterns are
// re2; symptom rules are compiled once into one RE2::Set and matched
// against folded text (NFKC, case-folded, traditional -> simplified).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/pii_mask.h"

namespace faultgraph::text {
class TextFolder;
}

namespace faultgraph::ingest {

class TextRules {
 public:
  // InvalidArgument naming the file, line and key of a bad entry or a
  // pattern that does not compile; IOError when the file cannot be read.
  static Result<std::unique_ptr<TextRules>> Load(const std::string& path);
  static Result<std::unique_ptr<TextRules>> Parse(std::string_view toml, const std::string& path);
  // Built-in rules: default fault-code pattern, PII masking with common
  // labels, no symptom rules (the pipeline's when given none: libraries and
  // tests).
  static std::unique_ptr<TextRules> Defaults();
  // The shipped rules, ops/config/text_rules.toml compiled into the binary
  // at build time: what the CLI and the daemon use when no file is given,
  // so that both give the same answer to the same question.
  static std::unique_ptr<TextRules> Shipped();
  // Load(path), or Shipped() when `path` is empty.
  static Result<std::unique_ptr<TextRules>> LoadOrShipped(const std::string& path);
  static constexpr const char* kShippedName = "(shipped text rules, ops/config/text_rules.toml)";
  ~TextRules();

  std::string MaskPii(std::string_view text) const { return masker_->Mask(text); }
  // The PII MaskPii would mask (for the corpus figures).
  std::vector<PiiSpan> FindPii(std::string_view text) const { return masker_->Find(text); }
  // Fault codes in `text` by the family's patterns (or "default"), upper-case.
  std::vector<std::string> ExtractCodes(const std::string& family, std::string_view text) const;
  // Part numbers mentioned in `text`, upper-case.
  std::vector<std::string> ExtractParts(std::string_view text) const;
  // Ids of the symptom rules that match `folded` text, in rule order.
  std::vector<std::string> MatchSymptoms(std::string_view folded) const;
  size_t symptom_rule_count() const { return symptom_ids_.size(); }
  // A symptom rule's display name in `lang` ("en" or "zh-CN", the rule's
  // `name = { en = "...", zh-CN = "..." }`); "" when it has none.
  std::string SymptomName(std::string_view id, std::string_view lang) const;
  // A failure cause's display name in `lang` (a [[cause]] entry's name);
  // "" when the rules do not name it.
  std::string CauseName(std::string_view id, std::string_view lang) const;
  // id -> (language -> name)
  using Names = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;
  // Folds text the way the rules and the index expect.
  std::string Fold(std::string_view text) const;

 private:
  TextRules();
  struct Compiled;  // the re2 objects
  std::unique_ptr<Compiled> re_;
  std::vector<std::string> symptom_ids_;
  Names symptom_names_;
  Names cause_names_;
  std::unique_ptr<PiiMasker> masker_;
  const text::TextFolder* folder_ = nullptr;  // TextFolder::Shared()
};

}  // namespace faultgraph::ingest
