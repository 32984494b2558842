"""The CLI as a new user first meets it (issue 17 items 3 and 6): help and
--version on stdout, a mistyped command or a missing data folder named in
one line before anything is opened, rootcause without a question refused,
ids read as people type them, what does not exist exit 3 with its name, and
an outcome recorded on a rootcause answer.

usage: cli_hygiene_test.py FAULTGRAPH_CLI FAULTGRAPHD
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import write_csv  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")

TICKETS = """[source]
name = "crm"
record = "case"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
asset_serial = "serial"
product = "model"
opened = "opened_at"
closed = "closed_at"
symptom_text = "symptom"
fault_codes = "codes"
components = "component"
fixes = "fix"
"""


class CliHygiene(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_cli_")
        cls.data = os.path.join(cls.tmp, "db")
        mapping = os.path.join(cls.tmp, "tickets.toml")
        with open(mapping, "w") as f:
            f.write(TICKETS)
        tickets = write_csv(
            os.path.join(cls.tmp, "tickets.csv"),
            ["ticket_no", "serial", "model", "opened_at", "closed_at", "symptom", "codes",
             "component", "fix"],
            [[f"T{i:03d}", f"AC{i % 2:05d}", "AC-350", f"2024-06-{i + 1:02d} 10:00",
              f"2024-06-{i + 1:02d} 18:00", "空调不制冷，外机嗡嗡响", "E4", ["COMP", "FAN"][i % 2],
              ["FX-COMP", "FX-FAN"][i % 2]] for i in range(6)])
        r = subprocess.run([CLI, "--data", cls.data, "ingest", "--mapping", mapping, tickets],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_cli(self, *args, data=True, cwd=None):
        where = ["--data", self.data] if data else []
        return subprocess.run([CLI, *where, *args], capture_output=True, text=True, cwd=cwd)

    def test_help_version_and_mistakes_in_one_line(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty, exist_ok=True)
        for args in (["help"], ["--help"]):
            r = self.run_cli(*args, data=False, cwd=empty)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("usage: faultgraph", r.stdout)
            self.assertEqual(r.stderr, "")
        for prog, name in ((CLI, "faultgraph"), (DAEMON, "faultgraphd")):
            r = subprocess.run([prog, "--version"], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0)
            self.assertRegex(r.stdout, rf"^{name} \d+\.\d+\.\d+ \(revision \S+\)\n$")
        r = subprocess.run([DAEMON, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertIn("usage: faultgraphd", r.stdout)

        r = self.run_cli("frobnicate", data=False, cwd=empty)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         "faultgraph: unknown command 'frobnicate' (see 'faultgraph --help')")
        r = self.run_cli("status", data=False, cwd=empty)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no data at faultgraph-data", r.stderr)
        self.assertNotIn("IO error", r.stderr)
        # digest works over --server too (issue 23); a server that is not
        # there is one line of faultgraph's, without Thrift's own before it.
        r = self.run_cli("--server", "127.0.0.1:1", "digest", data=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot connect to faultgraphd at 127.0.0.1:1", r.stderr)
        self.assertNotIn("TSocket", r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        r = self.run_cli("rootcause")
        self.assertEqual(r.returncode, 2)
        self.assertIn("rootcause needs", r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 1)

    def test_help_and_mistakes_in_the_readers_language(self):
        # The language comes from --lang, FAULTGRAPH_LANG or the locale, for
        # the help and the usage errors too; the command lines stay as typed.
        empty = os.path.join(self.tmp, "empty_zh")
        os.makedirs(empty, exist_ok=True)
        env = dict(os.environ, LC_ALL="zh_CN.UTF-8")
        env.pop("FAULTGRAPH_LANG", None)
        r = subprocess.run([CLI, "--help"], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("用法：faultgraph"), r.stdout[:80])
        self.assertIn("  rootcause --product P [--serial S]", r.stdout)
        self.assertIn("什么坏了、为什么、怎么修", r.stdout)
        r = subprocess.run([CLI, "--lang", "zh-TW", "search", "--help"], capture_output=True,
                           text=True)
        self.assertIn("與 TEXT（中文/English）匹配的", r.stdout)
        r = subprocess.run([CLI, "frobnicate"], capture_output=True, text=True, env=env, cwd=empty)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), "faultgraph: 未知命令 'frobnicate'（见 'faultgraph --help'）")
        r = subprocess.run([CLI, "search"], capture_output=True, text=True, env=env, cwd=empty)
        self.assertEqual(r.stderr.strip(),
                         "faultgraph: search 需要一个 TEXT（请加引号）（见 'faultgraph search --help'）")
        r = subprocess.run([CLI, "status"], capture_output=True, text=True, env=env, cwd=empty)
        self.assertEqual(r.returncode, 1)
        self.assertIn("faultgraph-data 没有数据", r.stderr)
        r = subprocess.run([CLI, "--data", self.data, "case", "T999"], capture_output=True,
                           text=True, env=env)
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stderr.strip(), "faultgraph: 未找到：图中没有案例 'T999'")

    def test_help_per_command_and_arguments_checked_before_opening(self):
        # One command's entries, not the whole page; the usage error of a
        # command points to its own help.
        for args in (["trends", "--help"], ["help", "trends"]):
            r = self.run_cli(*args, data=False)
            self.assertEqual(r.returncode, 0, r.stderr)
            entries = [l for l in r.stdout.splitlines() if l.startswith("  ") and
                       not l.startswith("   ")]
            self.assertEqual(len(entries), 5, r.stdout)  # matrix, cohort list, rates, plot, feed
            self.assertTrue(all(l.startswith("  trends ") for l in entries), r.stdout)
            self.assertIn("faultgraph --help", r.stdout)  # where the global options are
        r = self.run_cli("search", "--help", data=False)
        self.assertIn("FILTERS: --product P", r.stdout)  # search takes them
        r = self.run_cli("neighbors", "--help", data=False)
        self.assertIn("  neighbours TYPE ID", r.stdout)
        # What a command needs is checked before anything is opened: no
        # "no data" for a line that could never have run.
        empty = os.path.join(self.tmp, "empty2")
        os.makedirs(empty, exist_ok=True)
        for args, message in ((["search"], "search needs one TEXT"),
                              (["ingest", "x.csv"], "ingest needs --mapping MAP"),
                              (["similar", "--case", "T1", "text"], "similar needs --case ID or"),
                              (["case"], "case needs one ID")):
            r = self.run_cli(*args, data=False, cwd=empty)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(r.stderr.splitlines(), [
                f"faultgraph: {r.stderr.split('faultgraph: ')[1].split(' (see')[0]} "
                f"(see 'faultgraph {args[0]} --help')"], args)
            self.assertIn(message, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(empty, "faultgraph-data")))

    def test_ids_as_typed_and_what_is_not_there(self):
        view = self.run_cli("case", "t001").stdout
        self.assertIn("T001", view)
        self.assertIn("region: -", view)  # absent: a dash, not a label with nothing after it
        self.assertIn("labour: -", view)
        found = self.run_cli("search", "不制冷").stdout
        self.assertRegex(found, r"counted in (all of them|the best \d+):\n")
        self.assertIn("T001", self.run_cli("asset", "ac00001").stdout)
        # Whether a fix held, and why, in the reader's language (issue 17).
        self.assertIn("came back: case T003 with FAN 1 day after it closed",
                      self.run_cli("--lang", "en", "asset", "AC00001").stdout)
        self.assertIn("结案 1 天后因 FAN 再次报修（案例 T003）",
                      self.run_cli("--lang", "zh-CN", "asset", "AC00001").stdout)
        # Operators' tables too.
        verify = self.run_cli("--lang", "zh-CN", "verify").stdout
        self.assertTrue(verify.startswith("搜索索引：完成\n  图谱中的案例和修复    6\n"), verify)
        self.assertTrue(self.run_cli("--lang", "zh-CN", "dlq", "list").stdout.startswith("编号"))
        self.assertTrue(self.run_cli("--lang", "en", "verify").stdout.startswith(
            "search index: complete\n  cases and fixes in the graph  6\n"))
        self.assertIn("AC-350", self.run_cli("product", "ac-350").stdout)
        self.assertIn("COMP", self.run_cli("neighbours", "CAUSED_BY", "ac-350:e4").stdout)
        for args, says in [(["case", "T999"], "no case 'T999'"),
                           (["asset", "XX123"], "no asset 'XX123'"),
                           (["product", "AC-999"], "no product 'AC-999'"),
                           (["trends", "--product", "AC-999"], "no product 'AC-999'"),
                           (["neighbours", "CAUSED_BY", "E4"], "did you mean AC-350:E4")]:
            r = self.run_cli(*args)
            self.assertEqual(r.returncode, 3, (args, r.stdout, r.stderr))
            self.assertIn(says, r.stderr)

    def test_a_cut_list_says_so(self):
        cut = self.run_cli("repeats", "--limit", "1").stdout
        self.assertIn("showing 1 of 2 rows; more with --limit", cut)
        whole = self.run_cli("repeats", "--limit", "5").stdout
        self.assertNotIn("more with --limit", whole)
        # The totals per fix are over every row, not only the one shown.
        totals = cut[cut.index("per fix, over all products (2 rows)"):]
        self.assertIn("FX-COMP", totals)
        self.assertIn("FX-FAN", totals)
        zh = self.run_cli("--lang", "zh-CN", "repeats", "--limit", "1").stdout
        self.assertIn("显示 2 行中的 1 行", zh)
        self.assertIn("按修复方法汇总所有产品", zh)

    def test_tables_as_a_workbook(self):
        # --xlsx: every table the command prints becomes a worksheet whose
        # numbers are numbers (percentages as fractions), written only
        # when the command succeeded.
        try:
            import openpyxl
        except ImportError:  # an interpreter outside Debian's: its package is there
            sys.path.append("/usr/lib/python3/dist-packages")
            import openpyxl
        book = os.path.join(self.tmp, "repeats.xlsx")
        r = self.run_cli("--lang", "zh-CN", "repeats", "--limit", "5", "--xlsx", book)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("已写入", r.stderr)
        printed = [l for l in r.stdout.splitlines() if l.strip()]
        wb = openpyxl.load_workbook(book)
        self.assertEqual(len(wb.worksheets), 2, wb.sheetnames)  # the rows and the totals per fix
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], printed[0].split()[0])  # the same (Chinese) header
        self.assertEqual(len(rows), 3)  # header + the two repeats
        self.assertTrue(any(isinstance(v, (int, float)) for v in rows[1]), rows[1])
        kpi = os.path.join(self.tmp, "kpi.xlsx")
        r = self.run_cli("kpi", "--by", "product", "--xlsx", kpi)
        self.assertEqual(r.returncode, 0, r.stderr)
        want = json.loads(self.run_cli("kpi", "--by", "product", "--json").stdout)
        ws = openpyxl.load_workbook(kpi).worksheets[0]
        header = [c.value for c in ws[1]]
        first = dict(zip(header, [c.value for c in ws[2]]))
        rate = [v for k, v in first.items() if k == "first-time fix"][0]
        self.assertAlmostEqual(rate, want["rows"][0]["firstTimeFix"], places=3)
        # A failed command writes nothing; --json has no table to write.
        gone = os.path.join(self.tmp, "none.xlsx")
        r = self.run_cli("trends", "--product", "NOPE-1", "--xlsx", gone)
        self.assertNotEqual(r.returncode, 0)
        self.assertFalse(os.path.exists(gone))
        self.assertFalse(os.path.exists(gone + ".partial"))
        r = self.run_cli("kpi", "--json", "--xlsx", gone)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--xlsx", r.stderr)
        r = self.run_cli("status", "--xlsx", gone)  # status prints a table too
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_outcome_on_an_answer(self):
        a = json.loads(self.run_cli("--json", "rootcause", "--product", "AC-350", "--text",
                                    "不制冷 新问题").stdout)
        self.assertRegex(a["answerId"], r"^A\d+-[0-9a-f]{8}$")
        r = self.run_cli("--json", "outcome", "--answer", a["answerId"], "--component", "COMP",
                         "--fix", "FX-COMP", "--worked", "yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["caseId"], a["answerId"])
        c = json.loads(self.run_cli("--json", "case", a["answerId"]).stdout)
        self.assertEqual(c["symptomText"], "不制冷 新问题")
        self.assertEqual(c["source"], "answers")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
