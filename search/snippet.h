// Snippets: a window of the folded document text around the first match,
// with every matched word or Chinese bigram marked [like this]. Written
// here rather than with Xapian's MSet::snippet, which marks CJK text only
// by unigrams and so never matches the bigram terms of analyzer.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "search/analyzer.h"

namespace faultgraph::search {

std::string MakeSnippet(std::string_view folded, const std::vector<WeightedTerm>& query_terms,
                        size_t max_bytes);

}  // namespace faultgraph::search
