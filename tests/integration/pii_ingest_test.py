"""PII through the real CLI: the labelled corpus (tests/fixtures/pii/
corpus.tsv) is ingested as tickets (symptom or notes text; some rows with a
bad date so that they become dead letters), then no PII value of the corpus
may appear in any byte of any file under the data directory (RocksDB, its
WAL and info log, Xapian), in `case` output, in `search` results, in the
dead-letter store (`dlq list`, `dlq show`) or on the CLI's stdout/stderr;
and a value searched as one token finds nothing.

usage: pii_ingest_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
SRC = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".")
RULES = os.path.join(SRC, "ops/config/text_rules.toml")

MAPPING = """[source]
name = "crm"
record = "case"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
product = "model"
opened = "opened_at"
symptom_text = "symptom"
notes = "notes"
"""

# Every DEAD-th row gets a date that does not parse: a dead letter.
DEAD = 9

# The corpus's names that the masker does not find (a bare name with no
# label or title, or after a label with no colon: the misses of the recall
# table in docs/SECURITY.md). They stay in the text, so they are not
# looked for; every other value must be gone everywhere.
KNOWN_MISSES = {"Linda", "Tom Baker", "韩梅梅"}


def read_corpus():
    rows = []
    with open(os.path.join(SRC, "tests/fixtures/pii/corpus.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            text, spans = cols[0], []
            raw = text.encode()
            for item in cols[1].split(";") if cols[1] != "-" else []:
                cls, rng = item.split(":")
                b, e = (int(x) for x in rng.split("-"))
                spans.append((cls, raw[b:e].decode()))
            rows.append((text, spans))
    return rows


def secrets_of(cls, value):
    """The strings that must not be found for one PII value: as written,
    NFKC-folded, lower-cased and, for numbers, the bare digits."""
    folded = unicodedata.normalize("NFKC", value)
    out = {value, folded, folded.lower()}
    if cls in ("phone", "id", "card"):
        out.add(re.sub(r"[^0-9Xx]", "", folded))
    if cls == "email":
        local = re.split(r"[\s@#(\[{<]", folded, maxsplit=1)[0]
        if len(local) >= 5 and re.search(r"[A-Za-z]", local):
            out.add(local)
    # Too short to be told from other bytes (a surname, "Li").
    return {s for s in out if len(s.encode()) >= 5 and not (cls == "name" and len(s) < 2)}


class PiiIngest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_pii_")
        cls.data = os.path.join(cls.tmp, "db")
        cls.rows = read_corpus()
        cls.secrets = {}  # secret -> (class, row index)
        for i, (_, spans) in enumerate(cls.rows):
            for c, v in spans:
                if v in KNOWN_MISSES:
                    continue
                for s in secrets_of(c, v):
                    cls.secrets.setdefault(s, (c, i))
        cls.outputs = []
        csv_path = os.path.join(cls.tmp, "tickets.csv")
        with open(csv_path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["ticket_no", "model", "opened_at", "symptom", "notes"])
            for i, (text, _) in enumerate(cls.rows):
                opened = "not a date" if i % DEAD == DEAD - 1 else "2024-06-01 10:00"
                symptom, notes = (text, "") if i % 2 == 0 else ("空调不制冷", text)
                w.writerow([f"P{i:05d}", "AC-350", opened, symptom, notes])
        mapping = os.path.join(cls.tmp, "tickets.toml")
        with open(mapping, "w") as f:
            f.write(MAPPING)
        cls.fg(cls, "ingest", "--mapping", mapping, csv_path, code=None)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def fg(self, *args, code=0):
        r = subprocess.run([CLI, "--data", self.data, "--rules", RULES, *args],
                           capture_output=True, text=True)
        self.outputs.append((args, r.stdout + r.stderr))
        if code is not None and r.returncode != code:
            raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
        return r.stdout

    def assert_clean(self, where, text):
        leaks = [(s, self.secrets[s]) for s in self.secrets if s in text]
        self.assertEqual(leaks, [], f"PII in {where}")

    def test_no_value_in_any_file(self):
        leaks = []
        blobs = {s.encode(): s for s in self.secrets}
        for root, _, files in os.walk(self.data):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    content = f.read()
                for b, s in blobs.items():
                    if b in content:
                        leaks.append((os.path.relpath(path, self.data), s, self.secrets[s]))
        self.assertEqual(leaks, [])

    def test_case_output(self):
        # One row in four (the bytes of all of them are checked above).
        for i in range(0, len(self.rows), 4):
            if i % DEAD == DEAD - 1:
                continue
            out = self.fg("--json", "case", f"P{i:05d}")
            self.assertIn('"caseId"', out)
            self.assert_clean(f"case P{i:05d}", out)

    def test_dead_letters(self):
        dlq = json.loads(self.fg("--json", "dlq", "list", "--limit", "1000"))
        self.assertEqual(len(dlq), len(range(DEAD - 1, len(self.rows), DEAD)))
        self.assert_clean("dlq list", json.dumps(dlq, ensure_ascii=False))
        for d in dlq[:20]:
            self.assert_clean("dlq show", self.fg("dlq", "show", d["id"]))

    def test_search(self):
        # One value in fifteen (every class), as written and as bare digits.
        values = sorted(self.secrets)[::15]
        for v in values:
            out = self.fg("--json", "search", v)
            self.assert_clean(f"search {v!r}", out)
            single_token = re.fullmatch(r"[0-9A-Za-z]+", v) is not None
            if single_token:
                hits = json.loads(out)["hits"]
                self.assertEqual(hits, [], f"{v!r} ({self.secrets[v]}) is searchable")

    def test_zz_cli_output(self):
        # Runs last (name order): everything the CLI printed, the ingest too.
        for args, text in self.outputs:
            self.assert_clean(f"output of {args}", text)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
