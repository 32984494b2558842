// systemd's service notifications (sd_notify(3), libsystemd) for faultgraphd
// under a Type=notify unit: READY=1 once it serves, STOPPING=1 when it
// begins to stop, WATCHDOG=1 pings, STATUS= text for `systemctl status`.
// Every call is a no-op when the process was not started by systemd
// (NOTIFY_SOCKET unset), so the daemon runs the same from a shell.
#pragma once

#include <chrono>
#include <string_view>

namespace faultgraph::api {

class ServiceNotifier {
 public:
  // Reads the watchdog interval systemd asks for (WATCHDOG_USEC, for this
  // process when WATCHDOG_PID names one).
  ServiceNotifier();

  void Ready(std::string_view status);
  void Stopping(std::string_view status);
  void SetStatus(std::string_view status);
  void WatchdogPing();
  // How often to ping: half the interval systemd asked for, or zero when
  // it asked for no watchdog.
  std::chrono::microseconds watchdog_period() const { return watchdog_period_; }

 private:
  std::chrono::microseconds watchdog_period_{0};
};

}  // namespace faultgraph::api
