#include "api/cli_format.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "common/utf8.h"

namespace faultgraph::cli {

namespace {

// The display width of the code point at `s[i]` (CJK, Hangul and full-width
// forms take two columns), and its length in bytes in `*len`.
size_t CharWidth(const std::string& s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  *len = std::min(Utf8Length(c), s.size() - i);
  uint32_t cp = c;
  if (*len > 1) {
    cp = c & (0xFF >> (*len + 1));
    for (size_t k = 1; k < *len; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
              (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
              (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
              (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

// The columns of the terminal on standard output; 0 when it is not one
// (a pipe or a file gets every cell whole).
size_t TerminalColumns() {
  if (isatty(1) == 0) return 0;
  if (const char* env = std::getenv("COLUMNS")) {
    const long n = std::strtol(env, nullptr, 10);
    if (n >= 20 && n <= 10'000) return static_cast<size_t>(n);
  }
  winsize ws{};
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
  return 0;
}

}  // namespace

size_t DisplayWidth(const std::string& s) {
  size_t width = 0, len = 0;
  for (size_t i = 0; i < s.size(); i += len) width += CharWidth(s, i, &len);
  return width;
}

std::string FitWidth(const std::string& s, size_t columns) {
  if (DisplayWidth(s) <= columns) return s;
  if (columns == 0) return "";
  size_t width = 0, len = 0, i = 0;
  for (; i < s.size(); i += len) {
    const size_t w = CharWidth(s, i, &len);
    if (width + w > columns - 1) break;  // a column for the ellipsis
    width += w;
  }
  return s.substr(0, i) + "…";
}

// Chinese line-breaking rules: a line does not start with closing
// punctuation nor end with opening punctuation.
static bool ClosesOrSeparates(std::string_view ch) {
  static constexpr std::string_view kNoLineStart[] = {
      "，", "。", "、", "；", "：", "！", "？", "）", "」", "』", "】", "》", "〉", "…", "％"};
  for (auto p : kNoLineStart)
    if (ch == p) return true;
  return false;
}
static bool Opens(std::string_view ch) {
  static constexpr std::string_view kNoLineEnd[] = {"（", "「", "『", "【", "《", "〈"};
  for (auto p : kNoLineEnd)
    if (ch == p) return true;
  return false;
}

std::vector<std::string> Wrap(const std::string& text, size_t columns) {
  std::vector<std::string> lines;
  std::string line;
  size_t width = 0;
  // Where `line` may break (after a space, beside a wide character), and the
  // break point before that one.
  size_t cut = std::string::npos, cut_before = std::string::npos;
  auto may_break_at = [&](size_t at) {
    if (at == cut) return;
    cut_before = cut;
    cut = at;
  };
  size_t len = 0;
  for (size_t i = 0; i < text.size(); i += len) {
    const size_t w = CharWidth(text, i, &len);
    const std::string_view ch(text.data() + i, len);
    // A comma or a closing bracket stays with the character before it.
    if (ClosesOrSeparates(ch) && cut == line.size()) cut = cut_before;
    if (width + w > columns && !line.empty()) {
      if (cut == std::string::npos || cut == 0) cut = line.size();
      std::string rest = line.substr(cut);
      line.resize(cut);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      lines.push_back(line);
      line = rest.erase(0, rest.find_first_not_of(' ') == std::string::npos
                               ? rest.size()
                               : rest.find_first_not_of(' '));
      width = DisplayWidth(line);
      cut = cut_before = std::string::npos;
    }
    if (text[i] == ' ' && line.empty()) continue;  // no line starts with a space
    // Before a wide character, unless it is a comma or a closing bracket.
    if (w == 2 && !line.empty() && !ClosesOrSeparates(ch)) may_break_at(line.size());
    line.append(text, i, len);
    width += w;
    // After a space or a wide character, unless it opens a bracket.
    if (text[i] == ' ' || (w == 2 && !Opens(ch))) may_break_at(line.size());
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  PrintTable(header, rows, TerminalColumns());
}

namespace {
TableCopy& Copy() {
  static TableCopy copy;
  return copy;
}
}  // namespace

void SetTableCopy(TableCopy copy) { Copy() = std::move(copy); }

void PrintTable(const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, size_t line_columns) {
  if (Copy()) Copy()(header, rows);
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(header);
  for (const auto& r : rows) measure(r);
  // On a terminal the table is cut to the line: the widest column gives up
  // columns first (a snippet, a path), each column keeps its header's width
  // and at least 10 (the last one 20), and cut cells end in "…".
  if (line_columns > 0 && !widths.empty()) {
    std::vector<size_t> floor(widths.size());
    size_t total = 0;
    for (size_t i = 0; i < widths.size(); ++i) {
      const size_t least =
          i + 1 == widths.size() ? 20 : std::max<size_t>(10, DisplayWidth(header[i]));
      floor[i] = std::min(widths[i], least);
      total += widths[i] + (i + 1 < widths.size() ? 2 : 0);
    }
    while (total > line_columns) {
      size_t widest = widths.size();
      for (size_t i = 0; i < widths.size(); ++i)
        if (widths[i] > floor[i] && (widest == widths.size() || widths[i] > widths[widest]))
          widest = i;
      if (widest == widths.size()) break;  // every column at its least: the line wraps
      // Down to the next widest column, or by what is still too much.
      size_t next = floor[widest];
      for (size_t i = 0; i < widths.size(); ++i)
        if (i != widest && widths[i] < widths[widest]) next = std::max(next, widths[i]);
      const size_t cut = std::max<size_t>(1, std::min(widths[widest] - next, total - line_columns));
      widths[widest] -= cut;
      total -= cut;
    }
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      const std::string cell =
          DisplayWidth(row[i]) > widths[i] ? FitWidth(row[i], widths[i]) : row[i];
      line += cell;
      if (i + 1 < row.size() && i + 1 < widths.size())
        line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();  // empty last cells
    std::printf("%s\n", line.c_str());
  };
  print(header);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.emplace_back(w, '-');
  print(rule);
  for (const auto& r : rows) print(r);
}

void PrintWrapped(const std::string& lead, const std::string& text) {
  PrintWrapped(lead, text, TerminalColumns());
}

void PrintWrapped(const std::string& lead, const std::string& text, size_t line_columns) {
  const size_t indent = DisplayWidth(lead);
  // Too narrow to wrap into (under 20 columns after the lead): one line.
  if (line_columns == 0 || line_columns < indent + 20 ||
      indent + DisplayWidth(text) <= line_columns) {
    std::printf("%s%s\n", lead.c_str(), text.c_str());
    return;
  }
  const std::vector<std::string> lines = Wrap(text, line_columns - indent);
  for (size_t i = 0; i < lines.size(); ++i)
    std::printf("%s%s\n", i == 0 ? lead.c_str() : std::string(indent, ' ').c_str(),
                lines[i].c_str());
}

std::string FormatDate(int64_t ms) { return FormatTime(ms).substr(0, 10); }

std::string FormatMonth(int32_t yyyymm) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", yyyymm / 100, yyyymm % 100);
  return buf;
}

// `ms` as UTC in the strftime `format`.
static std::string FormatUtc(int64_t ms, const char* format) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string FormatTime(int64_t ms) { return ms == 0 ? "-" : FormatUtc(ms, "%Y-%m-%d %H:%M"); }

std::string FormatIsoTime(int64_t ms) { return ms == 0 ? "" : FormatUtc(ms, "%Y-%m-%dT%H:%M:%SZ"); }

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(2) != 0) {}

void ProgressBar::Update(uint64_t done, uint64_t total) {
  if (!tty_ || total == 0) return;
  int percent = static_cast<int>(done * 100 / total);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  int filled = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [%s%s] %3d%% %.1f/%.1f MB", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(), percent,
               done / 1e6, total / 1e6);
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (tty_ && last_percent_ >= 0) std::fprintf(stderr, "\n");
}

}  // namespace faultgraph::cli
