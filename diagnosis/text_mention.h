// How much of a component's name a query text contains: the agent's words
// often name the part ("intake gasket leaking", "压缩机不转"), which the
// nearest past cases alone weigh no more than any other word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::diagnosis {

// A name folded the way the query text is, split for matching. Names are
// often bilingual ("Compressor 压缩机"): the Latin words and the CJK runs
// are matched apart, and the better of the two counts.
struct FoldedName {
  std::vector<std::string> words;  // ASCII words of 3+ letters or digits
  std::vector<std::string> runs;   // runs of non-ASCII text, each matched whole
};

// `folded` is the name after the text folder (NFKC, case-folded, simplified).
FoldedName SplitName(std::string_view folded);

// The ASCII words (letters and digits) of folded text, in order.
std::vector<std::string> TextWords(std::string_view folded_text);

// The share (0..1) of the name's words that start a word of the text
// ("gasket" matches "gaskets"), or of its CJK runs that the text contains,
// whichever is larger; 0 for a name with nothing to match.
double NameCoverage(const FoldedName& name, std::string_view folded_text,
                    const std::vector<std::string>& text_words);

}  // namespace faultgraph::diagnosis
