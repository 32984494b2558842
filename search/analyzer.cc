#include "search/analyzer.h"

#include <xapian.h>

#include <cctype>
#include <map>
#include <unordered_set>

#include "common/utf8.h"

namespace faultgraph::search {
namespace {

// Decodes one UTF-8 character at s[i]; returns its length (1 on bad bytes).
size_t Next(std::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = Utf8Length(c);
  if (i + len > s.size()) len = 1;
  uint32_t v = len == 1 ? c : c & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *cp = v;
  return len;
}

bool IsCjk(uint32_t cp) {
  return (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0x3040 && cp <= 0x30FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FA1F);
}

// Calls on_cjk(run) for each CJK run and on_other(text) for the rest.
template <typename Cjk, typename Other>
void Split(std::string_view text, Cjk on_cjk, Other on_other) {
  size_t i = 0, start = 0;
  bool in_cjk = false;
  while (i < text.size()) {
    uint32_t cp;
    size_t len = Next(text, i, &cp);
    bool cjk = IsCjk(cp);
    if (cjk != in_cjk) {
      if (i > start) in_cjk ? on_cjk(text.substr(start, i - start)) : on_other(text.substr(start, i - start));
      start = i;
      in_cjk = cjk;
    }
    i += len;
  }
  if (i > start) in_cjk ? on_cjk(text.substr(start)) : on_other(text.substr(start));
}

template <typename Emit>
void Bigrams(std::string_view run, Emit emit) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < run.size();) {
    uint32_t cp;
    starts.push_back(i);
    i += Next(run, i, &cp);
  }
  starts.push_back(run.size());
  size_t chars = starts.size() - 1;
  if (chars == 1) {
    emit(std::string(run));
    return;
  }
  for (size_t k = 0; k + 1 < chars; ++k) emit(std::string(run.substr(starts[k], starts[k + 2] - starts[k])));
}

}  // namespace

void ConfigureGenerator(Xapian::TermGenerator& gen) {
  gen.set_stemmer(Xapian::Stem("en"));
  gen.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  gen.set_flags(0);
}

void IndexText(Xapian::TermGenerator& gen, Xapian::Document& doc, std::string_view folded) {
  gen.set_document(doc);
  Split(
      folded, [&](std::string_view run) { Bigrams(run, [&](std::string t) { doc.add_term(t); }); },
      [&](std::string_view other) { gen.index_text_without_positions(std::string(other)); });
}

namespace {
// English function words, as the index holds them ("Z" + stem).
const std::unordered_set<std::string>& StopTerms() {
  static const auto* terms = [] {
    static constexpr const char* kWords[] = {
        "a",    "an",    "the",  "is",    "are",   "was",   "were", "be",   "been", "being",
        "not",  "no",    "and",  "or",    "but",   "of",    "to",   "in",   "on",   "at",
        "for",  "with",  "by",   "from",  "as",    "it",    "its",  "this", "that", "these",
        "those", "if",   "then", "than",  "so",    "do",    "does", "did",  "has",  "have",
        "had",  "will",  "would", "can",  "could", "should", "into", "after", "before", "up",
        "out",  "very",  "when", "while", "there", "which", "also", "i",    "we",   "they"};
    auto* out = new std::unordered_set<std::string>();
    Xapian::Stem stem("en");
    for (const char* w : kWords) out->insert("Z" + stem(w));
    return out;
  }();
  return *terms;
}
}  // namespace

std::vector<WeightedTerm> QueryTerms(std::string_view folded) {
  Xapian::Document scratch;
  Xapian::TermGenerator gen;
  ConfigureGenerator(gen);
  IndexText(gen, scratch, folded);
  std::vector<WeightedTerm> out;
  for (auto t = scratch.termlist_begin(); t != scratch.termlist_end(); ++t) {
    out.push_back({*t, t.get_wdf(), StopTerms().contains(*t)});
  }
  return out;
}

std::vector<std::string> OrderedTokens(std::string_view folded) {
  std::vector<std::string> out;
  auto words = [&](std::string_view other) {
    auto inner = [](char c) { return c == '-' || c == '_' || c == '.' || c == '/'; };
    auto breaks = [&](char c) {
      auto u = static_cast<unsigned char>(c);
      return u < 0x80 && !std::isalnum(u) && !inner(c);
    };
    size_t i = 0;
    while (i < other.size()) {
      while (i < other.size() && (breaks(other[i]) || inner(other[i]))) ++i;
      size_t start = i;
      while (i < other.size() && !breaks(other[i])) ++i;
      size_t end = i;
      while (end > start && inner(other[end - 1])) --end;  // "e4." -> "e4"
      if (end > start) out.emplace_back(other.substr(start, end - start));
    }
  };
  Split(
      folded, [&](std::string_view run) { Bigrams(run, [&](std::string t) { out.push_back(std::move(t)); }); },
      words);
  return out;
}

}  // namespace faultgraph::search
