"""What each command prints, in English and in simplified Chinese, against
the reviewed output in tests/fixtures/golden/ (issue 17: "a golden-output
test per command in zh-CN and en").

The sample manufacturer (ops/sample, loaded through the simulator's
mappings as the demo loads it, by paths relative to the checkout) is read
with the CLI as a pipe (every cell whole) and on a 100-column terminal (a
pseudo-terminal: tables cut, answers wrapped). Output that depends on the day the test runs (ingest times, the
warranty state of today) or is random (an answer's id) is replaced by a
placeholder; everything else must
match to the byte. After a change to what a command prints, review the new
output and write it with

  FAULTGRAPH_UPDATE_GOLDEN=1 python3 tests/integration/cli_golden_test.py build/api/faultgraph .

usage: cli_golden_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import datetime
import difflib
import fcntl
import os
import pty
import re
import struct
import termios
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
ROOT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".")
GOLDEN = os.path.join(ROOT, "tests", "fixtures", "golden")
UPDATE = os.environ.get("FAULTGRAPH_UPDATE_GOLDEN") == "1"

LOADS = [("products.toml", "erp/products.csv"), ("components.toml", "erp/components.csv"),
         ("bom.toml", "erp/bom.csv"), ("shipments.toml", "erp/shipments.csv"),
         ("fixes.toml", "crm/fixes.csv"), ("tickets.toml", "crm/tickets.csv"),
         ("calls.toml", "callcenter/calls.csv"), ("alarms.toml", "iot/alarms.jsonl")]

# name -> (arguments, columns: 0 = a pipe)
COMMANDS = {
    "status": (["status"], 0),
    "product": (["product", "AC-350"], 0),
    "case": (["case", "T00000392"], 0),
    "asset": (["asset", "AC00001898", "--limit", "4"], 100),
    "search": (["search", "外机 不启动", "--limit", "3"], 100),
    "similar": (["similar", "--case", "T00000392", "--limit", "3"], 100),
    "rootcause": (["rootcause", "--product", "AC-350", "--codes", "E4", "--text",
                   "空調不製冷，外機嗡嗡響", "--top", "2"], 100),
    "neighbours": (["neighbours", "CAUSED_BY", "AC:E4", "--limit", "5"], 0),
    "repeats": (["repeats", "--limit", "5"], 100),
    "trends": (["trends", "--product", "AC-350", "--component", "COMP-R32A"], 100),
    "kpi": (["kpi", "--by", "product"], 100),
    "dlq": (["dlq", "list", "--limit", "5"], 100),
    "help-rootcause": (["help", "rootcause"], 0),
    "unknown-case": (["case", "T99999999"], 0),
}


def normalise(text, data_dir):
    text = text.replace(ROOT, "<src>").replace(data_dir, "<data>")
    today = datetime.datetime.now(datetime.timezone.utc)
    for day in (today, today - datetime.timedelta(days=1)):  # a run across midnight
        text = re.sub(day.strftime("%Y-%m-%d") + r" \d\d:\d\d", "<now>", text)
    text = re.sub(r"\bA\d+-[0-9a-f]{8}\b", "<answer id>", text)  # random per answer
    # The warranty state is today's ("in warranty, 3 months left").
    text = re.sub(r"(?m)^(warranty|保修)[:：].*$", r"\1: <today's>", text)
    return text


def run(args, env, columns):
    """stdout, stderr and exit code of the CLI; stdout a pipe (columns 0) or
    a pseudo-terminal of `columns` columns."""
    if not columns:
        r = subprocess.run(args, capture_output=True, text=True, env=env)
        return r.stdout, r.stderr, r.returncode
    main, tty = pty.openpty()
    fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    p = subprocess.Popen(args, stdout=tty, stderr=subprocess.PIPE, env=env)
    os.close(tty)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    err = p.stderr.read().decode()
    p.wait()
    return out.decode().replace("\r\n", "\n"), err, p.returncode


class CliGolden(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_golden_")
        cls.data = os.path.join(cls.tmp, "db")
        mappings = os.path.join(ROOT, "ops", "simulator", "mappings")
        for mapping, path in LOADS:  # relative: the positions read the same anywhere
            r = subprocess.run([CLI, "--data", cls.data, "ingest", "--mapping",
                                os.path.join(mappings, mapping), os.path.join("ops", "sample", path)],
                               capture_output=True, text=True, cwd=ROOT)
            assert r.returncode == 0, (mapping, r.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def check(self, lang):
        env = {k: v for k, v in os.environ.items()
               if k not in ("FAULTGRAPH_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS")}
        mismatched = []
        for name, (args, columns) in COMMANDS.items():
            out, err, code = run([CLI, "--data", self.data, *args],
                                 dict(env, FAULTGRAPH_LANG=lang), columns)
            where = f"[{columns}-column terminal]\n" if columns else ""
            got = normalise(f"$ faultgraph {' '.join(args)}\n{where}{out}"
                            + (f"[stderr]\n{err}" if err else "") + f"[exit {code}]\n", self.data)
            path = os.path.join(GOLDEN, lang, name + ".txt")
            if UPDATE:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(got)
                continue
            self.assertTrue(os.path.exists(path), f"{path} is missing: see the docstring")
            with open(path, encoding="utf-8") as f:
                want = f.read()
            if got != want:
                mismatched.append(f"{lang}/{name}:\n" + "".join(difflib.unified_diff(
                    want.splitlines(True), got.splitlines(True), "golden", "now", n=1)))
        self.assertFalse(mismatched, "\n".join(mismatched))

    def test_english(self):
        self.check("en")

    def test_simplified_chinese(self):
        self.check("zh-CN")

    def test_chinese_output_has_no_english_structure(self):
        # Headers, labels and notes are Chinese; ids, names from master data
        # and the customer's words stay as they are. A table's header row and
        # its labels have no English word of four letters or more.
        for name in ("status", "repeats", "kpi", "dlq", "trends"):
            with open(os.path.join(GOLDEN, "zh-CN", name + ".txt"), encoding="utf-8") as f:
                lines = f.read().splitlines()
            header = lines[2] if lines[1].endswith("terminal]") else lines[1]
            self.assertIsNone(re.search(r"\b[a-z]{4,}\b", header), f"{name}: {header}")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
