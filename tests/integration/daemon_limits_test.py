"""faultgraphd under connection floods: 1,000 idle sockets and 200
slow-loris clients (a frame announced, then one byte now and then) held
against a real daemon. A normal client is still served while they are
open, the daemon's thread count does not grow with them, every one of
them is closed after the idle timeout, and a connection over the cap is
told why.

usage: daemon_limits_test.py FAULTGRAPH_CLI FAULTGRAPHD
"""

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import ConnectionFlood, wait_port_file  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")
IDLE = 1000
SLOW = 200
IDLE_TIMEOUT_S = 3


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads line")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def closed_by_peer(s):
    """True when the server closed `s` (end of file or reset)."""
    s.setblocking(False)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True


class DaemonLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = IDLE + SLOW + 512
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
            raise unittest.SkipTest(f"needs {want} open files (ulimit -n)")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_limits_")
        self.procs = []
        self.ports = {}

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, name, *flags):
        data = os.path.join(self.tmp, name)
        port_file, log = data + ".port", data + ".log"
        with open(log, "w") as out:
            p = subprocess.Popen([DAEMON, "--data", data, "--port", "0", "--port-file", port_file,
                                  *flags], stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(p)
        port = wait_port_file(port_file, p, log)
        self.ports[port] = data
        return p, port, data

    def cli(self, port, *args):
        data = self.ports[port]
        return subprocess.run([CLI, "--server", f"127.0.0.1:{port}", "--token-file",
                               os.path.join(data, "admin.token"), *args],
                              capture_output=True, text=True, timeout=60)

    def connect(self, port):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        return s

    def test_idle_and_slow_loris_floods(self):
        proc, port, _ = self.start("db", "--idle-timeout", str(IDLE_TIMEOUT_S),
                                   "--max-connections", str(IDLE + SLOW + 50))
        r = self.cli(port, "status")
        self.assertEqual(r.returncode, 0, r.stderr)
        threads_before = threads_of(proc.pid)

        flood = ConnectionFlood(port, IDLE, SLOW)
        try:
            started = time.monotonic()
            # The daemon holds them all (their descriptors are open) ...
            for _ in range(100):
                if open_fds(proc.pid) >= IDLE + SLOW:
                    break
                time.sleep(0.02)
            self.assertGreaterEqual(open_fds(proc.pid), IDLE + SLOW)
            # ... and still serves a normal client, with no more threads.
            r = self.cli(port, "--json", "status")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn('"records"', r.stdout)
            self.assertLess(time.monotonic() - started, IDLE_TIMEOUT_S,
                            "the flood was not held while the client was served")
            self.assertLessEqual(threads_of(proc.pid), threads_before + 1)

            # After the idle timeout every flood connection is closed: the
            # slow ones too, although bytes keep coming.
            deadline = time.monotonic() + IDLE_TIMEOUT_S + 10
            pending = flood.all()
            while pending and time.monotonic() < deadline:
                pending = [s for s in pending if not closed_by_peer(s)]
                time.sleep(0.2)
            self.assertEqual(len(pending), 0, f"{len(pending)} connections still open")
            self.assertGreaterEqual(time.monotonic() - started, IDLE_TIMEOUT_S - 0.5)
            self.assertLessEqual(threads_of(proc.pid), threads_before + 1)
        finally:
            flood.close()
        r = self.cli(port, "status")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_connection_over_the_cap_is_told_why(self):
        _, port, _ = self.start("capped", "--max-connections", "3")
        held = [self.connect(port) for _ in range(3)]
        time.sleep(0.2)  # accepted by the daemon
        r = self.cli(port, "status")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("maximum of 3 connections", r.stderr)
        for s in held:
            s.close()
        for _ in range(50):  # the daemon notices they are gone
            r = self.cli(port, "status")
            if r.returncode == 0:
                break
            time.sleep(0.1)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
