// The one text analyzer of the index and its queries. Text is folded first
// (text_fold.h). Chinese/Japanese/Korean runs become overlapping character
// bigrams (a lone character stays a unigram); other text goes through
// Xapian's TermGenerator with English stemming (STEM_ALL_Z: only the
// "Z"-prefixed stem, one posting list per word rather than two). Bigrams only, not Xapian's unigrams+bigrams: a
// single Chinese character matches a large part of any after-sales corpus,
// which made postings long and queries slow without improving the ranking.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace Xapian {
class Document;
class TermGenerator;
}  // namespace Xapian

namespace faultgraph::search {

struct WeightedTerm {
  std::string term;
  unsigned wdf = 1;
  // An English function word ("not", "the", "is", ...): a search that
  // needs every word does not need these, they only add weight.
  bool stop = false;
};

// Adds the terms of `folded` to the document the generator is set on.
void IndexText(Xapian::TermGenerator& gen, Xapian::Document& doc, std::string_view folded);

// The terms of `folded` as a query would look them up, with their counts.
std::vector<WeightedTerm> QueryTerms(std::string_view folded);

// The words of `folded` in text order, as the diagnosis classifier reads
// them: CJK runs as overlapping character bigrams (a lone character as
// itself), other text split at ASCII spaces and punctuation into words,
// unstemmed ('-' '_' '.' '/' inside a word kept: ac-350, e4, 3.5mm). The
// classifier's subword n-grams do what stemming does for the index.
std::vector<std::string> OrderedTokens(std::string_view folded);

// A TermGenerator set up the way IndexText expects.
void ConfigureGenerator(Xapian::TermGenerator& gen);

}  // namespace faultgraph::search
