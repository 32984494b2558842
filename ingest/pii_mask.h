// PII masking before anything is stored, indexed or logged: mainland mobile
// numbers (138****8000), landlines (010-****5678), 18-digit resident ID
// numbers whose checksum is valid (110***********1234), e-mail addresses
// (z***@example.com) and names after configurable labels (联系人：张**).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace faultgraph::ingest {

// True when `id` is 17 digits and a check character (digit or X) that
// matches the GB 11643 checksum.
bool IsValidResidentId(std::string_view id);

class PiiMasker {
 public:
  // `name_labels`: words after which a person's name follows ("联系人", "Contact").
  explicit PiiMasker(const std::vector<std::string>& name_labels);
  ~PiiMasker();
  std::string Mask(std::string_view text) const;

 private:
  std::string MaskDigitRuns(std::string_view text) const;
  std::unique_ptr<re2::RE2> email_;
  std::unique_ptr<re2::RE2> name_;  // null when there are no labels
};

}  // namespace faultgraph::ingest
