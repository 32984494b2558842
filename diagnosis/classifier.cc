#include "diagnosis/classifier.h"

#include <fasttext/fasttext.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "search/analyzer.h"

namespace faultgraph::diagnosis {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";
constexpr std::string_view kProductPrefix = "__product_";

// A product id as one token: spaces and the label prefix cannot occur.
std::string ProductToken(std::string_view product) {
  std::string t(kProductPrefix);
  for (char c : product) t += (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? '_' : c;
  return t;
}

}  // namespace

TextClassifier::~TextClassifier() = default;

std::string TextClassifier::Tokens(std::string_view product, std::string_view folded_text,
                                   bool with_product) {
  std::string line;
  for (const auto& t : search::OrderedTokens(folded_text)) {
    if (t.starts_with("__")) continue;  // never a label or a product token
    line += t;
    line += ' ';
  }
  if (with_product && !product.empty()) line += ProductToken(product);
  return line;
}

Result<std::unique_ptr<TextClassifier>> TextClassifier::Train(const std::vector<Example>& examples,
                                                              const ClassifierOptions& options,
                                                              const std::string& scratch) {
  std::unique_ptr<TextClassifier> out(new TextClassifier());
  std::map<std::string, int> numbers;
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  if (ec) return Status::IOError("cannot create " + scratch + ": " + ec.message());
  const std::string input = scratch + "/train.txt";
  std::set<std::string_view> products;
  for (const auto& e : examples) {
    if (!e.labels.empty() && !e.product.empty()) products.insert(e.product);
    if (products.size() > 1) break;
  }
  out->uses_product_ = products.size() > 1;
  size_t lines = 0;
  {
    std::ofstream f(input, std::ios::binary | std::ios::trunc);
    if (!f) return Status::IOError("cannot write " + input);
    for (const auto& e : examples) {
      if (e.labels.empty()) continue;
      std::string tokens = Tokens(e.product, e.folded_text, out->uses_product_);
      if (tokens.empty()) continue;
      for (const auto& l : e.labels) {
        auto [it, added] = numbers.emplace(l, static_cast<int>(out->labels_.size()));
        if (added) out->labels_.push_back(l);
        f << kLabelPrefix << it->second << ' ';
      }
      f << tokens << '\n';
      ++lines;
    }
    if (!f.flush()) return Status::IOError("cannot write " + input);
  }
  if (lines == 0 || out->labels_.size() < 2) {
    std::filesystem::remove(input, ec);
    return Status::InvalidArgument("too few diagnosed cases to train on: " +
                                   std::to_string(lines) + " with text, " +
                                   std::to_string(out->labels_.size()) + " distinct labels");
  }
  fasttext::Args args;
  args.input = input;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.wordNgrams = options.word_ngrams;
  args.minn = options.minn;
  args.maxn = options.maxn;
  args.dim = options.dim;
  args.bucket = options.bucket;
  args.thread = options.threads;
  args.seed = options.seed;
  args.minCount = 1;
  args.verbose = 0;
  out->model_ = std::make_unique<fasttext::FastText>();
  fasttext::FastText* model = out->model_.get();
  try {
    // fastText calls back now and then from its first thread; abort() there
    // ends every thread's loop and train() throws AbortError.
    model->train(args, [model, cancel = options.cancel](float, float, double, double, int64_t) {
      if (cancel != nullptr && cancel->load()) model->abort();
    });
  } catch (const fasttext::FastText::AbortError&) {
    std::filesystem::remove(input, ec);
    return Status::Aborted("training stopped");
  } catch (const std::exception& e) {
    std::filesystem::remove(input, ec);
    return Status::IOError(std::string("fastText training failed: ") + e.what());
  }
  std::filesystem::remove(input, ec);
  return out;
}

Result<std::unique_ptr<TextClassifier>> TextClassifier::Load(const std::string& path,
                                                             std::vector<std::string> labels) {
  std::unique_ptr<TextClassifier> out(new TextClassifier());
  out->labels_ = std::move(labels);
  out->model_ = std::make_unique<fasttext::FastText>();
  try {
    out->model_->loadModel(path);
  } catch (const std::exception& e) {
    return Status::Corruption("model " + path + " cannot be read: " + e.what());
  }
  // Every label the model knows must have a name.
  auto dict = out->model_->getDictionary();
  for (int32_t i = 0; i < dict->nwords() && !out->uses_product_; ++i)
    out->uses_product_ = dict->getWord(i).starts_with(kProductPrefix);
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string l = dict->getLabel(i);
    int n = -1;
    auto digits = std::string_view(l).substr(std::min(l.size(), kLabelPrefix.size()));
    auto [p, err] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (!l.starts_with(kLabelPrefix) || err != std::errc() || p != digits.data() + digits.size() ||
        n < 0 || static_cast<size_t>(n) >= out->labels_.size())
      return Status::Corruption("model " + path + " has label '" + l +
                                "' that its label list does not name (" +
                                std::to_string(out->labels_.size()) + " labels)");
  }
  return out;
}

Status TextClassifier::Save(const std::string& path) const {
  try {
    model_->saveModel(path);
  } catch (const std::exception& e) {
    return Status::IOError("cannot write model " + path + ": " + e.what());
  }
  return Status::Ok();
}

std::vector<Prediction> TextClassifier::Predict(std::string_view product,
                                                std::string_view folded_text, size_t k) const {
  std::vector<Prediction> out;
  std::string line = Tokens(product, folded_text, uses_product_);
  if (line.empty() || k == 0) return out;
  std::istringstream in(line + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    model_->predictLine(in, predictions, static_cast<int32_t>(k), 0.0);
  } catch (const std::exception&) {
    return out;
  }
  for (const auto& [p, l] : predictions) {
    int n = -1;
    const char* b = l.data() + std::min(l.size(), kLabelPrefix.size());
    std::from_chars(b, l.data() + l.size(), n);
    if (n < 0 || static_cast<size_t>(n) >= labels_.size()) continue;  // checked at Load
    out.push_back({labels_[n], static_cast<double>(p)});
  }
  return out;
}

}  // namespace faultgraph::diagnosis
