#include "common/log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/redact.h"
#include "common/test_dir.h"

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

TEST(ParseLogLevel, TheFourNamesOnly) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  for (const char* bad : {"", "INFO", "warning", "trace", "info "})
    EXPECT_EQ(ParseLogLevel(bad), std::nullopt) << bad;
}

// Lines below the level are dropped; the level restored afterwards.
TEST(Log, DropsLinesBelowTheLevel) {
  std::string out = CaptureStderr([] {
    SetLogLevel(LogLevel::kWarn);
    LogInfo("log-level-info-line");
    LogDebug("log-level-debug-line");
    LogWarn("log-level-warn-line");
    SetLogLevel(LogLevel::kDebug);
    LogDebug("log-level-debug-now");
    SetLogLevel(LogLevel::kInfo);
  });
  EXPECT_EQ(out.find("log-level-info-line"), std::string::npos) << out;
  EXPECT_EQ(out.find("log-level-debug-line"), std::string::npos) << out;
  EXPECT_NE(out.find("\"level\":\"warn\",\"msg\":\"log-level-warn-line\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("\"level\":\"debug\",\"msg\":\"log-level-debug-now\""), std::string::npos)
      << out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// --log-file: lines are appended to the file (owner-only), nothing to
// stderr; after the file is renamed, ReopenLogFile starts a new one and the
// renamed file gets no more lines (logrotate, then SIGHUP).
TEST(Log, FileAppendedAndReopenedAfterRename) {
  TestDir dir;
  const std::string path = dir / "fg.log";
  dir.Write("fg.log", "an earlier line\n");
  std::string err = CaptureStderr([&] {
    ASSERT_TRUE(SetLogFile(path).ok());
    LogInfo("first line");
    std::filesystem::rename(path, dir / "fg.log.1");
    LogInfo("second line, still in the renamed file");
    Status reopened = ReopenLogFile();
    EXPECT_TRUE(reopened.ok()) << reopened.ToString();
    LogInfo("third line");
    ASSERT_TRUE(SetLogFile("").ok());  // back to stderr
    LogInfo("fourth line");
  });
  std::string rotated = ReadFile(dir / "fg.log.1");
  std::string current = ReadFile(path);
  EXPECT_EQ(rotated.rfind("an earlier line\n{\"ts\":", 0), 0u) << rotated;
  EXPECT_NE(rotated.find("\"msg\":\"first line\"}\n"), std::string::npos) << rotated;
  EXPECT_NE(rotated.find("\"msg\":\"second line, still in the renamed file\"}\n"),
            std::string::npos)
      << rotated;
  EXPECT_EQ(rotated.find("third line"), std::string::npos) << rotated;
  EXPECT_EQ(current.rfind("{\"ts\":", 0), 0u) << current;
  EXPECT_NE(current.find("\"msg\":\"third line\"}\n"), std::string::npos) << current;
  EXPECT_EQ(current.find("first line"), std::string::npos) << current;
  EXPECT_EQ(current.find("fourth line"), std::string::npos) << current;
  EXPECT_EQ(err.find("third line"), std::string::npos) << err;
  EXPECT_NE(err.find("fourth line"), std::string::npos) << err;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// A file that cannot be opened changes nothing and says which and why; a
// failed reopen keeps the file in use.
TEST(Log, UnopenableFileNamedAndOldOneKept) {
  TestDir dir;
  Status bad = SetLogFile(dir / "no-such-dir/fg.log");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("cannot open log file " + dir / "no-such-dir/fg.log" +
                               ": No such file or directory"),
            std::string::npos)
      << bad.message();
  EXPECT_TRUE(ReopenLogFile().ok());  // on stderr: nothing to reopen
  std::filesystem::create_directories(dir / "logs");
  const std::string path = dir / "logs/fg.log";
  std::string err = CaptureStderr([&] {
    ASSERT_TRUE(SetLogFile(path).ok());
    std::filesystem::rename(dir / "logs", dir / "gone");
    Status reopened = ReopenLogFile();
    EXPECT_FALSE(reopened.ok());
    EXPECT_NE(reopened.message().find(path), std::string::npos) << reopened.message();
    LogInfo("after a failed reopen");
    ASSERT_TRUE(SetLogFile("").ok());
  });
  EXPECT_NE(ReadFile(dir / "gone/fg.log").find("after a failed reopen"), std::string::npos);
  EXPECT_EQ(err.find("after a failed reopen"), std::string::npos) << err;
}

}  // namespace
}  // namespace faultgraph
