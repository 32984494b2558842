// Recall and precision of the PII masker per class on the labelled corpus
// (tests/fixtures/pii/corpus.tsv, made by make_corpus.py beside it), with
// the labels of the shipped ops/config/text_rules.toml. Prints the table
// that docs/SECURITY.md quotes; fails under recall 99% or precision 98%.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "ingest/text_rules.h"

namespace faultgraph::ingest {
namespace {

struct Gold {
  std::string cls;
  size_t begin, end;
};

struct Line {
  std::string text;
  std::vector<Gold> spans;
  std::string source;  // "gen" (templates) or "hand" (handwritten.txt)
};

std::vector<Line> ReadCorpus(const std::string& path) {
  std::vector<Line> lines;
  std::ifstream in(path);
  std::string row;
  while (std::getline(in, row)) {
    size_t tab = row.find('\t');
    if (tab == std::string::npos) continue;
    size_t tab2 = row.find('\t', tab + 1);
    Line line{row.substr(0, tab), {}, tab2 == std::string::npos ? "" : row.substr(tab2 + 1)};
    std::stringstream spans(row.substr(tab + 1, tab2 - tab - 1));
    std::string item;
    while (std::getline(spans, item, ';')) {
      size_t colon = item.find(':'), dash = item.find('-', colon);
      if (colon == std::string::npos || dash == std::string::npos) continue;
      line.spans.push_back({item.substr(0, colon), std::stoul(item.substr(colon + 1)),
                            std::stoul(item.substr(dash + 1))});
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// Bytes that carry the value: not ASCII spaces or punctuation.
bool Matters(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u >= 0x80 || std::isalnum(u);
}

struct Counts {
  int gold = 0, found = 0, detected = 0, correct = 0;
};

using Table = std::map<std::string, Counts>;

// Adds one line's figures to `table`; prints the first misses and wrong finds.
void Score(const Line& line, const std::vector<PiiSpan>& found, Table* table, int* shown) {
  // Recall: every byte that matters of a gold span is inside a found span
  // of its class.
  for (const auto& g : line.spans) {
    Counts& c = (*table)[g.cls];
    ++c.gold;
    bool covered = true;
    for (size_t b = g.begin; b < g.end && covered; ++b) {
      if (!Matters(line.text[b])) continue;
      covered = std::any_of(found.begin(), found.end(), [&](const PiiSpan& s) {
        return PiiClassName(s.cls) == g.cls && s.begin <= b && b < s.end;
      });
    }
    if (covered) {
      ++c.found;
    } else if ((*shown)++ < 40) {
      std::printf("missed %s: %s  <in>  %s\n", g.cls.c_str(),
                  line.text.substr(g.begin, g.end - g.begin).c_str(), line.text.c_str());
    }
  }
  // Precision: at least 80% of a found span's bytes lie in gold spans of its
  // class.
  for (const auto& s : found) {
    Counts& c = (*table)[std::string(PiiClassName(s.cls))];
    ++c.detected;
    size_t inside = 0;
    for (size_t b = s.begin; b < s.end; ++b) {
      inside += std::any_of(line.spans.begin(), line.spans.end(), [&](const Gold& g) {
        return g.cls == PiiClassName(s.cls) && g.begin <= b && b < g.end;
      });
    }
    if (inside * 5 >= (s.end - s.begin) * 4) {
      ++c.correct;
    } else if ((*shown)++ < 40) {
      std::printf("wrong %s: %s  <in>  %s\n", std::string(PiiClassName(s.cls)).c_str(),
                  line.text.substr(s.begin, s.end - s.begin).c_str(), line.text.c_str());
    }
  }
}

// Prints the markdown table; returns the "all" row.
Counts Print(const std::string& title, const Table& table) {
  Counts all;
  std::printf("\n%s\n\n| class | spans | masked | recall | found | correct | precision |\n",
              title.c_str());
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  auto row = [](const std::string& name, const Counts& c) {
    std::printf("| %s | %d | %d | %.1f%% | %d | %d | %.1f%% |\n", name.c_str(), c.gold, c.found,
                c.gold ? 100.0 * c.found / c.gold : 100.0, c.detected, c.correct,
                c.detected ? 100.0 * c.correct / c.detected : 100.0);
  };
  for (const auto& [name, c] : table) {
    row(name, c);
    all.gold += c.gold;
    all.found += c.found;
    all.detected += c.detected;
    all.correct += c.correct;
  }
  row("all", all);
  return all;
}

TEST(PiiCorpus, RecallAndPrecisionPerClass) {
  auto rules = TextRules::Load(std::string(FAULTGRAPH_SOURCE_DIR) + "/ops/config/text_rules.toml");
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  auto lines = ReadCorpus(std::string(FAULTGRAPH_SOURCE_DIR) + "/tests/fixtures/pii/corpus.tsv");
  ASSERT_GE(lines.size(), 500u);
  Table whole, hand;
  int shown = 0;
  size_t hand_lines = 0;
  for (const auto& line : lines) {
    std::vector<PiiSpan> found = (*rules)->FindPii(line.text);
    Score(line, found, &whole, &shown);
    if (line.source == "hand") {
      int quiet = 1000;
      Score(line, found, &hand, &quiet);
      ++hand_lines;
    }
  }
  Print("all " + std::to_string(lines.size()) + " lines", whole);
  Print("the " + std::to_string(hand_lines) + " hand-written lines", hand);
  for (const auto& [name, c] : whole) {
    EXPECT_GE(c.found * 100, c.gold * 99) << name << " recall";
    EXPECT_GE(c.correct * 100, c.detected * 98) << name << " precision";
  }
}

}  // namespace
}  // namespace faultgraph::ingest
