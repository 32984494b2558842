// One-line JSON logging to stderr:
//   {"ts":"2026-11-22T10:00:00Z","level":"info","msg":"..."}
// Messages pass through the filter set with SetLogFilter (the daemon masks
// PII with its text rules), then through the process's secret redactor
// (common/redact.h), before they are written.
#pragma once

#include <string>
#include <string_view>

namespace faultgraph {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below this level are dropped. Default kInfo; FAULTGRAPH_LOG=debug
// in the environment lowers it.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message);
// Applied to every message (set once at startup, before threads log).
void SetLogFilter(std::string (*filter)(std::string_view));
// A JSON string literal of `s` (quotes, escapes; invalid UTF-8 bytes as
// U+FFFD so that every line parses).
std::string JsonString(std::string_view s);

inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace faultgraph
