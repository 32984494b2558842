#include "ingest/text.h"

#include <algorithm>

namespace faultgraph::ingest {

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view s, std::string_view separators) {
  if (separators.empty()) separators = ",;|";
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::string_view t = Trim(current);
    if (!t.empty()) out.emplace_back(t);
    current.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (separators.find(s[i]) != std::string_view::npos) {
      flush();
      continue;
    }
    // Full-width comma U+FF0C, semicolon U+FF1B, ideographic comma U+3001.
    std::string_view rest = s.substr(i);
    if (rest.starts_with("\xEF\xBC\x8C") || rest.starts_with("\xEF\xBC\x9B") ||
        rest.starts_with("\xE3\x80\x81")) {
      flush();
      i += 2;
      continue;
    }
    current.push_back(s[i]);
  }
  flush();
  return out;
}

std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

bool ParseYesNo(std::string_view s, bool* out) {
  std::string v = ToUpperAscii(Trim(s));
  for (std::string_view yes : {"TRUE", "YES", "Y", "1", "是"}) {
    if (v == yes) {
      *out = true;
      return true;
    }
  }
  for (std::string_view no : {"FALSE", "NO", "N", "0", "否"}) {
    if (v == no) {
      *out = false;
      return true;
    }
  }
  return false;
}

std::string QuoteValue(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return "'" + std::string(s) + "'";
  return "'" + std::string(Utf8Prefix(s, max_bytes)) + "…' (" + std::to_string(s.size()) +
         " bytes)";
}

}  // namespace faultgraph::ingest
