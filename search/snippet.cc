#include "search/snippet.h"

#include <xapian.h>

#include <algorithm>
#include <unordered_set>

namespace faultgraph::search {
namespace {

size_t CharLen(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }
bool IsWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }

}  // namespace

std::string MakeSnippet(std::string_view text, const std::vector<WeightedTerm>& query_terms,
                        size_t max_bytes) {
  std::unordered_set<std::string> plain, stems;
  for (const auto& t : query_terms) {
    if (!t.term.empty() && t.term[0] == 'Z') stems.insert(t.term.substr(1));
    else plain.insert(t.term);
  }
  Xapian::Stem stem("en");
  std::vector<char> marked(text.size(), 0);
  auto mark = [&](size_t from, size_t to) { std::fill(marked.begin() + from, marked.begin() + to, 1); };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Multi-byte: try the bigram starting here, then the single character.
      size_t a = std::min(CharLen(c), text.size() - i);
      size_t b = i + a < text.size() ? std::min(CharLen(text[i + a]), text.size() - i - a) : 0;
      if (b > 0 && plain.count(std::string(text.substr(i, a + b)))) mark(i, i + a + b);
      else if (plain.count(std::string(text.substr(i, a)))) mark(i, i + a);
      i += a;
    } else if (IsWordByte(c)) {
      size_t j = i;
      while (j < text.size() && IsWordByte(static_cast<unsigned char>(text[j]))) ++j;
      std::string word(text.substr(i, j - i));
      if (plain.count(word) || stems.count(stem(word))) mark(i, j);
      i = j;
    } else {
      ++i;
    }
  }
  size_t first = std::find(marked.begin(), marked.end(), 1) - marked.begin();
  size_t start = first == text.size() || first < 40 ? 0 : first - 40;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  size_t end = std::min(text.size(), start + max_bytes);
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out = start > 0 ? "…" : "";
  for (size_t i = start; i < end; ++i) {
    if (marked[i] && (i == start || !marked[i - 1])) out += '[';
    char c = text[i];
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (marked[i] && (i + 1 == end || !marked[i + 1])) out += ']';
  }
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace faultgraph::search
