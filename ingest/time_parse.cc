#include "ingest/time_parse.h"

#include <cctype>
#include <charconv>
#include <ctime>
#include <string>

#include "common/parse_number.h"
#include "ingest/text.h"

namespace faultgraph::ingest {
namespace {

bool TryFormat(const std::string& text, const char* format, int64_t* out) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), format, &tm);
  if (end == nullptr || *end != '\0') return false;
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return false;
  // timegm normalises out-of-range days (Feb 30): reject those.
  std::tm check = tm;
  time_t secs = timegm(&check);
  if (check.tm_mday != tm.tm_mday || check.tm_mon != tm.tm_mon) return false;
  *out = (static_cast<int64_t>(secs) - tm.tm_gmtoff) * 1000;  // %z offsets
  return true;
}

bool ParseInt(std::string_view s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

Result<int64_t> ParseTime(std::string_view text, std::string_view format) {
  int64_t v = 0;
  if (format == "epoch_ms" || format == "epoch_s") {
    if (!ParseInt(text, &v)) {
      return Status::InvalidArgument(QuoteValue(text) + " is not an integer " +
                                     std::string(format) + " timestamp");
    }
    return format == "epoch_s" ? v * 1000 : v;
  }
  std::string t(text);
  if (!format.empty()) {
    if (TryFormat(t, std::string(format).c_str(), &v)) return v;
    return Status::InvalidArgument(QuoteValue(t) + " does not match date format '" +
                                   std::string(format) + "'");
  }
  static const char* kIsoForms[] = {
      "%Y-%m-%d",           "%Y-%m-%d %H:%M",      "%Y-%m-%d %H:%M:%S",
      "%Y-%m-%dT%H:%M",     "%Y-%m-%dT%H:%M:%S",   "%Y-%m-%dT%H:%M:%SZ",
      "%Y/%m/%d",           "%Y/%m/%d %H:%M",      "%Y/%m/%d %H:%M:%S",
      "%Y-%m-%d %H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z"};
  // Fractional seconds ("2015-01-05T06:00:00.123456", ISO 8601 allows any
  // number of digits): kept to the millisecond, the rest parsed as above.
  int64_t frac_ms = 0;
  if (t.size() > 20 && t[19] == '.' && std::isdigit(static_cast<unsigned char>(t[20]))) {
    size_t end = 20;
    while (end < t.size() && std::isdigit(static_cast<unsigned char>(t[end]))) ++end;
    std::string digits = t.substr(20, end - 20);
    digits = (digits + "000").substr(0, 3);
    ParseInteger(digits, &frac_ms);  // three digits, checked above
    t.erase(19, end - 19);
  }
  for (const char* f : kIsoForms) {
    if (TryFormat(t, f, &v)) return v + frac_ms;
  }
  return Status::InvalidArgument(QuoteValue(text) +
                                 " is not a date (expected ISO 8601 such as 2024-03-01 or "
                                 "2024-03-01 14:30:00, or set a format in the mapping)");
}

}  // namespace faultgraph::ingest
