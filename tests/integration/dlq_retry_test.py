"""`faultgraph dlq list|show|retry`: rows rejected by a wrong mapping are
listed with an id, shown whole (PII masked), and — once the mapping is
fixed — retried: they land exactly as a clean load with the fixed mapping
would have put them (same digest), and their dead letters go away. A row
that still fails stays, with the new reason.

The same through faultgraphd (`--server`): retry with a mapping under the
daemon's --import-dir, for an operator only, and `digest` over the server.

usage: dlq_retry_test.py FAULTGRAPH_CLI [FAULTGRAPHD]
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

ROWS = """ticket_no,model,opened_at,symptom,notes
T1,AC-350,2024-06-01 10:00,空调不制冷 E4,客户电话 13800138000
T2,AC-350,2024-06-02 11:30,compressor noisy,
T3,WM-80,2024-06-03 09:15,洗衣机漏水,
T4,WM-80,not a date,漏水,
"""

MAPPING = """[source]
name = "crm"
record = "case"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
product = "model"
opened = {{ column = "opened_at", format = "{fmt}" }}
symptom_text = "symptom"
notes = "notes"
"""


def fg(data, *args, code=0):
    r = subprocess.run([CLI, "--data", data, *args], capture_output=True, text=True)
    if r.returncode != code:
        raise AssertionError(f"{args}: exit {r.returncode} (wanted {code}): {r.stderr}")
    return r.stdout


class DlqRetry(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_dlq_")
        self.csv = os.path.join(self.tmp, "tickets.csv")
        with open(self.csv, "w", encoding="utf-8") as f:
            f.write(ROWS)
        self.wrong = os.path.join(self.tmp, "wrong.toml")
        with open(self.wrong, "w") as f:
            f.write(MAPPING.format(fmt="%d.%m.%Y %H:%M"))
        self.fixed = os.path.join(self.tmp, "fixed.toml")
        with open(self.fixed, "w") as f:
            f.write(MAPPING.format(fmt="%Y-%m-%d %H:%M"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_list_show_retry(self):
        data = os.path.join(self.tmp, "db")
        fg(data, "ingest", "--no-index", "--mapping", self.wrong, self.csv)
        dlq = json.loads(fg(data, "--json", "dlq", "list"))
        self.assertEqual(len(dlq), 4)
        ids = {d["raw"].split(",")[0]: d["id"] for d in dlq}
        self.assertEqual(sorted(ids), ["T1", "T2", "T3", "T4"])
        shown = fg(data, "dlq", "show", ids["T1"])
        self.assertIn("tickets.csv:2", shown)
        self.assertIn("opened", shown)
        self.assertIn("138****8000", shown)
        self.assertNotIn("13800138000", shown)

        out = json.loads(fg(data, "--json", "dlq", "retry", *ids.values(), "--mapping",
                            self.fixed, "--no-index", code=1))
        applied = {o["id"]: o["applied"] for o in out}
        self.assertEqual(applied, {ids["T1"]: True, ids["T2"]: True, ids["T3"]: True,
                                   ids["T4"]: False})
        self.assertIn("not a date", [o for o in out if not o["applied"]][0]["message"])
        left = json.loads(fg(data, "--json", "dlq", "list"))
        self.assertEqual([d["id"] for d in left], [ids["T4"]])
        self.assertEqual(json.loads(fg(data, "--json", "case", "T2"))["product"], "AC-350")

        # The same graph as a clean load with the fixed mapping.
        clean = os.path.join(self.tmp, "clean")
        fg(clean, "ingest", "--no-index", "--mapping", self.fixed, self.csv)
        self.assertEqual(fg(data, "digest"), fg(clean, "digest"))

        fg(data, "dlq", "show", "000000000000", code=3)
        fg(data, "dlq", "retry", "000000000000", "--mapping", self.fixed, code=3)

    # Issue 23: `dlq retry` and `digest` opened the store directly, so
    # neither worked with --server.
    def test_retry_and_digest_through_the_daemon(self):
        data = os.path.join(self.tmp, "db")
        fg(data, "ingest", "--no-index", "--mapping", self.wrong, self.csv)
        olga, ann = os.path.join(self.tmp, "olga.token"), os.path.join(self.tmp, "ann.token")
        fg(data, "users", "add", "olga", "--role", "operator", "--token-out", olga)
        fg(data, "users", "add", "ann", "--role", "agent", "--token-out", ann)
        ids = {d["raw"].split(",")[0]: d["id"] for d in json.loads(fg(data, "--json", "dlq", "list"))}
        port_file, log = os.path.join(self.tmp, "port"), os.path.join(self.tmp, "daemon.log")
        with open(log, "w") as out:
            p = subprocess.Popen([DAEMON, "--data", data, "--port", "0", "--port-file", port_file,
                                  "--import-dir", self.tmp], stdout=out, stderr=subprocess.STDOUT)
        try:
            server = ["--server", f"127.0.0.1:{wait_port_file(port_file, p, log)}"]

            def cli(token, *args):
                return subprocess.run([CLI, *server, "--token-file", token, *args],
                                      capture_output=True, text=True)

            r = cli(ann, "dlq", "retry", ids["T1"], "--mapping", self.fixed)
            self.assertEqual(r.returncode, 5, r.stderr)  # an agent may not
            r = cli(olga, "dlq", "retry", ids["T1"], "--mapping", "/etc/passwd")
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("bad mappingPath", r.stderr)
            r = cli(olga, "dlq", "retry", "000000000000", "--mapping", self.fixed)
            self.assertEqual(r.returncode, 3, r.stderr)
            r = cli(olga, "--json", "dlq", "retry", *ids.values(), "--mapping", self.fixed)
            self.assertEqual(r.returncode, 1, r.stderr)  # T4 still fails
            applied = {o["id"]: o["applied"] for o in json.loads(r.stdout)}
            self.assertEqual(applied, {ids["T1"]: True, ids["T2"]: True, ids["T3"]: True,
                                       ids["T4"]: False})
            left = json.loads(cli(olga, "--json", "dlq", "list").stdout)
            self.assertEqual([d["id"] for d in left], [ids["T4"]])

            clean = os.path.join(self.tmp, "clean")
            fg(clean, "ingest", "--no-index", "--mapping", self.fixed, self.csv)
            r = cli(olga, "digest")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, fg(clean, "digest"))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
