// Snippets: a window of a document's text around the first match, with
// every matched word or Chinese bigram marked [like this]. Written here
// rather than with Xapian's MSet::snippet, which marks CJK text only by
// unigrams and so never matches the bigram terms of analyzer.h.
//
// Matching happens on the folded text (simplified script, half width, lower
// case), but what is shown is what the customer wrote: the marks found on
// the folded text are carried back to the original's characters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "search/analyzer.h"

namespace faultgraph::text {
class TextFolder;
}

namespace faultgraph::search {

using text::TextFolder;

// A snippet of the folded text itself (documents indexed before the
// original text was kept beside it).
std::string MakeSnippet(std::string_view folded, const std::vector<WeightedTerm>& query_terms,
                        size_t max_bytes);

// A snippet of `shown`, the text as written, whose folding is `folded`.
// Folding keeps one character per character almost always (t2s, width,
// case); where it does not (an NFKC expansion such as ㎏ -> kg, a byte of
// invalid UTF-8) each character of `shown` is folded on its own to find
// which of them a match covers.
std::string MakeShownSnippet(std::string_view shown, std::string_view folded,
                             const TextFolder& folder, const std::vector<WeightedTerm>& query_terms,
                             size_t max_bytes);

}  // namespace faultgraph::search
