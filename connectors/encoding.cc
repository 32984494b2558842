#include "connectors/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <cstdio>

#include "ingest/text.h"

namespace faultgraph::connectors {

Result<std::string> CanonicalEncodingName(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "utf-8" || n == "utf8") return std::string("utf-8");
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return std::string("gb18030");
  if (n == "auto") return std::string("auto");
  return Status::InvalidArgument("unknown encoding '" + std::string(name) +
                                 "' (expected utf-8, gb18030, gbk or auto)");
}

Encoding DetectEncoding(std::string_view sample) {
  // Count valid multi-byte UTF-8 characters against bytes that cannot be
  // UTF-8. GB18030 text almost never forms valid UTF-8 sequences, while a
  // UTF-8 export may carry a few stray bad bytes (which then land in the
  // dead-letter store row by row, rather than garbling the whole file).
  size_t good = 0, bad = 0;
  while (!sample.empty()) {
    size_t pos = ingest::FindInvalidUtf8(sample);
    std::string_view valid = sample.substr(0, pos);
    for (char c : valid) good += (static_cast<unsigned char>(c) & 0xC0) == 0xC0;
    if (pos == std::string_view::npos) break;
    // A character cut by the end of the sample does not count.
    if (sample.size() - pos < 4 && static_cast<unsigned char>(sample[pos]) >= 0xC2) break;
    ++bad;
    sample.remove_prefix(pos + 1);
  }
  return bad == 0 || good > bad ? Encoding::kUtf8 : Encoding::kGb18030;
}

Gb18030Decoder::Gb18030Decoder() : cd_(iconv_open("UTF-8", "GB18030")) {}
Gb18030Decoder::~Gb18030Decoder() {
  if (cd_ != reinterpret_cast<void*>(-1)) iconv_close(static_cast<iconv_t>(cd_));
}

Result<std::string> Gb18030Decoder::Decode(std::string_view gb) const {
  if (cd_ == reinterpret_cast<void*>(-1)) {
    return Status::IOError("this system's iconv has no GB18030 converter");
  }
  bool ascii = true;
  for (char c : gb) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return std::string(gb);
  iconv_t cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  std::string out(gb.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(gb.data());
  size_t in_left = gb.size();
  char* dst = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    return Status::InvalidArgument("not valid GB18030 at byte " +
                                   std::to_string(gb.size() - in_left));
  }
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

std::string EscapeInvalidUtf8(std::string_view s) {
  std::string out;
  while (!s.empty()) {
    size_t bad = ingest::FindInvalidUtf8(s);
    if (bad == std::string_view::npos) {
      out.append(s);
      break;
    }
    out.append(s.substr(0, bad));
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(s[bad]));
    out.append(buf);
    s.remove_prefix(bad + 1);
  }
  return out;
}

}  // namespace faultgraph::connectors
