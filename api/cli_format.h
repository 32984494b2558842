// Output helpers of the faultgraph CLI: aligned tables for people, JSON for
// scripts, a progress bar on a terminal.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace faultgraph::cli {

// Prints rows under a header with columns padded to their widest cell
// (display width: CJK characters count as two columns). On a terminal the
// table is cut to the terminal's width ($COLUMNS, else the terminal's own):
// the widest columns give up columns first, cut cells end in "…", no column
// goes below its header or 10 columns (the last below 20); a pipe gets
// every cell whole.
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows);
// Every table PrintTable prints is also handed to `copy` (the --xlsx
// workbook); an empty function stops that.
using TableCopy = std::function<void(const std::vector<std::string>& header,
                                     const std::vector<std::vector<std::string>>& rows)>;
void SetTableCopy(TableCopy copy);
// The same for a line of `line_columns` (0: no limit).
void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, size_t line_columns);

// `text` in lines of at most `columns` display columns, broken after a
// space or beside a CJK character (a longer word is cut).
std::vector<std::string> Wrap(const std::string& text, size_t columns);

// Prints `text` after `lead` (an indent, a label); on a terminal the text
// wraps to the line ($COLUMNS, else the terminal's own) with its following
// lines indented to where the text began; a pipe gets one whole line.
void PrintWrapped(const std::string& lead, const std::string& text);
// The same for a line of `line_columns` (0: no limit).
void PrintWrapped(const std::string& lead, const std::string& text, size_t line_columns);

// `s` cut to `columns` display columns, ending in "…" when cut.
std::string FitWidth(const std::string& s, size_t columns);

// "2024-03-01 14:30" (UTC), or "-" for 0.
std::string FormatTime(int64_t ms);
// "2024-03-01T14:30:05Z" (ISO 8601, UTC, for CSV and spreadsheets), or "" for 0.
std::string FormatIsoTime(int64_t ms);
// "2024-03-01" (UTC), or "-" for 0.
std::string FormatDate(int64_t ms);
// "2025-03" for the yyyymm months of the graph's buckets.
std::string FormatMonth(int32_t yyyymm);

// Terminal display width of UTF-8 text.
size_t DisplayWidth(const std::string& s);

// Redraws a one-line progress bar on stderr when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  void Update(uint64_t done, uint64_t total);
  void Finish();

 private:
  std::string label_;
  bool tty_;
  int last_percent_ = -1;
};

}  // namespace faultgraph::cli
