// Helpers for connector tests: GB18030 text and scratch directories.
#pragma once

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

#include "common/test_dir.h"

namespace faultgraph::connectors {

inline std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  iconv(cd, &in, &in_left, &dst, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

using TempDir = ::faultgraph::TestDir;

}  // namespace faultgraph::connectors
