#include "diagnosis/text_mention.h"

#include <algorithm>

namespace faultgraph::diagnosis {
namespace {

bool IsWordByte(unsigned char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

// The share of `parts` for which found(part) holds; 0 when there are none.
template <typename Found>
double Share(const std::vector<std::string>& parts, Found found) {
  if (parts.empty()) return 0.0;
  size_t n = 0;
  for (const auto& p : parts) n += found(p) ? 1 : 0;
  return static_cast<double>(n) / static_cast<double>(parts.size());
}

}  // namespace

std::vector<std::string> TextWords(std::string_view folded_text) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char ch : folded_text) {
    if (IsWordByte(ch)) {
      cur += static_cast<char>(ch);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

FoldedName SplitName(std::string_view folded) {
  FoldedName n;
  for (auto& w : TextWords(folded)) {
    if (w.size() >= 3) n.words.push_back(std::move(w));  // not "of", "l/h", "#2"
  }
  std::string run;
  for (unsigned char ch : folded) {
    if (ch >= 0x80) {
      run += static_cast<char>(ch);
    } else if (!run.empty()) {
      n.runs.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) n.runs.push_back(std::move(run));
  return n;
}

double NameCoverage(const FoldedName& name, std::string_view folded_text,
                    const std::vector<std::string>& text_words) {
  double words = Share(name.words, [&](const std::string& w) {
    return std::any_of(text_words.begin(), text_words.end(),
                       [&](const std::string& t) { return t.starts_with(w); });
  });
  double runs = Share(name.runs, [&](const std::string& r) {
    return folded_text.find(r) != std::string_view::npos;
  });
  return std::max(words, runs);
}

}  // namespace faultgraph::diagnosis
