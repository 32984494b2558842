// One-line logging to stderr: "2026-11-22T10:00:00Z INFO message".
#pragma once

#include <string_view>

namespace faultgraph {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below this level are dropped. Default kInfo; FAULTGRAPH_LOG=debug
// in the environment lowers it.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message);

inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace faultgraph
