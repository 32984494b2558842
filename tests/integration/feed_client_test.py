"""The R&D feed through a real faultgraphd and the Python client example
(ops/clients/feed_to_csv.py, Thrift-generated bindings): a client pulling
with random page sizes, while the daemon is restarted and new tickets
arrive, gets every item exactly once and in order.

usage: feed_client_test.py FAULTGRAPH_CLI FAULTGRAPHD GEN_PY SOURCE_DIR
"""

import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CLI, DAEMON, GEN_PY, SRC = (sys.argv[1:5] + [None] * 4)[:4]
SIM = os.path.join(SRC or ".", "ops/simulator")
CLIENT = os.path.join(SRC or ".", "ops/clients/feed_to_csv.py")


def python_with_thrift():
    for exe in ["/usr/bin/python3", sys.executable]:
        if exe and os.path.exists(exe) and subprocess.run(
                [exe, "-c", "import thrift"], capture_output=True).returncode == 0:
            return exe
    raise unittest.SkipTest("no python3 with the thrift module (ops/bootstrap.sh installs "
                            "python3-thrift)")


class Daemon:
    def __init__(self, data, tmp):
        self.data, self.tmp = data, tmp
        self.proc = None

    def start(self):
        port_file = os.path.join(self.tmp, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.log = open(os.path.join(self.tmp, "daemon.log"), "a")
        self.proc = subprocess.Popen([DAEMON, "--data", self.data, "--port", "0", "--port-file",
                                      port_file, "--import-dir", self.tmp, "--import-dir",
                                      os.path.join(SIM, "mappings")],
                                     stderr=self.log, stdout=self.log)
        for _ in range(200):
            if os.path.exists(port_file):
                with open(port_file) as f:
                    port = f.read().strip()
                if port:
                    return "127.0.0.1:" + port
            time.sleep(0.05)
        raise RuntimeError("faultgraphd did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


class FeedExactlyOnce(unittest.TestCase):
    def test_random_pages_across_restarts_and_new_data(self):
        py = python_with_thrift()
        rng = random.Random(5)
        with tempfile.TemporaryDirectory() as tmp:
            sim, data = os.path.join(tmp, "sim"), os.path.join(tmp, "db")
            subprocess.run([sys.executable, os.path.join(SIM, "fgsim.py"), "--out", sim,
                            "--cases", "3000", "--seed", "9"], check=True, capture_output=True)
            maps = os.path.join(SIM, "mappings")
            for m, rel in [("products", "erp/products.csv"), ("components", "erp/components.csv"),
                           ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"),
                           ("fixes", "crm/fixes.csv")]:
                subprocess.run([CLI, "--data", data, "ingest", "--no-index", "--mapping",
                                os.path.join(maps, m + ".toml"), os.path.join(sim, rel)],
                               check=True, capture_output=True)
            # The tickets arrive in three parts while the client pulls.
            with open(os.path.join(sim, "crm/tickets.csv"), "rb") as f:
                lines = f.read().split(b"\n")
            header, rows = lines[0], [l for l in lines[1:] if l]
            parts = [rows[: len(rows) // 3], rows[len(rows) // 3: 2 * len(rows) // 3],
                     rows[2 * len(rows) // 3:]]
            out, cursor = os.path.join(tmp, "feed.csv"), os.path.join(tmp, "feed.cursor")
            daemon = Daemon(data, tmp)
            token = os.path.join(data, "admin.token")  # made on the daemon's first start
            for n, part in enumerate(parts):
                path = os.path.join(tmp, f"tickets{n}.csv")
                with open(path, "wb") as f:
                    f.write(header + b"\n" + b"\n".join(part) + b"\n")
                server = daemon.start()
                subprocess.run([CLI, "--server", server, "--token-file", token, "ingest",
                                "--mapping",
                                os.path.join(maps, "tickets.toml"), path],
                               check=True, capture_output=True)
                # A few pulls with random page sizes, some cut short.
                for _ in range(3):
                    subprocess.run([py, CLIENT, "--server", server, "--token-file", token,
                                    "--cursor-file", cursor,
                                    "--out", out, "--page", str(rng.randint(1, 7)),
                                    "--max-pages", str(rng.randint(1, 4)), "--gen-py", GEN_PY],
                                   check=True, capture_output=True)
                daemon.stop()
            server = daemon.start()
            subprocess.run([py, CLIENT, "--server", server, "--token-file", token,
                            "--cursor-file", cursor, "--out", out,
                            "--page", "3", "--gen-py", GEN_PY], check=True, capture_output=True)
            daemon.stop()

            everything = json.loads(subprocess.run(
                [CLI, "--data", data, "--json", "trends", "--since", "", "--limit", "1000"],
                check=True, capture_output=True, text=True).stdout)["items"]
            with open(out, encoding="utf-8", newline="") as f:
                got = list(csv.DictReader(f))
            self.assertGreater(len(everything), 20)
            self.assertEqual([int(r["seq"]) for r in got], [it["seq"] for it in everything])
            self.assertEqual([r["key"] for r in got], [it["key"] for it in everything])
            self.assertEqual(len({r["key"] for r in got}), len(got))
            kinds = {r["kind"] for r in got}
            self.assertTrue({"alert", "repeat", "snapshot"} <= kinds, kinds)
            # Spreadsheet-ready (issue 17): ISO times, one column per figure, no JSON.
            by_seq = {it["seq"]: it for it in everything}
            for r in got:
                self.assertRegex(r["created_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
                self.assertNotIn("{", "".join(r.values()), r)
                payload = by_seq[int(r["seq"])]["payload"]
                payload = json.loads(payload) if isinstance(payload, str) else payload
                if r["kind"] == "alert":
                    self.assertEqual(int(r["failures"]), payload["failures"], r)
                    self.assertEqual(r["evidence_cases"].split(), payload["evidence"], r)
                if r["kind"] == "repeat":
                    self.assertEqual(int(r["repeats"]), payload["repeats"], r)
                    self.assertEqual(int(r["customers"]), len(payload["customers"]), r)
            # The CLI's own CSV of the feed is the same flat table, row for row.
            cli_csv = subprocess.run(
                [CLI, "--data", data, "trends", "--since", "", "--limit", "1000", "--csv"],
                check=True, capture_output=True, text=True).stdout
            cli_rows = list(csv.DictReader(cli_csv.splitlines()))
            self.assertEqual(list(cli_rows[0].keys()), list(got[0].keys()))
            self.assertEqual([(r["seq"], r["created_utc"], r["evidence_cases"], r["chains"],
                               r["failures"], r["customers"]) for r in cli_rows],
                             [(r["seq"], r["created_utc"], r["evidence_cases"], r["chains"],
                               r["failures"], r["customers"]) for r in got])
            # The server gone: one line that says so, no traceback; rows kept.
            down = subprocess.run([py, CLIENT, "--server", server, "--token-file", token,
                                   "--cursor-file", cursor, "--out", out, "--gen-py", GEN_PY],
                                  capture_output=True, text=True)
            self.assertEqual(down.returncode, 2, down.stderr)
            self.assertIn("cannot reach faultgraphd", down.stderr)
            self.assertNotIn("Traceback", down.stderr)
            self.assertEqual(len(down.stderr.strip().splitlines()), 1, down.stderr)
            # A bad cursor is a clear error, not an empty page.
            bad = subprocess.run([CLI, "--data", data, "trends", "--since", "nonsense"],
                                 capture_output=True, text=True)
            self.assertNotEqual(bad.returncode, 0)
            self.assertIn("cursor", bad.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
