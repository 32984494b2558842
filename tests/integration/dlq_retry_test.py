"""`faultgraph dlq list|show|retry`: rows rejected by a wrong mapping are
listed with an id, shown whole (PII masked), and — once the mapping is
fixed — retried: they land exactly as a clean load with the fixed mapping
would have put them (same digest), and their dead letters go away. A row
that still fails stays, with the new reason.

usage: dlq_retry_test.py FAULTGRAPH_CLI
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")

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


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
