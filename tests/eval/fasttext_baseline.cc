#include "tests/eval/fasttext_baseline.h"

#include <fasttext/fasttext.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace faultgraph::eval {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";

}  // namespace

const std::vector<std::string>& FastTextBaseline::Flags() {
  static const std::vector<std::string> kFlags = {
      "-epoch", "50", "-lr",  "0.5", "-wordNgrams", "2", "-minn", "3",
      "-maxn",  "5",  "-dim", "50",  "-thread",     "1", "-seed", "1"};
  return kFlags;
}

FastTextBaseline::~FastTextBaseline() = default;

std::string FastTextBaseline::Line(std::string_view text) {
  std::string line;
  for (const auto& t : BaselineTokens(text)) line += (line.empty() ? "" : " ") + t;
  return line;
}

Result<std::unique_ptr<FastTextBaseline>> FastTextBaseline::Train(
    const std::vector<LabelledText>& train, const std::string& scratch) {
  std::unique_ptr<FastTextBaseline> out(new FastTextBaseline());
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  if (ec) return Status::IOError("cannot create " + scratch + ": " + ec.message());
  const std::string input = scratch + "/fasttext_baseline.txt";
  std::map<std::string, size_t> numbers;
  size_t lines = 0;
  {
    std::ofstream f(input, std::ios::binary | std::ios::trunc);
    for (const auto& row : train) {
      std::string line = Line(row.text);
      if (row.label.empty() || line.empty()) continue;
      auto [it, added] = numbers.emplace(row.label, out->labels_.size());
      if (added) out->labels_.push_back(row.label);
      f << kLabelPrefix << it->second << ' ' << line << '\n';
      ++lines;
    }
    if (!f.flush()) return Status::IOError("cannot write " + input);
  }
  if (lines == 0) {
    std::filesystem::remove(input, ec);
    return Status::InvalidArgument("fastText baseline: no labelled row with a token");
  }
  // Exactly the command line: fastText's own parser applies `supervised`'s
  // defaults and then the flags (-verbose only silences the progress line).
  std::vector<std::string> argv = {"fasttext", "supervised",        "-input",   input,
                                   "-output",  scratch + "/unused", "-verbose", "0"};
  argv.insert(argv.end(), Flags().begin(), Flags().end());
  fasttext::Args args;
  args.parseArgs(argv);
  out->model_ = std::make_unique<fasttext::FastText>();
  try {
    out->model_->train(args);
  } catch (const std::exception& e) {
    std::filesystem::remove(input, ec);
    return Status::IOError(std::string("fastText baseline training failed: ") + e.what());
  }
  std::filesystem::remove(input, ec);
  return out;
}

std::vector<std::string> FastTextBaseline::Rank(std::string_view text, size_t k) const {
  std::vector<std::string> out;
  const std::string line = Line(text);
  if (line.empty() || k == 0) return out;
  std::istringstream in(line + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, static_cast<int32_t>(k), 0.0);
  for (const auto& [p, l] : predictions) {
    size_t n = labels_.size();
    const char* b = l.data() + std::min(l.size(), kLabelPrefix.size());
    std::from_chars(b, l.data() + l.size(), n);
    if (n < labels_.size()) out.push_back(labels_[n]);
  }
  return out;
}

}  // namespace faultgraph::eval
