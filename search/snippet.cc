#include "search/snippet.h"

#include <xapian.h>

#include <algorithm>
#include <unordered_set>

#include "common/utf8.h"
#include "text/text_fold.h"

namespace faultgraph::search {
namespace {

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }

// The byte offsets at which the characters of `text` start (and its size).
std::vector<size_t> CharStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); i += std::min(Utf8Length(text[i]), text.size() - i))
    starts.push_back(i);
  starts.push_back(text.size());
  return starts;
}

// One flag per byte of `text`: inside a word or bigram the query matched.
std::vector<char> MarkMatches(std::string_view text, const std::vector<WeightedTerm>& query_terms) {
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
      size_t a = std::min(Utf8Length(c), text.size() - i);
      size_t b = i + a < text.size() ? std::min(Utf8Length(text[i + a]), text.size() - i - a) : 0;
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
  return marked;
}

// The window of `text` from a little before its first marked byte, marks
// bracketed, line breaks as spaces.
std::string Render(std::string_view text, const std::vector<char>& marked, size_t max_bytes) {
  size_t first = std::find(marked.begin(), marked.end(), 1) - marked.begin();
  size_t start = first == text.size() || first < 40 ? 0 : first - 40;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  size_t end = std::min(text.size(), start + max_bytes);
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  // Empty notes or cause leave line breaks at the end: not worth a space.
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  const bool cut = end < text.size();
  if (!cut)
    while (end > start && blank(text[end - 1])) --end;
  std::string out = start > 0 ? "…" : "";
  for (size_t i = start; i < end; ++i) {
    if (marked[i] && (i == start || !marked[i - 1])) out += '[';
    char c = text[i];
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (marked[i] && (i + 1 == end || !marked[i + 1])) out += ']';
  }
  if (cut) out += "…";
  return out;
}

}  // namespace

std::string MakeSnippet(std::string_view text, const std::vector<WeightedTerm>& query_terms,
                        size_t max_bytes) {
  return Render(text, MarkMatches(text, query_terms), max_bytes);
}

std::string MakeShownSnippet(std::string_view shown, std::string_view folded,
                             const TextFolder& folder, const std::vector<WeightedTerm>& query_terms,
                             size_t max_bytes) {
  const std::vector<size_t> chars = CharStarts(shown);
  const size_t n = chars.size() - 1;
  // owner[b]: the character of `shown` that byte b of the folded text came from.
  std::string_view folding = folded;
  std::string refolded;  // the per-character folding, when `folded` does not map one to one
  std::vector<size_t> owner;
  std::vector<size_t> folded_chars = CharStarts(folded);
  if (folded_chars.size() == chars.size()) {
    owner.resize(folded.size());
    for (size_t k = 0; k < n; ++k)
      std::fill(owner.begin() + folded_chars[k], owner.begin() + folded_chars[k + 1], k);
  } else {
    for (size_t k = 0; k < n; ++k) {
      std::string f = folder.Fold(shown.substr(chars[k], chars[k + 1] - chars[k]));
      refolded += f;
      owner.insert(owner.end(), f.size(), k);
    }
    folding = refolded;
  }
  const std::vector<char> folded_marks = MarkMatches(folding, query_terms);
  std::vector<char> marked(shown.size(), 0);
  for (size_t b = 0; b < folding.size(); ++b) {
    if (!folded_marks[b]) continue;
    const size_t k = owner[b];
    std::fill(marked.begin() + chars[k], marked.begin() + chars[k + 1], 1);
  }
  return Render(shown, marked, max_bytes);
}

}  // namespace faultgraph::search
