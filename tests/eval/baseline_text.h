// What the evaluation's baselines (issue 15, item 7) share: a labelled
// training row, the tokens, and the most-frequent ranking. Kept apart from
// faultgraph's own analyzer on purpose: a baseline is what anyone could
// build from off-the-shelf tools, defined exactly by the issue, and must not
// move when our search or diagnosis changes.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace faultgraph::eval {

struct LabelledText {
  std::string product;  // "" where the set has none
  std::string text;
  std::string label;
};

// The tokens of a text: maximal runs of token characters (Unicode letters,
// digits and private use: L*, N*, Co, SQLite unicode61's default), each
// lower-cased. A run of CJK ideographs is cut from the letters and digits
// around it and becomes its overlapping character bigrams; a lone ideograph
// stays a unigram. Mixed text: "SQL语句2次" -> sql, 语句, 2, 次. Everything
// else (spaces, punctuation, symbols, invalid UTF-8) separates tokens.
std::vector<std::string> BaselineTokens(std::string_view text);

// True for a CJK ideograph (the Han blocks: unified, extensions A-H,
// compatibility).
bool IsCjkIdeograph(char32_t c);

// The most-frequent ranking: labels by how many training rows carry them,
// the query product's own counts first where it has training rows, then the
// counts over every row; ties by label.
class MostFrequent {
 public:
  explicit MostFrequent(const std::vector<LabelledText>& train);

  // The k first labels of the ranking.
  std::vector<std::string> Rank(std::string_view product, size_t k) const;
  // Appends the ranking's labels that `ranked` lacks until it holds k.
  void Pad(std::string_view product, size_t k, std::vector<std::string>* ranked) const;

 private:
  std::vector<std::string> overall_;
  std::map<std::string, std::vector<std::string>, std::less<>> by_product_;
};

}  // namespace faultgraph::eval
