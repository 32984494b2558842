// Helpers for connector tests: text in other encodings and scratch directories.
#pragma once

#include <gtest/gtest.h>
#include <iconv.h>

#include <string>

#include "common/test_dir.h"

namespace faultgraph::connectors {

// `utf8` in the encoding iconv calls `to` ("GB18030", "BIG5", "UTF-16LE", ...).
inline std::string Encode(const std::string& utf8, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  std::string out(utf8.size() * 4 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = out.size();
  char* dst = out.data();
  iconv(cd, &in, &in_left, &dst, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

inline std::string ToGb18030(const std::string& utf8) { return Encode(utf8, "GB18030"); }

using TempDir = ::faultgraph::TestDir;

// A CRM ticket export's mapping: ticket,model,opened,text,codes,part,updated
// (batches of two rows).
inline constexpr const char* kCaseMapping = R"(
[source]
name = "crm"
record = "case"
batch_size = 2
[key]
columns = ["ticket"]
[version]
column = "updated"
[fields]
case_id = "ticket"
product = "model"
family = { const = "AC" }
opened = "opened"
symptom_text = "text"
fault_codes = "codes"
components = "part"
)";

}  // namespace faultgraph::connectors
