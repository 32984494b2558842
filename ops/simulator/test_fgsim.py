"""Tests of the simulator: determinism, streaming that does not change the
output, the model's parameters showing in the output within statistical
tolerance, and malformed rows at the set rate."""

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from datetime import date
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import catalogue as cat  # noqa: E402
import extsort  # noqa: E402
import fgsim  # noqa: E402
import model  # noqa: E402


def generate(out, *args):
    subprocess.run([sys.executable, os.path.join(HERE, "fgsim.py"), "--out", out, *args],
                   check=True, capture_output=True)


def digests(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def read_csv(path, encoding="utf-8"):
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        return list(csv.DictReader(f))


def within(observed, expected, variance, sigmas=4.0):
    return abs(observed - expected) <= sigmas * math.sqrt(max(variance, 1.0))


class Determinism(unittest.TestCase):
    def test_same_seed_gives_identical_bytes_and_another_seed_does_not(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \
                tempfile.TemporaryDirectory() as c:
            generate(a, "--cases", "800", "--seed", "7")
            generate(b, "--cases", "800", "--seed", "7")
            generate(c, "--cases", "800", "--seed", "8")
            da, db, dc = digests(a), digests(b), digests(c)
            self.assertEqual(sorted(da), sorted(["erp/products.csv", "erp/components.csv",
                                                 "erp/bom.csv", "erp/shipments.csv",
                                                 "crm/fixes.csv", "crm/tickets.csv",
                                                 "callcenter/calls.csv", "iot/alarms.jsonl",
                                                 "truth.json", "truth_cases.csv"]))
            self.assertEqual(da, db)
            self.assertNotEqual(da["crm/tickets.csv"], dc["crm/tickets.csv"])


class Streaming(unittest.TestCase):
    """fgsim sorts tickets, cases, calls and alarms through runs written to a
    scratch folder and merged; how the rows split into runs must not show."""

    def test_many_small_sort_runs_give_the_same_bytes_as_one_sort_in_memory(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            generate(a, "--cases", "2000", "--seed", "5", "--malformed-rate", "0.05")
            with mock.patch.dict(fgsim.RUN_ROWS, {k: 37 for k in fgsim.RUN_ROWS}), \
                    mock.patch.object(extsort, "BATCH_ROWS", 5), \
                    contextlib.redirect_stderr(io.StringIO()):
                fgsim.main(["--out", b, "--cases", "2000", "--seed", "5",
                            "--malformed-rate", "0.05"])
            self.assertEqual(digests(a), digests(b))  # the scratch folder is gone too

    def test_rows_are_in_time_order_and_numbered_in_it(self):
        with tempfile.TemporaryDirectory() as out:
            generate(out, "--cases", "3000", "--seed", "2", "--malformed-rate", "0")
            cases = read_csv(os.path.join(out, "truth_cases.csv"))
            self.assertEqual([c["case_id"] for c in cases],
                             [f"T{i:08d}" for i in range(1, len(cases) + 1)])
            self.assertEqual([c["opened"] for c in cases], sorted(c["opened"] for c in cases))
            tickets = read_csv(os.path.join(out, "crm/tickets.csv"))
            modified = [t["last_modified"] for t in tickets]
            self.assertEqual(modified, sorted(modified))
            calls = read_csv(os.path.join(out, "callcenter/calls.csv"), encoding="gb18030")
            self.assertEqual([c["呼叫编号"] for c in calls],
                             [f"CDR{i:08d}" for i in range(1, len(calls) + 1)])
            self.assertEqual([c["来电时间"] for c in calls], sorted(c["来电时间"] for c in calls))
            with open(os.path.join(out, "iot/alarms.jsonl"), encoding="utf-8") as f:
                alarms = [json.loads(line) for line in f]
            self.assertEqual([a["id"] for a in alarms],
                             [f"AL{i:09d}" for i in range(1, len(alarms) + 1)])
            self.assertEqual([a["ts"] for a in alarms], sorted(a["ts"] for a in alarms))
            by_id = {c["case_id"]: c for c in cases}
            for c in cases:
                if c["origin"] == "repeat":
                    prev = by_id[c["repeat_of"]]
                    self.assertLess(prev["case_id"], c["case_id"])
                    self.assertEqual((prev["serial"], prev["true_component"]),
                                     (c["serial"], c["true_component"]))
                else:
                    self.assertEqual(c["repeat_of"], "")


class CommittedSample(unittest.TestCase):
    def test_ops_sample_is_what_the_simulator_writes(self):
        # The demo's data set is committed; it must stay what the generator
        # makes of it (python3 ops/simulator/fgsim.py --out ops/sample).
        sample = os.path.join(HERE, "..", "sample")
        with tempfile.TemporaryDirectory() as out:
            generate(out, "--cases", "1000", "--seed", "42")
            self.assertEqual(digests(out), digests(sample))


class ModelShowsInOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = cls.tmp.name
        generate(cls.out, "--cases", "20000", "--seed", os.environ.get("FGSIM_SEED", "11"), "--malformed-rate", "0.02")
        with open(os.path.join(cls.out, "truth.json"), encoding="utf-8") as f:
            cls.truth = json.load(f)
        cls.units = read_csv(os.path.join(cls.out, "erp/shipments.csv"))
        cls.cases = read_csv(os.path.join(cls.out, "truth_cases.csv"))
        start = date.fromisoformat(cls.truth["start"])
        cls.end_day = cls.truth["months"] * model.MONTH_DAYS
        cls.start = start

    def day(self, text):
        return (date.fromisoformat(text[:10]) - self.start).days

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_installed_base_follows_the_product_shares(self):
        n = len(self.units)
        self.assertEqual(n, self.truth["units"])
        for m, share in self.truth["product_share"].items():
            got = sum(1 for u in self.units if u["model"] == m)
            self.assertTrue(within(got, n * share, n * share * (1 - share)),
                            f"{m}: {got} units, expected about {n * share:.0f}")

    def test_first_failures_match_the_weibull_hazards(self):
        first = {}
        for c in self.cases:
            if c["origin"] == "wear" and c["renewal"] == "0":
                first[c["true_component"]] = first.get(c["true_component"], 0) + 1
        checked = 0
        for comp, w in self.truth["weibull"].items():
            expected = variance = 0.0
            for u in self.units:
                if comp not in self.truth["bom"][u["model"]]:
                    continue
                # Install dates are whole days in the export; the model used the exact time.
                age = (self.end_day - self.day(u["install_date"]) - 0.5) / model.MONTH_DAYS
                prob = 1 - math.exp(-((max(age, 0) / w["scale_months"]) ** w["shape"]))
                expected += prob
                variance += prob * (1 - prob)
            if expected < 20:
                continue
            checked += 1
            # Episodes cut off by the end of the period before a ticket opens
            # are few; allow them on top of the statistical tolerance.
            self.assertTrue(within(first.get(comp, 0), expected * 0.995, variance, 4.5),
                            f"{comp}: {first.get(comp, 0)} first failures, expected {expected:.1f}")
        self.assertGreaterEqual(checked, 8)

    def test_planted_defect_adds_its_rate_from_its_month(self):
        d = self.truth["planted_defects"][0]
        rate = d["extra_failures_per_1000_units_month"] / 1000
        start_day = cat.DEFECT["from_month"] * model.MONTH_DAYS
        exposure = sum(max(0.0, self.end_day - max(self.day(u["install_date"]), start_day))
                       for u in self.units if u["model"] == d["product"]) / model.MONTH_DAYS
        got = [c for c in self.cases if c["origin"] == "defect"]
        self.assertTrue(all(c["true_component"] == d["component"] and c["product"] == d["product"]
                            for c in got))
        self.assertTrue(all(c["fail_time"][:7] >= d["from_month"] for c in got))
        self.assertTrue(within(len(got), rate * exposure, rate * exposure),
                        f"{len(got)} defect failures, expected {rate * exposure:.1f}")

    def test_the_bad_fix_rarely_holds_and_brings_the_asset_back(self):
        bad = self.truth["bad_fixes"][0]
        tries = [c for c in self.cases if c["fix"] == bad["fix"] and c["closed"]]
        held = sum(int(c["held"]) for c in tries)
        n, p = len(tries), bad["success_rate"]
        self.assertGreater(n, 50)
        self.assertTrue(within(held, n * p, n * p * (1 - p)), f"{held}/{n} held")
        by_id = {c["case_id"]: c for c in self.cases}
        repeats = [c for c in self.cases if c["repeat_of"] and by_id[c["repeat_of"]]["fix"] == bad["fix"]]
        self.assertGreater(len(repeats), n * (1 - p) * 0.8)
        for c in repeats:
            prev = by_id[c["repeat_of"]]
            self.assertEqual((c["serial"], c["true_component"]), (prev["serial"], prev["true_component"]))
            self.assertLessEqual(self.day(c["opened"]) - self.day(prev["closed"]), 31)

    def test_malformed_rows_appear_at_the_configured_rate(self):
        counts = self.truth["counts"]
        rows = counts["ticket_rows"] + counts["calls"] + counts["alarms"]
        bad = len(self.truth["malformed"])
        self.assertTrue(within(bad, rows * 0.02, rows * 0.02 * 0.98), f"{bad} of {rows}")
        kinds = {m["kind"] for m in self.truth["malformed"]}
        self.assertTrue({"unbalanced_quote", "bad_date", "missing_key", "invalid_utf8",
                         "column_count", "broken_json"} <= kinds, kinds)

    def test_text_is_mixed_language_and_carries_pii_to_mask(self):
        langs = {c["lang"] for c in self.cases}
        self.assertEqual(langs, {"zh", "zht", "en", "mixed"})
        with open(os.path.join(self.out, "crm/tickets.csv"), "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        self.assertIn("联系电话1", text)
        self.assertIn("身份证号", text)
        self.assertRegex(text, "[Ｅ][０-９]")  # full-width fault codes


if __name__ == "__main__":
    unittest.main()
