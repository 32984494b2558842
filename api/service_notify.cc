#include "api/service_notify.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace faultgraph::api {
namespace {
// A STATUS= value is one line.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}
}  // namespace

ServiceNotifier::ServiceNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0 && usec > 0)
    watchdog_period_ = std::chrono::microseconds(usec / 2);
}

void ServiceNotifier::Ready(std::string_view status) {
  sd_notify(0, ("READY=1\nSTATUS=" + OneLine(status)).c_str());
}

void ServiceNotifier::Stopping(std::string_view status) {
  sd_notify(0, ("STOPPING=1\nSTATUS=" + OneLine(status)).c_str());
}

void ServiceNotifier::SetStatus(std::string_view status) {
  sd_notify(0, ("STATUS=" + OneLine(status)).c_str());
}

void ServiceNotifier::WatchdogPing() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace faultgraph::api
