#include "common/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/redact.h"

namespace faultgraph {
namespace {

TEST(JsonString, EscapesAndKeepsValidUtf8) {
  EXPECT_EQ(JsonString("a\"b\\c\n\t"), "\"a\\\"b\\\\c\\u000a\\u0009\"");
  EXPECT_EQ(JsonString("空调 E4"), "\"空调 E4\"");
  EXPECT_EQ(JsonString("bad \xff byte \xe7\xa9"),
            "\"bad \xEF\xBF\xBD byte \xEF\xBF\xBD\xEF\xBF\xBD\"");
}

std::string Masked(std::string_view m) {
  std::string s(m);
  auto at = s.find("13800138000");
  if (at != std::string::npos) s.replace(at, 11, "138****8000");
  return s;
}

// What the messages logged by `log` wrote to stderr.
template <typename F>
std::string CaptureStderr(F log) {
  std::fflush(stderr);
  int saved = dup(2);
  std::FILE* tmp = std::tmpfile();
  dup2(fileno(tmp), 2);
  log();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::rewind(tmp);
  char buf[1024] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, tmp);
  std::fclose(tmp);
  return std::string(buf, n);
}

// The line is one JSON object, and the filter sees every message.
TEST(Log, OneJsonLinePerMessageThroughTheFilter) {
  std::string line = CaptureStderr([] {
    SetLogFilter(&Masked);
    LogError("connector crm: row 7: caller 13800138000 said \"no\"");
    SetLogFilter(nullptr);
  });
  EXPECT_EQ(line.find("13800138000"), std::string::npos) << line;
  EXPECT_NE(line.find("\"level\":\"error\",\"msg\":\"connector crm: row 7: caller 138****8000 "
                      "said \\\"no\\\"\"}\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u) << line;
}

// Registered secrets and credentials in URLs never reach a line.
TEST(Log, RedactsSecrets) {
  ProcessRedactor().AddSecret("log-test-token-77");
  std::string line = CaptureStderr([] {
    LogError("connector api: https://u:pw@h/x?api_key=K9 answered 401: bad log-test-token-77");
  });
  for (const char* secret : {"log-test-token-77", "u:pw", "K9"})
    EXPECT_EQ(line.find(secret), std::string::npos) << line;
  EXPECT_NE(line.find("https://***@h/x?api_key=*** answered 401: bad ***"), std::string::npos)
      << line;
}

}  // namespace
}  // namespace faultgraph
