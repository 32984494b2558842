"""faultgraphd killed with SIGKILL at least 20 times while it loads the
simulator's exports through its API (`faultgraph --server ... ingest`) and
indexes them in the background: after a last load to the end, the graph
equals a clean load's (digest), and the search index holds every case and
fix as its current version (`verify`), with nothing for the check after an
unclean shutdown to repair, at any of the restarts.

usage: daemon_kill_test.py FAULTGRAPH_CLI FAULTGRAPHD SOURCE_DIR
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")
SRC = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else ".")
MAPPINGS = os.path.join(SRC, "ops", "simulator", "mappings")
RULES = os.path.join(SRC, "ops", "config", "text_rules.toml")
LOADS = [("products", "erp/products.csv"), ("components", "erp/components.csv"),
         ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"), ("fixes", "crm/fixes.csv"),
         ("tickets", "crm/tickets.csv"), ("calls", "callcenter/calls.csv"),
         ("alarms", "iot/alarms.jsonl")]
KILLS = 20


class Daemon:
    def __init__(self, tmp, data):
        self.tmp, self.data = tmp, data
        self.log = os.path.join(tmp, "daemon.log")

    def start(self):
        port_file = os.path.join(self.tmp, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(
                [DAEMON, "--data", self.data, "--rules", RULES, "--port", "0", "--port-file",
                 port_file, "--import-dir", self.tmp, "--import-dir", MAPPINGS],
                stdout=subprocess.DEVNULL, stderr=log)
        self.port = wait_port_file(port_file, self.proc, self.log)
        return self

    def server(self):
        return ["--server", f"127.0.0.1:{self.port}", "--token-file",
                os.path.join(self.data, "admin.token")]


def load_commands(sim, server):
    return [[CLI, *server, "ingest", "--mapping", os.path.join(MAPPINGS, m + ".toml"),
             os.path.join(sim, rel)] for m, rel in LOADS]


class DaemonKillTest(unittest.TestCase):
    def test_kill9_during_load_and_indexing(self):
        tmp = tempfile.mkdtemp(prefix="fg-daemon-kill-")
        try:
            self.run_in(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def run_in(self, tmp):
        sim = os.path.join(tmp, "sim")
        subprocess.run([sys.executable, os.path.join(SRC, "ops/simulator/fgsim.py"), "--out", sim,
                        "--cases", "30000", "--seed", "23", "--malformed-rate", "0.002"],
                       check=True, capture_output=True)
        # The clean load, embedded, in the README's order.
        clean = os.path.join(tmp, "clean")
        for cmd in load_commands(sim, ["--data", clean, "--rules", RULES]):
            subprocess.run(cmd, check=True, capture_output=True)
        digest = subprocess.run([CLI, "--data", clean, "digest"], check=True,
                                capture_output=True, text=True).stdout.strip()
        want = self.verify([CLI, "--data", clean])
        self.assertTrue(want["clean"], want)

        crashed = os.path.join(tmp, "crashed")
        daemon = Daemon(tmp, crashed)
        rng = random.Random(29)
        kills = 0
        for _ in range(6 * KILLS):
            if kills >= KILLS:
                break
            daemon.start()
            # The whole load again each time: files already in are skipped
            # from their checkpoints; the kill lands in ingest or indexing.
            loader = subprocess.Popen(
                ["/bin/sh", "-c", " ; ".join(" ".join(f"'{a}'" for a in c)
                                            for c in load_commands(sim, daemon.server()))],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.1, 2.5))
            daemon.proc.send_signal(signal.SIGKILL)
            if daemon.proc.wait() == -signal.SIGKILL:
                kills += 1
            loader.wait()
        self.assertGreaterEqual(kills, KILLS)

        # The last start finishes the load.
        daemon.start()
        for cmd in load_commands(sim, daemon.server()):
            r = subprocess.run(cmd, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        got = self.verify([CLI, *daemon.server()])
        daemon.proc.send_signal(signal.SIGTERM)
        self.assertEqual(daemon.proc.wait(timeout=120), 0)

        self.assertTrue(got["clean"], got)
        self.assertEqual(got["foundAtOpen"], 0, "the last start found the index incomplete")
        self.assertEqual(got["graphDocuments"], want["graphDocuments"])
        self.assertEqual(got["indexDocuments"], want["indexDocuments"])
        # Every restart checked the index after its kill and found it complete.
        with open(daemon.log) as f:
            log = f.read()
        checks = re.findall(r"checked after an unclean shutdown: (\S+)", log)
        self.assertGreaterEqual(len(checks), KILLS - 1, "the check at start-up did not run")
        self.assertEqual([c for c in checks if c != "complete"], [],
                         "a restart found documents missing from the index")
        self.assertEqual(subprocess.run([CLI, "--data", crashed, "digest"], check=True,
                                        capture_output=True, text=True).stdout.strip(), digest)
        after = self.verify([CLI, "--data", crashed])
        self.assertTrue(after["clean"], after)
        self.assertEqual(after["foundAtOpen"], -1, "the daemon's SIGTERM stop was not clean")
        print(f"{kills} kills; {got['graphDocuments']} cases and fixes, index complete")

    def verify(self, prefix):
        r = subprocess.run([*prefix, "--json", "verify"], capture_output=True, text=True)
        self.assertIn(r.returncode, (0, 4), r.stderr)
        return json.loads(r.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
