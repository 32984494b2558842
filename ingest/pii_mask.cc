#include "ingest/pii_mask.h"

#include <re2/re2.h>

#include <algorithm>
#include <cassert>

#include "ingest/pii_mask_internal.h"

namespace faultgraph::ingest {
namespace {

using pii::Candidate;

std::unique_ptr<re2::RE2> Compile(const std::string& pattern, bool case_sensitive = true) {
  re2::RE2::Options o;
  o.set_case_sensitive(case_sensitive);
  o.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, o);
  assert(re->ok());
  return re;
}

// When two finds overlap, the stronger evidence wins: a checksum or an '@'
// before a phone's shape, a phone before a plate, address or name.
int Priority(PiiClass c) {
  switch (c) {
    case PiiClass::kEmail:
      return 0;
    case PiiClass::kId:
      return 1;
    case PiiClass::kCard:
      return 2;
    case PiiClass::kPhone:
      return 3;
    case PiiClass::kPlate:
      return 4;
    case PiiClass::kAddress:
      return 5;
    case PiiClass::kName:
      return 6;
  }
  return 7;
}

// The folded form of one original code point (for the masking styles).
std::string FoldedAt(std::string_view text, size_t pos, size_t* len) {
  std::string f;
  *len = pii::FoldCodePoint(text, pos, &f);
  return f;
}

// Words an address keeps: what kind of place it is, not which.
bool AddressKeeps(std::string_view folded_cp) {
  static constexpr std::string_view kKeep =
      "路街道巷弄胡同里号號院栋棟幢座单單元层層楼樓室户戶段区區园園寓厦廈村苑";
  if (folded_cp.size() == 3) return kKeep.find(folded_cp) != std::string_view::npos;
  return false;
}

bool KeepEnglishAddressWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "Road", "Rd",    "Street",  "St",    "Avenue", "Ave", "Lane", "Ln",    "Boulevard",
      "Blvd", "Drive", "Highway", "Hwy",   "Room",   "Rm",  "Flat", "Apt",   "Unit",
      "No",   "West",  "East",    "North", "South",  "Lu",  "Jie",  "Middle"};
  for (auto k : kWords) {
    if (w == k) return true;
  }
  return false;
}

void MaskDigits(std::string_view span, const PiiSpan& s, std::string* out) {
  int total = 0;
  for (size_t p = 0, len = 0; p < span.size(); p += len) {
    std::string f = FoldedAt(span, p, &len);
    if (f.size() == 1 && (pii::IsAsciiDigit(f[0]) || f[0] == 'X' || f[0] == 'x')) ++total;
  }
  int seen = 0;
  for (size_t p = 0, len = 0; p < span.size(); p += len) {
    std::string f = FoldedAt(span, p, &len);
    if (f.size() == 1 && (pii::IsAsciiDigit(f[0]) || f[0] == 'X' || f[0] == 'x')) {
      bool hide = seen >= s.keep_head && seen < total - s.keep_tail;
      ++seen;
      if (hide) {
        out->push_back('*');
        continue;
      }
    }
    out->append(span.substr(p, len));
  }
}

// z***@example.com: the first character of the local part, then "***".
void MaskEmail(std::string_view span, std::string* out) {
  size_t p = 0, len = 0;
  FoldedAt(span, 0, &len);
  out->append(span.substr(0, len));
  p = len;
  while (p < span.size()) {
    std::string f = FoldedAt(span, p, &len);
    bool local =
        f.size() == 1 && (pii::IsAsciiAlpha(f[0]) || pii::IsAsciiDigit(f[0]) || f[0] == '.' ||
                          f[0] == '_' || f[0] == '%' || f[0] == '+' || f[0] == '-');
    if (!local) break;
    p += len;
  }
  out->append("***");
  out->append(span.substr(p));
}

// 张** / J*********: the first character, then one star per character.
void MaskName(std::string_view span, std::string* out) {
  size_t first = pii::Utf8Length(static_cast<unsigned char>(span[0]));
  out->append(span.substr(0, first));
  size_t chars = 0;
  for (size_t p = first; p < span.size(); p += pii::Utf8Length(static_cast<unsigned char>(span[p])))
    ++chars;
  out->append(chars == 0 ? 1 : chars, '*');
}

// **村大街**号*栋***室 / No. ** ****** Road: names and numbers starred, the
// words that say what kind of place it is kept.
void MaskAddress(std::string_view span, std::string* out) {
  std::string word;  // the current ASCII word
  auto flush = [&]() {
    if (word.empty()) return;
    if (KeepEnglishAddressWord(word)) {
      out->append(word);
    } else {
      out->append(word.size(), '*');
    }
    word.clear();
  };
  for (size_t p = 0, len = 0; p < span.size(); p += len) {
    std::string f = FoldedAt(span, p, &len);
    if (f.size() == 1 && pii::IsAsciiAlpha(f[0]) && len == 1) {
      word.push_back(f[0]);
      continue;
    }
    flush();
    if (f.size() == 1 && pii::IsAsciiDigit(f[0])) {
      out->push_back('*');
    } else if (f.size() == 1 && pii::IsAsciiAlpha(f[0])) {
      out->push_back('*');  // a full-width letter
    } else if (pii::IsHan(pii::DecodeAt(f, 0)) && !AddressKeeps(f)) {
      out->push_back('*');
    } else {
      out->append(span.substr(p, len));
    }
  }
  flush();
}

// 京A*****: the province and city letter, then the rest starred.
void MaskPlate(std::string_view span, std::string* out) {
  int kept = 0;
  for (size_t p = 0, len = 0; p < span.size(); p += len) {
    std::string f = FoldedAt(span, p, &len);
    bool alnum = f.size() == 1 && (pii::IsAsciiAlpha(f[0]) || pii::IsAsciiDigit(f[0]));
    if ((alnum || pii::IsHan(pii::DecodeAt(f, 0))) && kept < 2) {
      ++kept;
      out->append(span.substr(p, len));
    } else if (alnum) {
      out->push_back('*');
    } else {
      out->append(span.substr(p, len));
    }
  }
}

}  // namespace

struct PiiMasker::Patterns {
  std::unique_ptr<re2::RE2> email, plate, address_zh, address_en, titled;
  std::unique_ptr<re2::RE2> labels;  // null when there are no labels
};

std::string_view PiiClassName(PiiClass c) {
  switch (c) {
    case PiiClass::kPhone:
      return "phone";
    case PiiClass::kId:
      return "id";
    case PiiClass::kCard:
      return "card";
    case PiiClass::kEmail:
      return "email";
    case PiiClass::kName:
      return "name";
    case PiiClass::kAddress:
      return "address";
    case PiiClass::kPlate:
      return "plate";
  }
  return "?";
}

PiiMasker::PiiMasker(const std::vector<std::string>& name_labels)
    : re_(std::make_unique<Patterns>()) {
  re_->email = Compile(pii::EmailPattern());
  re_->plate = Compile(pii::PlatePattern());
  re_->address_zh = Compile(pii::ChineseAddressPattern());
  re_->address_en = Compile(pii::EnglishAddressPattern());
  re_->titled = Compile(pii::TitledNamePattern());
  std::string labels = pii::LabelPattern(name_labels);
  if (!labels.empty()) re_->labels = Compile(labels);
}

PiiMasker::~PiiMasker() = default;

std::vector<PiiSpan> PiiMasker::Find(std::string_view text) const {
  pii::Folded folded = pii::Fold(text);
  std::string_view f = folded.text;
  std::vector<Candidate> found;
  pii::FindNumbers(f, &found);
  pii::FindEmails(*re_->email, f, &found);
  pii::FindPlates(*re_->plate, f, &found);
  pii::FindAddresses(*re_->address_zh, *re_->address_en, f, &found);
  pii::FindNames(re_->labels.get(), *re_->titled, f, &found);
  std::stable_sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    if (Priority(a.cls) != Priority(b.cls)) return Priority(a.cls) < Priority(b.cls);
    return a.end - a.begin > b.end - b.begin;
  });
  std::vector<Candidate> kept;
  for (const auto& c : found) {
    bool overlaps = std::any_of(kept.begin(), kept.end(), [&](const Candidate& k) {
      return c.begin < k.end && k.begin < c.end;
    });
    if (!overlaps) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(),
            [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
  std::vector<PiiSpan> spans;
  spans.reserve(kept.size());
  for (const auto& c : kept) {
    spans.push_back({folded.OriginalBegin(c.begin), folded.OriginalEnd(c.end), c.cls, c.keep_head,
                     c.keep_tail});
  }
  return spans;
}

std::string PiiMasker::Mask(std::string_view text) const {
  std::vector<PiiSpan> spans = Find(text);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t last = 0;
  for (const auto& s : spans) {
    out.append(text.substr(last, s.begin - last));
    std::string_view span = text.substr(s.begin, s.end - s.begin);
    switch (s.cls) {
      case PiiClass::kPhone:
      case PiiClass::kId:
      case PiiClass::kCard:
        MaskDigits(span, s, &out);
        break;
      case PiiClass::kEmail:
        MaskEmail(span, &out);
        break;
      case PiiClass::kName:
        MaskName(span, &out);
        break;
      case PiiClass::kAddress:
        MaskAddress(span, &out);
        break;
      case PiiClass::kPlate:
        MaskPlate(span, &out);
        break;
    }
    last = s.end;
  }
  out.append(text.substr(last));
  return out;
}

}  // namespace faultgraph::ingest
