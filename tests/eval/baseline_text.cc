#include "tests/eval/baseline_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <unordered_map>

namespace faultgraph::eval {
namespace {

bool IsTokenChar(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

void AppendUtf8(char32_t c, std::string* out) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

// Labels by count, most first; ties by label.
std::vector<std::string> ByCount(const std::unordered_map<std::string, size_t>& counts) {
  std::vector<std::pair<size_t, std::string>> v;
  for (const auto& [label, n] : counts) v.emplace_back(n, label);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (auto& [n, label] : v) out.push_back(std::move(label));
  return out;
}

}  // namespace

bool IsCjkIdeograph(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x323AF);
}

std::vector<std::string> BaselineTokens(std::string_view text) {
  std::vector<std::string> out;
  std::string word;           // the current run of other token characters
  std::vector<char32_t> cjk;  // the current run of ideographs
  auto flush_word = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  auto flush_cjk = [&] {
    if (cjk.size() == 1) {
      out.emplace_back();
      AppendUtf8(cjk[0], &out.back());
    }
    for (size_t i = 0; i + 1 < cjk.size(); ++i) {
      out.emplace_back();
      AppendUtf8(cjk[i], &out.back());
      AppendUtf8(cjk[i + 1], &out.back());
    }
    cjk.clear();
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t cp = -1;
    auto n = utf8proc_iterate(p + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
    if (n <= 0) {  // invalid UTF-8: one byte, a separator
      flush_word();
      flush_cjk();
      ++pos;
      continue;
    }
    pos += static_cast<size_t>(n);
    const auto c = static_cast<char32_t>(cp);
    if (IsCjkIdeograph(c)) {
      flush_word();
      cjk.push_back(c);
    } else if (IsTokenChar(c)) {
      flush_cjk();
      AppendUtf8(static_cast<char32_t>(utf8proc_tolower(cp)), &word);
    } else {
      flush_word();
      flush_cjk();
    }
  }
  flush_word();
  flush_cjk();
  return out;
}

MostFrequent::MostFrequent(const std::vector<LabelledText>& train) {
  std::unordered_map<std::string, size_t> overall;
  std::map<std::string, std::unordered_map<std::string, size_t>> by_product;
  for (const auto& row : train) {
    ++overall[row.label];
    if (!row.product.empty()) ++by_product[row.product][row.label];
  }
  overall_ = ByCount(overall);
  for (const auto& [product, counts] : by_product) by_product_[product] = ByCount(counts);
}

std::vector<std::string> MostFrequent::Rank(std::string_view product, size_t k) const {
  std::vector<std::string> out;
  Pad(product, k, &out);
  return out;
}

void MostFrequent::Pad(std::string_view product, size_t k, std::vector<std::string>* ranked) const {
  auto add = [&](const std::vector<std::string>& labels) {
    for (const auto& l : labels) {
      if (ranked->size() >= k) return;
      if (std::find(ranked->begin(), ranked->end(), l) == ranked->end()) ranked->push_back(l);
    }
  };
  if (auto it = by_product_.find(product); it != by_product_.end()) add(it->second);
  add(overall_);
}

}  // namespace faultgraph::eval
