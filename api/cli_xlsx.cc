#include "api/cli_xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "api/cli_format.h"

namespace faultgraph::cli {

struct XlsxTables::Book {
  lxw_workbook* workbook = nullptr;
  lxw_format* bold = nullptr;
  lxw_format* percent = nullptr;
};

XlsxTables::XlsxTables(std::string path, std::string sheet_name)
    : path_(std::move(path)), sheet_name_(std::move(sheet_name)), book_(std::make_unique<Book>()) {}

// The workbook is written beside the file and renamed over it, so a failed
// command never leaves a half-written or emptied file where one was.
static std::string TempPath(const std::string& path) { return path + ".partial"; }

XlsxTables::~XlsxTables() {
  // Not closed (the command failed): libxlsxwriter frees only on close,
  // so the scratch file is written and removed.
  if (book_->workbook != nullptr) {
    workbook_close(book_->workbook);
    std::remove(TempPath(path_).c_str());
  }
}

XlsxCell ClassifyCell(const std::string& text) {
  XlsxCell cell;
  std::string_view s = text;
  bool percent = false;
  if (!s.empty() && s.back() == '%') {
    percent = true;
    s.remove_suffix(1);
  }
  if (s.empty() || s.size() > 32) return cell;
  const size_t digits_from = s.front() == '-' ? 1 : 0;
  if (digits_from >= s.size() || !std::isdigit(static_cast<unsigned char>(s[digits_from])))
    return cell;
  // "007", "0012": an id or a code, whose zeros matter.
  if (s.size() > digits_from + 1 && s[digits_from] == '0' && s[digits_from + 1] != '.') return cell;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
  if (ec != std::errc() || end != s.data() + s.size()) return cell;
  cell.number = true;
  cell.percent = percent;
  cell.value = percent ? v / 100 : v;
  return cell;
}

void XlsxTables::Add(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  if (book_->workbook == nullptr) {
    book_->workbook = workbook_new(TempPath(path_).c_str());
    if (book_->workbook == nullptr) return;  // Close says why
    book_->bold = workbook_add_format(book_->workbook);
    format_set_bold(book_->bold);
    book_->percent = workbook_add_format(book_->workbook);
    format_set_num_format(book_->percent, "0.0%");
  }
  ++tables_;
  std::string name = sheet_name_.substr(0, 24);
  for (char& c : name)
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
  if (tables_ > 1) name += " " + std::to_string(tables_);
  lxw_worksheet* sheet = workbook_add_worksheet(book_->workbook, name.c_str());
  if (sheet == nullptr) return;
  std::vector<size_t> widths(header.size(), 4);
  for (size_t c = 0; c < header.size(); ++c) {
    worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), header[c].c_str(), book_->bold);
    widths[c] = std::max(widths[c], DisplayWidth(header[c]));
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto row_index = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < rows[r].size() && c < header.size(); ++c) {
      const std::string& text = rows[r][c];
      const auto col = static_cast<lxw_col_t>(c);
      widths[c] = std::max(widths[c], std::min<size_t>(DisplayWidth(text), 60));
      if (text.empty()) continue;
      XlsxCell cell = ClassifyCell(text);
      if (cell.number)
        worksheet_write_number(sheet, row_index, col, cell.value,
                               cell.percent ? book_->percent : nullptr);
      else
        worksheet_write_string(sheet, row_index, col, text.c_str(), nullptr);
    }
  }
  for (size_t c = 0; c < widths.size(); ++c)
    worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         static_cast<double>(widths[c]) + 2, nullptr);
  worksheet_freeze_panes(sheet, 1, 0);
  if (!header.empty())
    worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows.size()),
                         static_cast<lxw_col_t>(header.size() - 1));
}

Status XlsxTables::Close() {
  if (tables_ == 0) return Status::FailedPrecondition("the command printed no table to write");
  if (book_->workbook == nullptr) return Status::IOError("cannot create " + path_);
  lxw_error e = workbook_close(book_->workbook);
  book_->workbook = nullptr;
  if (e != LXW_NO_ERROR) {
    std::remove(TempPath(path_).c_str());
    return Status::IOError("cannot write " + path_ + ": " + lxw_strerror(e));
  }
  if (std::rename(TempPath(path_).c_str(), path_.c_str()) != 0) {
    std::remove(TempPath(path_).c_str());
    return Status::IOError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace faultgraph::cli
