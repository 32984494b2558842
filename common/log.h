// One-line JSON logging to stderr (or to a file, SetLogFile):
//   {"ts":"2026-11-22T10:00:00Z","level":"info","msg":"..."}
// Messages pass through the filter set with SetLogFilter (the daemon masks
// PII with its text rules), then through the process's secret redactor
// (common/redact.h), before they are written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace faultgraph {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below this level are dropped. Default kInfo, or the level named by
// FAULTGRAPH_LOG in the environment (FAULTGRAPH_LOG=debug).
void SetLogLevel(LogLevel level);
// "debug", "info", "warn" or "error" (as the lines name them); nullopt for
// anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
// Lines are appended to the file at `path` (created owner-only, 0600) from
// now on instead of stderr; an empty path goes back to stderr. On failure
// nothing changes and the Status names the path and the reason.
Status SetLogFile(const std::string& path);
// Opens the log file's path again, so that lines go to a new file once the
// old one was renamed (logrotate; the daemon does it on SIGHUP). The old
// file is closed after the new one is open; on failure the old one stays in
// use. A no-op while logging to stderr.
Status ReopenLogFile();
void Log(LogLevel level, std::string_view message);
// Applied to every message (set once at startup, before threads log).
void SetLogFilter(std::string (*filter)(std::string_view));
// A JSON string literal of `s` (quotes, escapes; invalid UTF-8 bytes as
// U+FFFD so that every line parses).
std::string JsonString(std::string_view s);

inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace faultgraph
