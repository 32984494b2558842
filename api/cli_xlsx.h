// --xlsx FILE: the tables a command prints, also written as one workbook
// (libxlsxwriter), one worksheet per table, for people who work in a
// spreadsheet. Numbers become numbers ("94.0%" a percentage), so that a
// column can be summed and charted; ids, months and text stay text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace faultgraph::cli {

class XlsxTables {
 public:
  // `sheet_name`: the worksheets are called SHEET, SHEET 2, ...
  XlsxTables(std::string path, std::string sheet_name);
  ~XlsxTables();
  XlsxTables(const XlsxTables&) = delete;
  XlsxTables& operator=(const XlsxTables&) = delete;

  // One worksheet: the header in bold and frozen, the rows below it.
  void Add(const std::vector<std::string>& header,
           const std::vector<std::vector<std::string>>& rows);
  size_t tables() const { return tables_; }
  const std::string& path() const { return path_; }
  // Writes the file. FailedPrecondition when no table was added (nothing
  // is written then); IOError when the file cannot be written.
  Status Close();

 private:
  struct Book;
  std::string path_, sheet_name_;
  std::unique_ptr<Book> book_;
  size_t tables_ = 0;
};

// A cell as the workbook should hold it: a number when the whole text is
// one ("12", "-3.5", "94.0%" -> 0.94 as a percentage), else text. A
// leading zero ("007"), a sign-less exponent or a date stays text.
struct XlsxCell {
  bool number = false;
  bool percent = false;
  double value = 0;
};
XlsxCell ClassifyCell(const std::string& text);

}  // namespace faultgraph::cli
