// The "fastText alone" baseline (issue 15), exactly: Debian's
// supervised fastText (libfasttext, the library behind `fasttext
// supervised`) on the lower-cased words and CJK bigrams of the text
// (tests/eval/baseline_text.h BaselineTokens), the label being the
// component (or the cause), trained as
//   fasttext supervised -epoch 50 -lr 0.5 -wordNgrams 2 -minn 3 -maxn 5
//                       -dim 50 -thread 1 -seed 1
// with every other setting at the command's own default (fastText's
// argument parser is used, so the defaults are its own: softmax loss,
// minCount 1, 2M hash buckets, ...). The product is not a feature.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "tests/eval/baseline_text.h"

namespace fasttext {
class FastText;
}

namespace faultgraph::eval {

class FastTextBaseline {
 public:
  // The command line's flags after `fasttext supervised -input F -output O`.
  static const std::vector<std::string>& Flags();

  // Trains on the rows with a label and a token; `scratch` is a folder for
  // fastText's input file (removed after).
  static Result<std::unique_ptr<FastTextBaseline>> Train(const std::vector<LabelledText>& train,
                                                         const std::string& scratch);
  ~FastTextBaseline();

  // The k most likely labels, most likely first (none for a text without a
  // token: `fasttext predict` prints an empty line for it).
  std::vector<std::string> Rank(std::string_view text, size_t k) const;

  // A text as fastText reads it: its tokens joined by spaces.
  static std::string Line(std::string_view text);

 private:
  FastTextBaseline() = default;
  std::unique_ptr<fasttext::FastText> model_;
  std::vector<std::string> labels_;  // __label__N -> label (labels may hold spaces)
};

}  // namespace faultgraph::eval
