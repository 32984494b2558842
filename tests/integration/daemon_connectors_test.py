"""faultgraphd running connectors: a drop folder of call-centre exports
(GB18030 CSV), a run queued through the API (`faultgraph --server ...
connectors run`), each file read once across renames and daemon restarts, a
file still being written (dot-name) left alone, /healthz, /readyz and
/metrics, and --check-config naming the file, line and key of a mistake.

usage: daemon_connectors_test.py FAULTGRAPH_CLI FAULTGRAPHD SOURCE_DIR
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")
SRC = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else ".")
CALLS = os.path.join(SRC, "ops", "sample", "callcenter", "calls.csv")


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def commit_seconds(metrics, connector):
    """The connector's checkpoint_commit_seconds from /metrics: {"mean": s, "max": s}."""
    prefix = f'faultgraph_connector_checkpoint_commit_seconds{{connector="{connector}"'
    return {l.split('stat="')[1].split('"')[0]: float(l.split()[-1])
            for l in metrics.splitlines() if l.startswith(prefix)}


class Daemon:
    def __init__(self, tmp, config, extra=()):
        self.tmp, self.config, self.extra = tmp, config, list(extra)

    def start(self):
        for f in ("port", "mport"):
            if os.path.exists(os.path.join(self.tmp, f)):
                os.remove(os.path.join(self.tmp, f))
        self.log = os.path.join(self.tmp, "daemon.log")
        self.log_file = open(self.log, "a")
        self.proc = subprocess.Popen(
            [DAEMON, "--data", os.path.join(self.tmp, "db"), "--port", "0", "--port-file",
             os.path.join(self.tmp, "port"), "--connectors", self.config, "--metrics-port", "0",
             "--metrics-port-file", os.path.join(self.tmp, "mport"), *self.extra],
            stdout=subprocess.DEVNULL, stderr=self.log_file)
        self.port = wait_port_file(os.path.join(self.tmp, "port"), self.proc, self.log)
        self.mport = wait_port_file(os.path.join(self.tmp, "mport"), self.proc, self.log)
        return self

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.assert_rc = self.proc.wait(timeout=60)
        self.log_file.close()

    def fg(self, *args):
        r = subprocess.run([CLI, *self.server(), *args],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
        return r.stdout

    def server(self):
        """--server and the admin token the daemon made on its first start."""
        return ["--server", f"127.0.0.1:{self.port}", "--token-file",
                os.path.join(self.tmp, "db", "admin.token")]

    def run_and_wait(self, name):
        before = len(json.loads(self.fg("--json", "connectors", "history", name,
                                        "--limit", "100")))
        self.fg("connectors", "run", name)
        for _ in range(600):
            runs = json.loads(self.fg("--json", "connectors", "history", name, "--limit", "100"))
            if len(runs) > before and runs[0]["status"] not in ("running",):
                return runs[0]
            time.sleep(0.05)
        raise AssertionError("the queued run did not finish")


class DaemonConnectors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_dconn_")
        self.drop = os.path.join(self.tmp, "drop")
        os.makedirs(self.drop)
        self.config = os.path.join(self.tmp, "connectors.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(f'''# call-centre exports dropped by the telephony system
[[connector]]
name = "calls_drop"
type = "folder"
mapping = "{os.path.join(SRC, "ops/simulator/mappings/calls.toml")}"
schedule = "0 3 1 1 *"
error_budget = 0.2

[connector.folder]
path = "drop"
pattern = "*.csv"

# on demand only, never run in these tests
[[connector]]
name = "calls_manual"
type = "folder"
mapping = "{os.path.join(SRC, "ops/simulator/mappings/calls.toml")}"

[connector.folder]
path = "drop"
pattern = "none-*.csv"
''')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_check_config_names_file_line_and_key(self):
        bad = os.path.join(self.tmp, "bad.toml")
        with open(self.config, encoding="utf-8") as f:
            text = f.read()

        def refused(old, new, where, message):
            with open(bad, "w", encoding="utf-8") as f:
                f.write(text.replace(old, new))
            r = subprocess.run([DAEMON, "--check-config", bad], capture_output=True, text=True)
            self.assertEqual(r.returncode, 2)
            self.assertIn(where, r.stderr)
            self.assertIn(message, r.stderr)

        refused('pattern = "*.csv"', 'pattern = "*.csv"\nrecursive = true', "bad.toml:12",
                "unknown key 'recursive'")
        refused('schedule = "0 3 1 1 *"', 'schedule = "0 25 * * *"', "bad.toml:6",
                "hour field '25'")
        r = subprocess.run([DAEMON, "--check-config", self.config], capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_not_ready_while_a_connector_keeps_failing(self):
        config = os.path.join(self.tmp, "broken.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(f'''[[connector]]
name = "gone"
type = "folder"
mapping = "{os.path.join(SRC, "ops/simulator/mappings/calls.toml")}"
[connector.folder]
path = "drop"
pattern = "*.csv"
''')
        d = Daemon(self.tmp, config, ["--ready-failed-runs", "2"]).start()
        try:
            self.assertEqual(d.run_and_wait("gone")["status"], "ok")
            shutil.rmtree(self.drop)  # the export share goes away
            self.assertEqual(d.run_and_wait("gone")["status"], "failed")
            self.assertEqual(get(d.mport, "/readyz"), (200, "ready\n"))  # one failure: ready
            self.assertEqual(d.run_and_wait("gone")["status"], "failed")
            self.assertEqual(get(d.mport, "/readyz"),
                             (503, "not ready: connector gone failed its last 2 runs\n"))
            os.makedirs(self.drop)  # back: the next run succeeds, and it is ready again
            self.assertEqual(d.run_and_wait("gone")["status"], "ok")
            self.assertEqual(get(d.mport, "/readyz"), (200, "ready\n"))
        finally:
            d.stop()

    def test_status_through_the_daemon_is_the_local_one(self):
        d = Daemon(self.tmp, self.config).start()
        try:
            d.run_and_wait("calls_drop")
            remote = json.loads(d.fg("--json", "connectors", "status"))
            remote_table = d.fg("connectors", "status")
        finally:
            d.stop()
        local = json.loads(subprocess.run(
            [CLI, "--data", os.path.join(self.tmp, "db"), "--json", "connectors", "status",
             "--config", self.config], check=True, capture_output=True, text=True).stdout)
        # Every configured connector, the one that never ran too, with its next run.
        self.assertEqual([c["connector"] for c in remote], ["calls_drop", "calls_manual"])
        self.assertEqual(remote, local)
        self.assertEqual(remote[0]["next"][:4], str(int(remote[0]["next"][:4])))  # a date
        self.assertEqual(remote[1]["next"], "on demand")
        self.assertNotIn("last", remote[1])
        self.assertEqual(remote[0]["last"]["status"], "ok")
        header = remote_table.splitlines()[0].split()
        self.assertEqual(header[:3], ["connector", "type", "next"])
        self.assertIn("never run", remote_table)

    def test_drop_folder_each_file_once_across_renames_and_restarts(self):
        d = Daemon(self.tmp, self.config).start()
        try:
            self.assertEqual(get(d.mport, "/healthz"), (200, "ok\n"))
            self.assertEqual(get(d.mport, "/readyz")[0], 200)
            # A file still being written is not picked up; renamed into place, it is.
            part = os.path.join(self.drop, ".calls.csv.part")
            shutil.copy(CALLS, part)
            first = d.run_and_wait("calls_drop")
            self.assertEqual((first["status"], first["read"]), ("ok", 0), first)
            os.rename(part, os.path.join(self.drop, "calls-0901.csv"))
            run = d.run_and_wait("calls_drop")
            self.assertEqual(run["status"], "ok", run)
            self.assertGreater(run["written"], 100)
            self.assertEqual(run["read"], run["written"] + run["rejected"])
            written = run["written"]
            _, metrics = get(d.mport, "/metrics")
            commit = commit_seconds(metrics, "calls_drop")
            self.assertGreater(commit["max"], 0, commit)  # a drop folder's commits are timed
            self.assertGreaterEqual(commit["max"], commit["mean"], commit)
            os.rename(os.path.join(self.drop, "calls-0901.csv"),
                      os.path.join(self.drop, "calls-renamed.csv"))
            again = d.run_and_wait("calls_drop")
            self.assertEqual((again["read"], again["written"]), (0, 0), again)
            status, metrics = get(d.mport, "/metrics")
            self.assertEqual(status, 200)
            self.assertIn(f'faultgraph_connector_rows_written_total{{connector="calls_drop"}} '
                          f'{written}', metrics)
            self.assertIn('faultgraph_connector_runs_total{connector="calls_drop",outcome="ok"} 3',
                          metrics)
            commit = commit_seconds(metrics, "calls_drop")
            # Every API call is counted by method and outcome, with its latency.
            self.assertRegex(metrics, r'faultgraph_api_requests_total\{method="connectorRuns",'
                                      r'outcome="ok"\} [1-9]')
            self.assertRegex(metrics, r'faultgraph_api_request_seconds_count\{'
                                      r'method="runConnector"\} 3\n')
            # The last run read nothing; the slowest commit is that of its batches.
            self.assertGreaterEqual(commit["max"], commit["mean"], commit)
            lag = [l for l in metrics.splitlines()
                   if l.startswith("faultgraph_connector_cursor_lag_seconds")][0]
            self.assertGreaterEqual(float(lag.split()[-1]), 0)
            # The store on disk and the index's lag behind the graph (issue 19).
            self.assertRegex(metrics, r'\nfaultgraph_store_bytes\{part="graph"\} [1-9]\d{4,}')
            self.assertRegex(metrics, r'\nfaultgraph_store_bytes\{part="index"\} [1-9]')
            self.assertIn("\nfaultgraph_index_lag_entries 0\n", metrics)
        finally:
            d.stop()
        self.assertEqual(d.assert_rc, 0)
        d.start()
        try:
            again = d.run_and_wait("calls_drop")
            self.assertEqual((again["read"], again["written"]), (0, 0), again)
            history = json.loads(d.fg("--json", "connectors", "history", "calls_drop"))
            self.assertEqual(len(history), 4)
        finally:
            d.stop()

    def test_reset_backfill_and_dead_letters_through_the_api(self):
        shutil.copy(CALLS, os.path.join(self.drop, "calls-0901.csv"))
        d = Daemon(self.tmp, self.config).start()
        try:
            run = d.run_and_wait("calls_drop")
            self.assertEqual(run["status"], "ok", run)
            self.assertGreater(run["rejected"], 0, run)
            # Reset forgets the position: the next run reads the file again and
            # skips, by version, what the graph holds.
            self.assertIn("position forgotten", d.fg("connectors", "reset", "calls_drop"))
            again = d.run_and_wait("calls_drop")
            self.assertEqual((again["read"], again["written"]), (run["read"], 0), again)
            # A drop folder has no backfill; an unknown connector is named.
            server = d.server()
            r = subprocess.run([CLI, *server, "connectors", "backfill", "calls_drop", "--from",
                                "2024-01-01", "--to", "2024-02-01"], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("has no backfill", r.stderr)
            r = subprocess.run([CLI, *server, "connectors", "reset", "nope"], capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("no connector 'nope'", r.stderr)
            # A dead letter by id, whole, through the API; an unknown id is not found.
            listed = json.loads(d.fg("--json", "dlq", "list", "--limit", "1000"))
            self.assertEqual(len(listed), run["rejected"])
            shown = json.loads(d.fg("--json", "dlq", "show", listed[-1]["id"]))
            self.assertEqual(shown, listed[-1])
            r = subprocess.run([CLI, *server, "dlq", "show", "000000000000"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("no dead letter with id 000000000000", r.stderr)
        finally:
            d.stop()
        self.assertEqual(d.assert_rc, 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
