#include "text/text_fold.h"

#include <opencc/opencc.h>
#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>

namespace faultgraph::text {
namespace {

// Code points below this are looked up in TextFolder::changed_ (the BMP
// and the CJK extensions B-F of plane 2); any above is taken as changing.
constexpr utf8proc_int32_t kChangedLimit = 0x30000;

// Where Debian's libopencc-data puts the dictionaries t2s.json names.
constexpr const char* kDictionaryDirs[] = {"/usr/share/opencc/", "/usr/local/share/opencc/"};

// The code point at byte `i` of `text` in `cp`; returns its length in
// bytes, 0 when the bytes there are not UTF-8.
size_t DecodeAt(std::string_view text, size_t i, utf8proc_int32_t* cp) {
  utf8proc_ssize_t len =
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + i,
                       static_cast<utf8proc_ssize_t>(text.size() - i), cp);
  return len > 0 ? static_cast<size_t>(len) : 0;
}

// The code points of `text`; empty when it is not valid UTF-8.
std::vector<utf8proc_int32_t> CodePoints(std::string_view text) {
  std::vector<utf8proc_int32_t> out;
  for (size_t i = 0, len; i < text.size(); i += len) {
    utf8proc_int32_t cp;
    if ((len = DecodeAt(text, i, &cp)) == 0) return {};
    out.push_back(cp);
  }
  return out;
}

opencc::LexiconPtr ReadDictionary(const std::string& name) {
  for (const char* dir : kDictionaryDirs) {
    FILE* f = std::fopen((std::string(dir) + name).c_str(), "rb");
    if (f == nullptr) continue;
    try {
      auto lexicon = opencc::MarisaDict::NewFromFile(f)->GetLexicon();
      std::fclose(f);
      return lexicon;
    } catch (...) {
      std::fclose(f);
      return nullptr;
    }
  }
  return nullptr;
}

std::string MapUtf8(std::string_view text, int options) {
  if (text.empty()) return {};
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                    static_cast<utf8proc_ssize_t>(text.size()), &out,
                                    static_cast<utf8proc_option_t>(options));
  if (n < 0) {
    // Invalid UTF-8: fold what can be folded, byte by byte dropping the rest.
    std::string clean;
    for (size_t i = 0; i < text.size();) {
      utf8proc_int32_t cp;
      size_t len = DecodeAt(text, i, &cp);
      if (len == 0) {
        ++i;
        continue;
      }
      clean.append(text.substr(i, len));
      i += len;
    }
    return clean.size() == text.size() ? clean : MapUtf8(clean, options);
  }
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

// NFKC with case folding of text made only of ASCII, the full-width forms
// of ASCII (U+FF01-FF5E, which NFKC maps to U+0021-007E), the CJK
// ideographs of U+3400-4DBF and U+4E00-9FFF and the marks 、。 (which NFKC
// leaves alone): what utf8proc gives for such text, without its
// decomposition and recomposition passes (a quarter of ingest's folding).
// False, with `out` undefined, for text with any other character.
bool FoldCommonText(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a')
                                          : static_cast<char>(c));
      ++i;
      continue;
    }
    utf8proc_int32_t cp;
    size_t len = DecodeAt(text, i, &cp);
    if (len == 0) return false;
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      char ascii = static_cast<char>(cp - 0xFEE0);
      out->push_back(ascii >= 'A' && ascii <= 'Z' ? static_cast<char>(ascii - 'A' + 'a') : ascii);
    } else if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || cp == 0x3001 ||
               cp == 0x3002) {
      out->append(text.substr(i, len));
    } else {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<TextFolder>> TextFolder::Create() {
  auto folder = std::unique_ptr<TextFolder>(new TextFolder());
  try {
    folder->t2s_ = std::make_unique<opencc::SimpleConverter>("t2s.json");
  } catch (const std::exception& e) {
    return Status::IOError(std::string("cannot load OpenCC t2s.json (package libopencc-data): ") +
                           e.what());
  }
  folder->LoadChangedCharacters();
  return folder;
}

// t2s.json segments text by the longest phrases of TSPhrases and converts
// each segment by TSPhrases, else TSCharacters, taking the first value. A
// segment changes only when its entry's first value differs from its key:
// a single character marked here, or a phrase, whose characters are marked
// unless one of them already is. So text with no marked character is
// converted to itself, and Fold skips the conversion (most text, all of it
// simplified, spends a quarter of its ingest there otherwise). Without the
// dictionaries nothing is marked and everything is converted.
void TextFolder::LoadChangedCharacters() {
  opencc::LexiconPtr characters = ReadDictionary("TSCharacters.ocd2");
  opencc::LexiconPtr phrases = ReadDictionary("TSPhrases.ocd2");
  if (characters == nullptr || phrases == nullptr) return;
  std::vector<unsigned char> changed(kChangedLimit, 0);
  auto mark = [&](const std::vector<utf8proc_int32_t>& cps) {
    for (auto cp : cps) {
      if (cp >= 0 && cp < kChangedLimit) changed[static_cast<size_t>(cp)] = 1;
    }
  };
  for (int pass = 0; pass < 2; ++pass) {  // single characters first
    for (const auto* lexicon : {characters.get(), phrases.get()}) {
      for (const auto& entry : *lexicon) {
        std::string key = entry->Key();
        if (entry->GetDefault() == key) continue;
        auto cps = CodePoints(key);
        if (cps.empty()) return;  // not UTF-8: nothing is known
        if ((cps.size() == 1) != (pass == 0)) continue;
        bool covered = false;
        for (auto cp : cps)
          covered = covered || cp >= kChangedLimit || changed[static_cast<size_t>(cp)];
        if (!covered) mark(cps);
      }
    }
  }
  changed_ = std::move(changed);
}

bool TextFolder::MayConvert(std::string_view text) const {
  for (size_t i = 0, len; i < text.size(); i += len) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {  // t2s has no ASCII in its keys
      len = 1;
      continue;
    }
    utf8proc_int32_t cp;
    len = DecodeAt(text, i, &cp);
    if (len == 0 || changed_.empty() || cp >= kChangedLimit || changed_[static_cast<size_t>(cp)])
      return true;
  }
  return false;
}

Result<const TextFolder*> TextFolder::Shared() {
  static const Result<std::unique_ptr<TextFolder>> shared = Create();
  if (!shared.ok()) return shared.status();
  return static_cast<const TextFolder*>(shared.value().get());
}

TextFolder::~TextFolder() = default;

std::string TextFolder::Nfkc(std::string_view text) {
  return MapUtf8(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
}

std::string TextFolder::Fold(std::string_view text) const {
  std::string nfkc;
  if (!FoldCommonText(text, &nfkc))
    nfkc = MapUtf8(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
  if (!MayConvert(nfkc)) return nfkc;
  return t2s_->Convert(nfkc);
}

}  // namespace faultgraph::text
