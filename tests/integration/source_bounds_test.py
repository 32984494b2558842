"""What a source controls is bounded, through `faultgraph ingest` as a user
runs it: a JSON array in a mapped field (used to kill the process), an
over-long key, a 10 MB quoted cell of 250,000 lines (used to become 250,018
dead letters), CR-only line ends, Big5, Shift-JIS and UTF-16 files under
encoding = "auto", and the CLI's --limit against the API's bound.

usage: source_bounds_test.py FAULTGRAPH_CLI SOURCE_DIR [FAULTGRAPHD]
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

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
SRC = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".")
ALARMS = os.path.join(SRC, "ops/simulator/mappings/alarms.toml")
DAEMON = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
ARRAY_LINE = '{"id":"AL1","unit":{"serial":"AC1"},"ts":1,"alarm":"X","value":[]}'

MAPPING = """[source]
name = "crm"
record = "case"
encoding = "{enc}"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
product = "model"
opened = {{ column = "opened_at", format = "%Y-%m-%d %H:%M" }}
symptom_text = "symptom"
"""
HEADER = "ticket_no,model,opened_at,symptom\n"


def row(i, symptom="compressor noisy"):
    return f"T{i},AC-350,2024-06-01 10:00,{symptom}\n"


def run(data, *args):
    return subprocess.run([CLI, "--data", data, *args], capture_output=True, text=True,
                          timeout=300)


class SourceBounds(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_bounds_")
        self.data = os.path.join(self.tmp, "db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, content, mode="w", **kw):
        path = os.path.join(self.tmp, name)
        with open(path, mode, **kw) as f:
            f.write(content)
        return path

    def mapping(self, enc="auto"):
        return self.write(f"tickets_{enc}.toml", MAPPING.format(enc=enc))

    def ingest(self, mapping, path):
        r = run(self.data, "--json", "ingest", "--no-index", "--mapping", mapping, path)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)[0]

    def dead_letters(self):
        r = run(self.data, "--json", "dlq", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_json_array_in_a_mapped_field(self):
        lines = [
            ARRAY_LINE,
            '{"id":"AL2","unit":{"serial":"AC1"},"ts":2,"alarm":"X","measurement":["t",["p"]]}',
            '{"id":"AL3","unit":{"serial":"AC1"},"ts":3,"alarm":"X","value":'
            + "[" * 100 + "]" * 100 + "}",
            '{"id":"AL4","unit":{"serial":"AC1"},"ts":4,"alarm":"X","value":5}',
        ]
        path = self.write("alarms.jsonl", "\n".join(lines) + "\n")
        res = self.ingest(ALARMS, path)  # was SIGSEGV (rc 139)
        self.assertEqual((res["applied"], res["rejected"]), (3, 1))
        dl = self.dead_letters()
        self.assertEqual(dl[0]["reason"], "JSON nested deeper than max_depth = 64")

    @unittest.skipIf(DAEMON is None, "no faultgraphd given")
    def test_json_array_through_the_daemon(self):
        # ingestFile used to kill faultgraphd on this line.
        port_file = os.path.join(self.tmp, "port")
        log = open(os.path.join(self.tmp, "daemon.log"), "w")
        proc = subprocess.Popen([DAEMON, "--data", self.data, "--port", "0", "--port-file",
                                 port_file, "--import-dir", self.tmp, "--import-dir",
                                 os.path.dirname(ALARMS)],
                                stdout=subprocess.DEVNULL, stderr=log)
        try:
            for _ in range(400):
                if os.path.exists(port_file) and open(port_file).read().strip():
                    break
                time.sleep(0.05)
            port = open(port_file).read().strip()
            path = self.write("alarms.jsonl", ARRAY_LINE + "\n")
            r = subprocess.run([CLI, "--server", f"127.0.0.1:{port}", "--token-file",
                                os.path.join(self.data, "admin.token"), "--json", "ingest",
                                "--mapping", ALARMS, path], capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(json.loads(r.stdout)[0]["applied"], 1)
            self.assertIsNone(proc.poll(), "faultgraphd died")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            log.close()

    def test_over_long_key_and_over_size_cell(self):
        cell = ("y" * 39 + "\n") * 250_000
        content = (HEADER + row(1) + "K" * 300 + ",AC-350,2024-06-01 10:00,x\n" + row(3)
                   + f'T4,AC-350,2024-06-01 10:00,"{cell}"\n' + row(5))
        res = self.ingest(self.mapping(), self.write("t.csv", content))
        self.assertEqual((res["applied"], res["rejected"]), (3, 2))  # was 250,018 dead letters
        reasons = sorted(d["reason"] for d in self.dead_letters())
        self.assertEqual(reasons[0], "key '" + "K" * 40 + "…' of 300 bytes exceeds max_key_bytes = 200")
        self.assertEqual(reasons[1], f"row of {len(cell) + 29} bytes exceeds max_row_bytes = 4194304 at line 5")

    def test_cr_only_line_ends(self):
        content = (HEADER + row(1) + row(2)).replace("\n", "\r")
        res = self.ingest(self.mapping(), self.write("mac.csv", content, newline=""))
        self.assertEqual((res["applied"], res["rejected"]), (2, 0))

    def test_encodings_under_auto(self):
        text = "空調壓縮機不製冷，顯示E4故障碼"
        content = HEADER + "".join(row(i, text) for i in range(40))
        res = self.ingest(self.mapping(), self.write("big5.csv", content, encoding="big5"))
        self.assertEqual((res["applied"], res["rejected"]), (40, 0))
        case = json.loads(run(self.data, "--json", "case", "T1").stdout)
        self.assertEqual(case["symptomText"], text)

        res = self.ingest(self.mapping(), self.write("u16.csv", content, encoding="utf-16"))
        self.assertEqual(res["applied"] + res["skipped"], 40)
        self.assertEqual(res["rejected"], 0)

        sjis = HEADER + "".join(row(i, "エアコンが冷えない、コンプレッサーの騒音") for i in range(40))
        r = run(self.data, "ingest", "--no-index", "--mapping", self.mapping(),
                self.write("sjis.csv", sjis, encoding="shift_jis"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("looks like SHIFT_JIS", r.stderr)
        self.assertLess(len(r.stderr), 2000)

    def test_search_limit_agrees_with_the_api(self):
        self.ingest(self.mapping(), self.write("t.csv", HEADER + row(1)))
        r = run(self.data, "search", "noise", "--limit", "1000")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--limit must be an integer from 1 to 100", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
