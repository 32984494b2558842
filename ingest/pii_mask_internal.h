// The pieces of PiiMasker (ingest/pii_mask.h): folding with a map back to
// the original bytes, and the finders of each class, which work on the
// folded text and report folded offsets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/pii_mask.h"

namespace re2 {
class RE2;
}

namespace faultgraph::ingest::pii {

// One code point of the original, folded: NFKC (utf8proc), full-width ->
// ASCII, ideographic space -> ' ', every dash -> '-', every middle dot ->
// U+00B7. Invalid UTF-8 bytes fold to themselves, one byte at a time.
// Returns the length of the code point at `text[pos]`.
size_t FoldCodePoint(std::string_view text, size_t pos, std::string* out);

// The folded text and, for each of its bytes, where the code point it came
// from starts and ends in the original.
struct Folded {
  std::string text;
  std::vector<uint32_t> src_begin;  // empty when text is the original (plain ASCII)
  std::vector<uint32_t> src_end;
  size_t OriginalBegin(size_t f) const { return src_begin.empty() ? f : src_begin[f]; }
  size_t OriginalEnd(size_t f_end) const {
    return src_end.empty() || f_end == 0 ? f_end : src_end[f_end - 1];
  }
};
Folded Fold(std::string_view text);

// A match in folded offsets.
struct Candidate {
  size_t begin;
  size_t end;
  PiiClass cls;
  int keep_head = 0;
  int keep_tail = 0;
};

// Phones, resident IDs and bank cards.
void FindNumbers(std::string_view folded, std::vector<Candidate>* out);
// E-mail addresses, plain and obfuscated.
void FindEmails(const re2::RE2& re, std::string_view folded, std::vector<Candidate>* out);
// Vehicle plates.
void FindPlates(const re2::RE2& re, std::string_view folded, std::vector<Candidate>* out);
// Addresses (Chinese and English forms).
void FindAddresses(const re2::RE2& zh, const re2::RE2& en, std::string_view folded,
                   std::vector<Candidate>* out);
// Names after labels (`labels` null when there are none), after a title
// (Mr. X) and before an honorific (王先生).
void FindNames(const re2::RE2* labels, const re2::RE2& titled, std::string_view folded,
               std::vector<Candidate>* out);

// Patterns for the finders above.
std::string EmailPattern();
std::string PlatePattern();
std::string ChineseAddressPattern();
std::string EnglishAddressPattern();
std::string TitledNamePattern();
// Alternation of the labels, folded, spaces allowed between Chinese
// characters; empty when there are no labels.
std::string LabelPattern(const std::vector<std::string>& labels);

// UTF-8 helpers.
size_t Utf8Length(unsigned char lead);
// The code point at text[pos] (U+FFFD for an invalid byte).
char32_t DecodeAt(std::string_view text, size_t pos);
bool IsHan(char32_t c);
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace faultgraph::ingest::pii
