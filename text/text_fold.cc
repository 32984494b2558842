#include "text/text_fold.h"

#include <opencc/opencc.h>
#include <utf8proc.h>

#include <cstdlib>

namespace faultgraph::text {
namespace {

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
      utf8proc_ssize_t len =
          utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + i,
                           static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
      if (len <= 0) {
        ++i;
        continue;
      }
      clean.append(text.substr(i, static_cast<size_t>(len)));
      i += static_cast<size_t>(len);
    }
    return clean.size() == text.size() ? clean : MapUtf8(clean, options);
  }
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
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
  return folder;
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
  std::string nfkc =
      MapUtf8(text, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
  bool ascii = true;
  for (char c : nfkc) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return nfkc;
  return t2s_->Convert(nfkc);
}

}  // namespace faultgraph::text
