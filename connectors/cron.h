// Five-field cron schedules ("*/5 * * * *": minute hour day-of-month month
// day-of-week; lists, ranges and steps; times in UTC) for the connectors.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace faultgraph::connectors {

class CronSchedule {
 public:
  // InvalidArgument naming the field and value that are wrong.
  static Result<CronSchedule> Parse(const std::string& text);
  // The first minute strictly after `after_ms` that the schedule matches
  // (ms since the epoch, UTC); -1 when none within five years.
  int64_t NextAfter(int64_t after_ms) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minute_;
  std::bitset<24> hour_;
  std::bitset<32> mday_;   // 1..31
  std::bitset<13> month_;  // 1..12
  std::bitset<7> wday_;    // 0 = Sunday
  bool mday_any_ = true, wday_any_ = true;
};

}  // namespace faultgraph::connectors
