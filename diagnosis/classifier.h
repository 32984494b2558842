// A supervised text classifier over the diagnosed cases' texts: fastText
// (Debian's libfasttext) with word bigrams and character n-grams, so typos
// and inflections still match. One model answers one question (which
// component, which failure cause); its labels are kept beside the model, the
// model itself sees only their numbers, so any label text is safe.
//
// The text is read as the index reads it: folded, then search's
// OrderedTokens (CJK bigrams, words). When the training cases come from more
// than one product, the product is one more token; from a single product it
// would be a constant word in every line, which only dilutes the average of
// a short text's words (3-8 points of top-1 on the one-product evaluation
// sets, docs/EVALUATION.md), so it is left out.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace fasttext {
class FastText;
}

namespace faultgraph::diagnosis {

struct Example {
  std::string product;
  std::string folded_text;          // TextRules::Fold of what the customer said
  std::vector<std::string> labels;  // the components (or causes) it was diagnosed with
};

struct ClassifierOptions {
  // The settings of the fastText baseline (`fasttext supervised
  // -epoch 50 -lr 0.5 -wordNgrams 2 -minn 3 -maxn 5 -dim 50 -seed 1`).
  int epoch = 50;
  double lr = 0.5;
  int word_ngrams = 2;
  int minn = 3, maxn = 5;
  int dim = 50;
  // Hash buckets for n-grams: 2M (fastText's default) makes a 400 MB file at
  // dim 50; 300k keeps a model near 60 MB.
  int bucket = 300'000;
  int threads = 1;  // 1: the same model from the same cases
  int seed = 1;
  // Set (from another thread) to stop a training: Train returns Aborted.
  const std::atomic<bool>* cancel = nullptr;
};

struct Prediction {
  std::string label;
  double probability = 0;
};

class TextClassifier {
 public:
  ~TextClassifier();

  // Trains on `examples` (those without labels or text are left out).
  // `scratch` is a folder for fastText's input file, removed after.
  static Result<std::unique_ptr<TextClassifier>> Train(const std::vector<Example>& examples,
                                                       const ClassifierOptions& options,
                                                       const std::string& scratch);
  // Loads a model written by Save; `labels` are the names Save returned.
  static Result<std::unique_ptr<TextClassifier>> Load(const std::string& path,
                                                      std::vector<std::string> labels);
  Status Save(const std::string& path) const;

  // The k most likely labels, most likely first (probabilities of the
  // model's softmax over all its labels).
  std::vector<Prediction> Predict(std::string_view product, std::string_view folded_text,
                                  size_t k) const;

  const std::vector<std::string>& labels() const { return labels_; }

  // The line fastText reads for a case: tokens, then the product's token
  // (with_product and a product given).
  static std::string Tokens(std::string_view product, std::string_view folded_text,
                            bool with_product = true);

  // Whether the product is one of the model's words (trained on cases of
  // more than one product).
  bool uses_product() const { return uses_product_; }

 private:
  TextClassifier() = default;
  std::unique_ptr<fasttext::FastText> model_;
  std::vector<std::string> labels_;  // label number -> name
  bool uses_product_ = false;
};

}  // namespace faultgraph::diagnosis
