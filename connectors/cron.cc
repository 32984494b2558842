#include "connectors/cron.h"

#include <charconv>
#include <ctime>
#include <sstream>
#include <vector>

namespace faultgraph::connectors {
namespace {

// One field: "*", "*/n", "a", "a-b", "a-b/n", comma-separated.
template <size_t N>
Status ParseField(const std::string& text, int lo, int hi, const char* name, std::bitset<N>* out,
                  bool* any) {
  *any = text == "*";
  std::stringstream parts(text);
  std::string part;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("cron " + std::string(name) + " field '" + text + "': " + why);
  };
  auto number = [](std::string_view s, int* v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  while (std::getline(parts, part, ',')) {
    if (part.empty()) return bad("empty list item");
    int step = 1, a = lo, b = hi;
    std::string range = part;
    size_t slash = part.find('/');
    if (slash != std::string::npos) {
      if (!number(std::string_view(part).substr(slash + 1), &step) || step < 1)
        return bad("step must be a positive number");
      range = part.substr(0, slash);
    }
    if (range != "*") {
      size_t dash = range.find('-');
      if (dash == std::string::npos) {
        if (!number(range, &a)) return bad("'" + range + "' is not a number");
        b = slash == std::string::npos ? a : hi;
      } else if (!number(std::string_view(range).substr(0, dash), &a) ||
                 !number(std::string_view(range).substr(dash + 1), &b)) {
        return bad("'" + range + "' is not a range");
      }
    }
    if (a < lo || b > hi || a > b)
      return bad("values must be from " + std::to_string(lo) + " to " + std::to_string(hi));
    // (day-of-week 7 is Sunday too: folded onto 0)
    for (int v = a; v <= b; v += step) out->set(static_cast<size_t>(v % static_cast<int>(N)));
  }
  return Status::Ok();
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(const std::string& text) {
  std::stringstream in(text);
  std::vector<std::string> f;
  std::string w;
  while (in >> w) f.push_back(w);
  if (f.size() != 5)
    return Status::InvalidArgument("cron schedule '" + text +
                                   "' must have 5 fields: minute hour day-of-month month "
                                   "day-of-week");
  CronSchedule c;
  c.text_ = text;
  bool any;
  FG_RETURN_IF_ERROR(ParseField(f[0], 0, 59, "minute", &c.minute_, &any));
  FG_RETURN_IF_ERROR(ParseField(f[1], 0, 23, "hour", &c.hour_, &any));
  FG_RETURN_IF_ERROR(ParseField(f[2], 1, 31, "day-of-month", &c.mday_, &c.mday_any_));
  FG_RETURN_IF_ERROR(ParseField(f[3], 1, 12, "month", &c.month_, &any));
  FG_RETURN_IF_ERROR(ParseField(f[4], 0, 7, "day-of-week", &c.wday_, &c.wday_any_));
  return c;
}

int64_t CronSchedule::NextAfter(int64_t after_ms) const {
  int64_t t = (after_ms / 60000 + 1) * 60;  // seconds, the next whole minute
  const int64_t limit = t + 5LL * 366 * 86400;
  while (t < limit) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    if (!month_.test(static_cast<size_t>(tm.tm_mon + 1))) {  // to the next month's first day
      tm.tm_mon += 1;
      tm.tm_mday = 1;
      tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
      t = static_cast<int64_t>(timegm(&tm));
      continue;
    }
    bool mday = mday_.test(static_cast<size_t>(tm.tm_mday));
    bool wday = wday_.test(static_cast<size_t>(tm.tm_wday));
    // Classic cron: when both day fields are restricted, either may match.
    bool day = mday_any_ && wday_any_ ? true : mday_any_ ? wday : wday_any_ ? mday : (mday || wday);
    if (!day) {
      t = t - t % 86400 + 86400;  // UTC: days are 86,400 s
      continue;
    }
    if (!hour_.test(static_cast<size_t>(tm.tm_hour))) {
      t = t - t % 3600 + 3600;
      continue;
    }
    if (minute_.test(static_cast<size_t>(tm.tm_min))) return t * 1000;
    t += 60;
  }
  return -1;
}

}  // namespace faultgraph::connectors
