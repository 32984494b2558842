// Folding of bilingual text for matching: Unicode NFKC with case folding
// (full-width "ＥＲＲ４" -> "err4"), then traditional -> simplified Chinese
// (OpenCC t2s). Used on everything that is indexed or matched against
// rules (ingest), and on every query (search), so that both sides meet in
// one form. It sits below both, so that ingest does not need the index.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace opencc {
class SimpleConverter;
}

namespace faultgraph::text {

class TextFolder {
 public:
  // IOError when OpenCC's t2s configuration cannot be loaded.
  static Result<std::unique_ptr<TextFolder>> Create();
  // The process's one folder, loaded on first use (OpenCC's dictionaries
  // are read once, not once per indexer, searcher and rule set). A failed
  // load is returned to every caller, not retried.
  static Result<const TextFolder*> Shared();
  ~TextFolder();

  // Folded text; invalid UTF-8 bytes are dropped. Thread-safe.
  std::string Fold(std::string_view text) const;
  // NFKC without case folding or t2s (full-width -> half-width only).
  static std::string Nfkc(std::string_view text);
  // False when t2s leaves `text` as it is for certain: ASCII only, or none
  // of its characters is one that t2s changes, nor part of a phrase t2s
  // changes. True for other text when that is not known (the dictionaries
  // could not be read). Thread-safe.
  bool MayConvert(std::string_view text) const;

 private:
  TextFolder() = default;
  void LoadChangedCharacters();
  std::unique_ptr<opencc::SimpleConverter> t2s_;
  // By code point: 1 where t2s may change text holding the character
  // (below kChangedLimit; characters above it are taken as changing).
  std::vector<unsigned char> changed_;
};

}  // namespace faultgraph::text
