#include "ingest/pii_mask.h"

#include <re2/re2.h>

#include <cctype>

namespace faultgraph::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Stars(size_t n) { return std::string(n, '*'); }

// Masks one run of digits (with the separators kept), or returns it as is.
std::string MaskRun(std::string_view run) {
  std::string digits;
  for (char c : run) {
    if (IsDigit(c) || c == 'X' || c == 'x') digits.push_back(c);
  }
  auto keep_ends = [&](size_t head, size_t tail) {
    // Replace digits between the first `head` and the last `tail` digits,
    // keeping separators where they were.
    std::string out(run);
    size_t seen = 0, total = digits.size();
    for (char& c : out) {
      if (IsDigit(c) || c == 'X' || c == 'x') {
        if (seen >= head && seen < total - tail) c = '*';
        ++seen;
      }
    }
    return out;
  };
  size_t n = digits.size();
  if (n == 18 && IsValidResidentId(digits)) return keep_ends(3, 4);
  if (n == 11 && digits[0] == '1' && digits[1] >= '3') return keep_ends(3, 4);
  if (n == 13 && digits.starts_with("861") && digits[3] >= '3') return keep_ends(5, 4);
  if (n >= 10 && n <= 12 && digits[0] == '0') return keep_ends(n - 8 >= 3 ? n - 8 : 3, 4);
  return std::string(run);
}

}  // namespace

bool IsValidResidentId(std::string_view id) {
  if (id.size() != 18) return false;
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (!IsDigit(id[i])) return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  char c = id[17] == 'x' ? 'X' : id[17];
  return c == kCheck[sum % 11];
}

PiiMasker::PiiMasker(const std::vector<std::string>& name_labels)
    : email_(std::make_unique<re2::RE2>(
          "([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})")) {
  std::string alternatives;
  for (const auto& label : name_labels) {
    if (!alternatives.empty()) alternatives += "|";
    alternatives += re2::RE2::QuoteMeta(label);
  }
  if (!alternatives.empty()) {
    // label, optional colon, then a Han name of up to 4 characters or up to
    // two Latin words.
    name_ = std::make_unique<re2::RE2>("((?i:" + alternatives +
                                       ")\\s*[:：]?\\s*)(\\p{Han}{1,4}|[A-Za-z]+(?: [A-Za-z]+)?)");
  }
}

PiiMasker::~PiiMasker() = default;

std::string PiiMasker::MaskDigitRuns(std::string_view text) const {
  // A run: digits with single '-' or ' ' between them, an optional final X.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    if (i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1]))) {
      // Digits inside a code or serial ("E4", "AC00043"): not a number of its own.
      while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])))
        out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size()) {
      if (IsDigit(text[j])) {
        ++j;
      } else if ((text[j] == '-' || text[j] == ' ') && j + 1 < text.size() &&
                 IsDigit(text[j + 1])) {
        ++j;
      } else if ((text[j] == 'X' || text[j] == 'x') && j - i == 17) {
        ++j;
        break;
      } else {
        break;
      }
    }
    out += MaskRun(text.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string PiiMasker::Mask(std::string_view text) const {
  std::string s = MaskDigitRuns(text);
  re2::RE2::GlobalReplace(&s, *email_, "\\1***\\2");
  if (name_ != nullptr) {
    std::string out;
    re2::StringPiece input(s);
    re2::StringPiece label, name;
    const char* last = s.data();
    while (re2::RE2::FindAndConsume(&input, *name_, &label, &name)) {
      out.append(last, label.data() - last);
      out.append(label.data(), label.size());
      // Keep the first character (a surname, or an initial), star the rest.
      size_t first = 1;
      unsigned char c = static_cast<unsigned char>(name[0]);
      if (c >= 0xF0)
        first = 4;
      else if (c >= 0xE0)
        first = 3;
      else if (c >= 0xC0)
        first = 2;
      out.append(name.data(), first);
      size_t rest_chars = 0;
      for (size_t k = first; k < name.size(); ++k) {
        if ((static_cast<unsigned char>(name[k]) & 0xC0) != 0x80) ++rest_chars;
      }
      out += Stars(rest_chars == 0 ? 1 : rest_chars);
      last = name.data() + name.size();
    }
    out.append(last, s.data() + s.size() - last);
    s = std::move(out);
  }
  return s;
}

}  // namespace faultgraph::ingest
