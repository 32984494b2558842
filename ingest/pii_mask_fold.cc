// Folding for the PII finders, one code point at a time so that every
// folded byte knows where it came from (ingest/pii_mask_internal.h). Whole-
// string NFKC would also compose across code points; the forms people type
// (full-width digits and letters, '＠', '：', ideographic spaces) fold the
// same either way.
#include <utf8proc.h>

#include <cstdlib>

#include "ingest/pii_mask_internal.h"

namespace faultgraph::ingest::pii {
namespace {

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool IsDash(char32_t c) {
  return (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63 || c == 0xFF0D;
}

bool IsMiddleDot(char32_t c) { return c == 0x00B7 || c == 0x2022 || c == 0x30FB || c == 0xFF65; }

}  // namespace

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

char32_t DecodeAt(std::string_view text, size_t pos) {
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + pos,
                       static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  return n <= 0 ? 0xFFFD : static_cast<char32_t>(cp);
}

bool IsHan(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F);
}

size_t FoldCodePoint(std::string_view text, size_t pos, std::string* out) {
  unsigned char lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    out->push_back(static_cast<char>(lead));
    return 1;
  }
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t n =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + pos,
                       static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  if (n <= 0) {
    out->push_back(static_cast<char>(lead));
    return 1;
  }
  size_t len = static_cast<size_t>(n);
  char32_t c = static_cast<char32_t>(cp);
  if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF)) {
    out->append(text.substr(pos, len));  // CJK ideographs: NFKC leaves them
  } else if (c >= 0xFF01 && c <= 0xFF5E && c != 0xFF0D) {
    out->push_back(static_cast<char>(c - 0xFEE0));  // full-width ASCII
  } else if (c == 0x3000) {
    out->push_back(' ');
  } else if (IsDash(c)) {
    out->push_back('-');
  } else if (IsMiddleDot(c)) {
    AppendUtf8(0x00B7, out);
  } else {
    utf8proc_uint8_t* mapped = nullptr;
    utf8proc_ssize_t m = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + pos, n, &mapped,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    if (m > 0) {
      out->append(reinterpret_cast<char*>(mapped), static_cast<size_t>(m));
    } else {
      out->append(text.substr(pos, len));
    }
    std::free(mapped);
  }
  return len;
}

Folded Fold(std::string_view text) {
  Folded f;
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    f.text = std::string(text);
    return f;
  }
  f.text.reserve(text.size());
  f.src_begin.reserve(text.size());
  f.src_end.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t before = f.text.size();
    size_t len = FoldCodePoint(text, pos, &f.text);
    for (size_t k = before; k < f.text.size(); ++k) {
      f.src_begin.push_back(static_cast<uint32_t>(pos));
      f.src_end.push_back(static_cast<uint32_t>(pos + len));
    }
    pos += len;
  }
  return f;
}

}  // namespace faultgraph::ingest::pii
