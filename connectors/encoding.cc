#include "connectors/encoding.h"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "ingest/text.h"

namespace faultgraph::connectors {
namespace {

// iconv's name of what a TextDecoder reads.
const char* IconvName(Encoding e) {
  switch (e) {
    case Encoding::kGb18030:
      return "GB18030";
    case Encoding::kBig5:
      return "CP950";  // Big5 as Windows writes it (a superset)
    case Encoding::kUtf16Le:
      return "UTF-16LE";
    case Encoding::kUtf16Be:
      return "UTF-16BE";
    case Encoding::kUtf32Le:
      return "UTF-32LE";
    case Encoding::kUtf32Be:
      return "UTF-32BE";
    default:
      return "UTF-8";
  }
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Whether `sample` is mostly valid UTF-8: counts valid multi-byte
// characters against bytes that cannot be UTF-8. GB18030 text almost never
// forms valid UTF-8 sequences, while a UTF-8 export may carry a few stray
// bad bytes (which then land in the dead-letter store row by row, rather
// than garbling the whole file).
bool LooksUtf8(std::string_view sample) {
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
  return bad == 0 || good > bad;
}

// Whether `sample` decodes as `e` (a character cut by its end allowed).
bool DecodesAs(Encoding e, std::string_view sample) {
  TextDecoder d(e);
  for (size_t drop = 0; drop < 4 && drop <= sample.size(); ++drop) {
    if (d.Decode(sample.substr(0, sample.size() - drop)).ok()) return true;
  }
  return false;
}

std::string Uchardet(std::string_view sample) {
  uchardet_t u = uchardet_new();
  std::string name;
  if (uchardet_handle_data(u, sample.data(), sample.size()) == 0) {
    uchardet_data_end(u);
    name = uchardet_get_charset(u);
  }
  uchardet_delete(u);
  return Upper(name);
}

}  // namespace

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kGb18030:
      return "gb18030";
    case Encoding::kBig5:
      return "big5";
    case Encoding::kUtf16Le:
      return "utf-16le";
    case Encoding::kUtf16Be:
      return "utf-16be";
    case Encoding::kUtf32Le:
      return "utf-32le";
    case Encoding::kUtf32Be:
      return "utf-32be";
    case Encoding::kUnsupported:
      return "unsupported";
  }
  return "unsupported";
}

Result<std::string> CanonicalEncodingName(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "utf-8" || n == "utf8") return std::string("utf-8");
  if (n == "gb18030" || n == "gbk" || n == "gb2312") return std::string("gb18030");
  if (n == "big5" || n == "cp950") return std::string("big5");
  for (const char* u : {"utf-16", "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be"}) {
    if (n == u) return n;
  }
  if (n == "auto") return std::string("auto");
  return Status::InvalidArgument(
      "unknown encoding '" + ingest::QuoteValue(name, 40).substr(1) +
      " (expected utf-8, gb18030, gbk, big5, utf-16, utf-16le, utf-16be, utf-32, utf-32le, "
      "utf-32be or auto)");
}

size_t BomLength(std::string_view d, Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return d.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    case Encoding::kUtf16Le:
      return d.starts_with("\xFF\xFE") ? 2 : 0;
    case Encoding::kUtf16Be:
      return d.starts_with("\xFE\xFF") ? 2 : 0;
    case Encoding::kUtf32Le:
      return d.starts_with(std::string_view("\xFF\xFE\0\0", 4)) ? 4 : 0;
    case Encoding::kUtf32Be:
      return d.starts_with(std::string_view("\0\0\xFE\xFF", 4)) ? 4 : 0;
    default:
      return 0;
  }
}

Encoding DetectEncoding(std::string_view sample, std::string* detected) {
  // Byte-order marks first; UTF-32LE's starts like UTF-16LE's.
  for (Encoding e : {Encoding::kUtf8, Encoding::kUtf32Le, Encoding::kUtf32Be, Encoding::kUtf16Le,
                     Encoding::kUtf16Be}) {
    if (BomLength(sample, e) > 0) {
      if (detected != nullptr) *detected = Upper(EncodingName(e));
      return e;
    }
  }
  if (LooksUtf8(sample)) return Encoding::kUtf8;
  std::string name = Uchardet(sample);
  if (detected != nullptr) *detected = name.empty() ? "unknown" : name;
  if (name == "GB18030" || name == "GB2312" || name == "GBK") return Encoding::kGb18030;
  if (name.starts_with("BIG5") || name == "CP950") return Encoding::kBig5;
  // Guesses that name no East Asian encoding: single-byte code pages, or
  // UTF-8/ASCII for a sample that is not UTF-8 (a few bytes of Chinese).
  static constexpr std::string_view kNoCjkGuess[] = {
      "WINDOWS-125", "ISO-8859-", "IBM", "MAC", "KOI8", "TIS-620", "VISCII", "UTF-8", "ASCII"};
  bool no_cjk_guess =
      name.empty() || std::any_of(std::begin(kNoCjkGuess), std::end(kNoCjkGuess),
                                  [&](std::string_view p) { return name.starts_with(p); });
  // Such a guess is common for a short Chinese sample: one that is valid
  // GB18030 is read as the exports usually are.
  if (no_cjk_guess && DecodesAs(Encoding::kGb18030, sample)) return Encoding::kGb18030;
  // Multi-byte encodings of other languages (SHIFT_JIS, EUC-JP, EUC-KR,
  // ISO-2022-*, EUC-TW, UTF-16 without a BOM) are refused by name rather
  // than read as GB18030 mojibake.
  return Encoding::kUnsupported;
}

Result<Encoding> ResolveEncoding(std::string_view name, std::string_view head) {
  if (name == "utf-8") return Encoding::kUtf8;
  if (name == "gb18030") return Encoding::kGb18030;
  if (name == "big5") return Encoding::kBig5;
  if (name == "utf-16le") return Encoding::kUtf16Le;
  if (name == "utf-16be") return Encoding::kUtf16Be;
  if (name == "utf-32le") return Encoding::kUtf32Le;
  if (name == "utf-32be") return Encoding::kUtf32Be;
  if (name == "utf-16")
    return BomLength(head, Encoding::kUtf16Be) > 0 ? Encoding::kUtf16Be : Encoding::kUtf16Le;
  if (name == "utf-32")
    return BomLength(head, Encoding::kUtf32Be) > 0 ? Encoding::kUtf32Be : Encoding::kUtf32Le;
  std::string detected;
  Encoding e = DetectEncoding(head, &detected);
  if (e != Encoding::kUnsupported) return e;
  return Status::InvalidArgument(
      "the file's encoding looks like " + detected +
      " (encoding = \"auto\"), which faultgraph does not read: convert it to UTF-8 (iconv -f " +
      detected +
      " -t UTF-8), or name its encoding in the mapping (utf-8, gb18030, big5, utf-16, "
      "utf-32)");
}

TextDecoder::TextDecoder(Encoding e) : enc_(e), cd_(iconv_open("UTF-8", IconvName(e))) {}
TextDecoder::~TextDecoder() {
  if (cd_ != reinterpret_cast<void*>(-1)) iconv_close(static_cast<iconv_t>(cd_));
}

Result<std::string> TextDecoder::Decode(std::string_view text) const {
  if (cd_ == reinterpret_cast<void*>(-1)) {
    return Status::IOError("this system's iconv has no " + std::string(IconvName(enc_)) +
                           " converter");
  }
  bool ascii = enc_ == Encoding::kGb18030 || enc_ == Encoding::kBig5;
  for (size_t i = 0; ascii && i < text.size(); ++i)
    ascii = static_cast<unsigned char>(text[i]) < 0x80;
  if (ascii) return std::string(text);
  iconv_t cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  std::string out(text.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
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
    return Status::InvalidArgument("not valid " + Upper(EncodingName(enc_)) + " at byte " +
                                   std::to_string(text.size() - in_left));
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
