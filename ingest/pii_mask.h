// PII masking before anything is stored, indexed or logged. Text is folded
// first (NFKC: full-width ＡＢ１２ -> AB12, '＠' -> '@', dashes -> '-') so that
// every written form meets one set of patterns, and the matches are masked
// in the original text, which is otherwise left as it was. Found:
//   phone    mainland mobiles and landlines in any grouping (space, double
//            space, '-', '.', parentheses, +86/0086/86 prefixes, a letter
//            label such as Tel138...), other +CC numbers, any 7-15 digit
//            number after a phone label (电话, Tel:): 138****8000, 010-****5678
//   id       18-digit resident IDs with a valid GB 11643 check character and
//            birth date, 15-digit ones with a valid region and date
//   card     13-19 digit bank cards, compact or in groups, Luhn-valid, with a
//            known issuer prefix and not labelled as an order number
//   email    a@b.cc and the obfuscated a＠b.cc, a [at] b [dot] cc, a(at)b.cc,
//            "a at b dot com", a#b.com: z***@example.com
//   name     a name after a configured label (联系人：张伟, 姓 名: ..., Customer:
//            John Smith), surname + 先生/女士/小姐/师傅/经理, Mr./Ms./Mrs./Dr. X
//   address  a road and its number and what follows (…路123号3栋501室,
//            …小区2栋…, No. 12 Xinhua Road, Room 5, 88 Nanjing West Road)
//   plate    Chinese vehicle plates (京A12345, 粤B·D12345)
// Part numbers, serials, fault codes, dates, prices, measurements and order
// numbers that fail Luhn are left alone (tests/fixtures/pii/ holds the
// labelled corpus, docs/SECURITY.md the figures).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::ingest {

enum class PiiClass { kPhone, kId, kCard, kEmail, kName, kAddress, kPlate };
// "phone", "id", "card", "email", "name", "address", "plate".
std::string_view PiiClassName(PiiClass c);

// One piece of PII: byte offsets into the text given to Find. `keep_head`
// and `keep_tail` say how many digits a phone, id or card keeps visible.
struct PiiSpan {
  size_t begin = 0;
  size_t end = 0;
  PiiClass cls = PiiClass::kPhone;
  int keep_head = 0;
  int keep_tail = 0;
};

// True when `id` is 17 digits and a check character (digit or X) that
// matches the GB 11643 checksum.
bool IsValidResidentId(std::string_view id);
// True when the digits pass the Luhn check.
bool IsLuhnValid(std::string_view digits);

class PiiMasker {
 public:
  // `name_labels`: words after which a person's name follows ("联系人",
  // "Contact"); spaces between the characters of a Chinese label are
  // allowed in the text ("姓 名").
  explicit PiiMasker(const std::vector<std::string>& name_labels);
  ~PiiMasker();
  // The PII in `text`, in order, not overlapping.
  std::vector<PiiSpan> Find(std::string_view text) const;
  // `text` with every span found masked in its class's style.
  std::string Mask(std::string_view text) const;

 private:
  struct Patterns;
  std::unique_ptr<Patterns> re_;
};

}  // namespace faultgraph::ingest
