"""faultgraphd as a systemd service, without systemd: the notifications a
Type=notify unit relies on, received on a unix datagram socket made here
and named by NOTIFY_SOCKET (READY=1 once the Thrift port accepts
connections, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM;
nothing at all without NOTIFY_SOCKET); --log-file reopened on SIGHUP after
the file was renamed (logrotate); --log-level; mistakes in both flags.

usage: daemon_service_test.py FAULTGRAPHD
"""

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

DAEMON = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraphd")


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def wait_for(predicate, what, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class DaemonServiceTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_service_")
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, name, *flags, env=None, stderr=None):
        """faultgraphd on a free port; returns (process, port file, stderr file)."""
        port_file = os.path.join(self.tmp, name + ".port")
        err = os.path.join(self.tmp, name + ".stderr")
        with open(err, "w") as e:
            p = subprocess.Popen([DAEMON, "--data", os.path.join(self.tmp, name), "--port", "0",
                                  "--port-file", port_file, *flags],
                                 stdout=e, stderr=e, env=env)
        self.procs.append(p)
        return p, port_file, err

    def notify_socket(self, name):
        path = os.path.join(self.tmp, name + ".notify")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        self.addCleanup(s.close)
        return s, path

    @staticmethod
    def receive(sock, until, timeout_s=30):
        """Datagrams (decoded) until one contains `until`."""
        got = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                got.append(sock.recv(4096).decode())
            except socket.timeout:
                break
            if until in got[-1]:
                return got
        raise AssertionError(f"no {until!r} among {got}")

    def test_notify_ready_watchdog_stopping(self):
        sock, path = self.notify_socket("a")
        env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="600000")
        env.pop("WATCHDOG_PID", None)
        p, port_file, err = self.start("a", "--log-level", "debug", env=env)
        ready = self.receive(sock, "READY=1")
        # READY=1 only once the port accepts connections and the store is open.
        self.assertEqual(len(ready), 1, ready)
        self.assertIn("STATUS=serving " + os.path.join(self.tmp, "a") + " on 127.0.0.1:",
                      ready[0])
        port = int(read(port_file))
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        # WATCHDOG=1 every 300 ms (half of WATCHDOG_USEC).
        t0 = time.monotonic()
        pings = 0
        while pings < 4:
            self.assertIn("WATCHDOG=1", self.receive(sock, "WATCHDOG=1", timeout_s=5)[-1])
            pings += 1
        self.assertGreater(time.monotonic() - t0, 0.5)
        self.assertIn("systemd watchdog: a ping every 300 ms", read(err))
        p.send_signal(signal.SIGTERM)
        stopping = self.receive(sock, "STOPPING=1")
        self.assertIn("STATUS=stopping", stopping[-1])
        self.assertEqual(p.wait(timeout=60), 0, read(err)[-2000:])
        self.assertIn("faultgraphd stopped", read(err))

    def test_watchdog_for_another_process_is_not_pinged(self):
        sock, path = self.notify_socket("b")
        env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000", WATCHDOG_PID="1")
        p, _, err = self.start("b", env=env)
        self.receive(sock, "READY=1")
        sock.settimeout(1.0)
        with self.assertRaises(socket.timeout):
            self.fail("unexpected " + sock.recv(4096).decode())
        p.send_signal(signal.SIGTERM)
        self.receive(sock, "STOPPING=1")
        self.assertEqual(p.wait(timeout=60), 0, read(err)[-2000:])

    def test_log_file_reopened_on_sighup(self):
        log = os.path.join(self.tmp, "logs", "faultgraphd.log")
        os.makedirs(os.path.dirname(log))
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "FAULTGRAPH_LOG")}
        p, port_file, err = self.start("c", "--log-file", log, env=env)
        wait_port_file(port_file, p, err)
        wait_for(lambda: "faultgraphd serving" in read(log), "the serving line in the log file")
        self.assertEqual(stat.S_IMODE(os.stat(log).st_mode), 0o600)
        self.assertNotIn('"level":', read(err))  # no log line on stderr
        os.rename(log, log + ".1")
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: os.path.exists(log) and "reopened the log file" in read(log),
                 "the new log file")
        self.assertIn(f'"msg":"received SIGHUP: reopened the log file {log}"', read(log))
        self.assertNotIn("received SIGHUP", read(log + ".1"))
        self.assertIn("faultgraphd serving", read(log + ".1"))
        # Not renamed: the same file goes on.
        p.send_signal(signal.SIGHUP)
        wait_for(lambda: read(log).count("reopened the log file") == 2, "a second SIGHUP line")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0, read(err)[-2000:])
        self.assertIn("faultgraphd stopped", read(log))
        self.assertNotIn("faultgraphd stopped", read(log + ".1"))
        self.assertNotIn('"level":', read(err))

    def test_log_level(self):
        log = os.path.join(self.tmp, "warn.log")
        p, port_file, err = self.start("d", "--log-file", log, "--log-level", "warn")
        wait_port_file(port_file, p, err)
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=60), 0, read(err)[-2000:])
        # The info lines (serving, stopped) are below warn.
        self.assertNotIn('"level":"info"', read(log))

    def test_flag_mistakes_named(self):
        for flags, message in (
                (["--log-level", "verbose"],
                 "faultgraphd: --log-level must be debug, info, warn or error, not 'verbose'"),
                (["--log-level"], "faultgraphd: --log-level needs a value"),
                (["--log-file", os.path.join(self.tmp, "missing", "x.log")],
                 "faultgraphd: --log-file: cannot open log file " +
                 os.path.join(self.tmp, "missing", "x.log") + ": No such file or directory"),
                (["--log-file", ""], "faultgraphd: --log-file needs a file name")):
            r = subprocess.run([DAEMON, "--data", os.path.join(self.tmp, "e"), "--port", "0",
                                *flags], capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn(message, r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
