// Fuzzes connector schedules (connectors/cron.h). The first four bytes are
// a time in seconds since 1970 (up to 2106, the range a daemon can see); the
// rest is the cron expression. An accepted schedule's next run must be a
// whole minute strictly after that time.
#include <cstdint>
#include <cstring>
#include <string>

#include "connectors/cron.h"
#include "tests/fuzz/fuzz_util.h"

using faultgraph::connectors::CronSchedule;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t seconds;
  std::memcpy(&seconds, data, 4);
  const int64_t after_ms = static_cast<int64_t>(seconds) * 1000;
  auto schedule = CronSchedule::Parse(std::string(faultgraph::fuzz::AsText(data + 4, size - 4)));
  if (!schedule.ok()) return 0;
  int64_t next = schedule->NextAfter(after_ms);
  if (next != -1 && (next <= after_ms || next % 60000 != 0)) __builtin_trap();
  return 0;
}
