#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

#include "common/redact.h"

namespace faultgraph {
namespace {
LogLevel InitialLevel() {
  const char* env = std::getenv("FAULTGRAPH_LOG");
  auto level = env != nullptr ? ParseLogLevel(env) : std::nullopt;
  return level.value_or(LogLevel::kInfo);
}
std::atomic<LogLevel> g_level{InitialLevel()};
std::mutex g_mu;
// Where lines go (under g_mu): stderr, or the file opened at g_path.
int g_fd = STDERR_FILENO;
std::string g_path;

Result<int> OpenForAppend(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open log file " + path + ": " + std::strerror(errno));
  return fd;
}

void WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to say it
    s.remove_prefix(static_cast<size_t>(n));
  }
}
std::atomic<std::string (*)(std::string_view)> g_filter{nullptr};
}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

Status SetLogFile(const std::string& path) {
  int fd = STDERR_FILENO;
  if (!path.empty()) {
    auto opened = OpenForAppend(path);
    if (!opened.ok()) return opened.status();
    fd = *opened;
  }
  int old = STDERR_FILENO;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    old = g_fd;
    g_fd = fd;
    g_path = path;
  }
  if (old != STDERR_FILENO) ::close(old);
  return Status::Ok();
}

Status ReopenLogFile() {
  std::string path;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    path = g_path;
  }
  if (path.empty()) return Status::Ok();
  auto opened = OpenForAppend(path);
  if (!opened.ok()) return opened.status();
  int old = STDERR_FILENO;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    old = g_fd;
    g_fd = *opened;
  }
  if (old != STDERR_FILENO) ::close(old);
  return Status::Ok();
}

void SetLogFilter(std::string (*filter)(std::string_view)) { g_filter = filter; }

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      // A whole, valid UTF-8 sequence is kept; anything else becomes U+FFFD.
      size_t n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
      bool ok = n > 0 && i + n <= s.size();
      for (size_t k = 1; ok && k < n; ++k)
        ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (ok) {
        out.append(s.substr(i, n));
        i += n;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
    }
  }
  return out + "\"";
}

void Log(LogLevel level, std::string_view message) {
  if (level < g_level.load()) return;
  static const char* kNames[] = {"debug", "info", "warn", "error"};
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char ts[32];
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  auto filter = g_filter.load();
  // Secrets never reach a log line (common/redact.h), whatever the filter.
  std::string msg = Redact(filter != nullptr ? filter(message) : std::string(message));
  std::string line = std::string("{\"ts\":\"") + ts + "\",\"level\":\"" +
                     kNames[static_cast<int>(level)] + "\",\"msg\":" + JsonString(msg) + "}\n";
  std::lock_guard<std::mutex> lock(g_mu);
  WriteAll(g_fd, line);
}

}  // namespace faultgraph
