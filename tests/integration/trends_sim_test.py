"""Repeat failures and defect trends on simulated data with known truth.

The planted defect (a bad compressor batch in AC-350 from 2025-03) must
raise an alert within two months of its start; the planted bad fix
(FX-REGAS) must top the repeat-failure list; without a planted defect the
detector must raise no more alerts than its stated false-alarm rate allows
(tests x alpha, plus three standard deviations).

usage: trends_sim_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph"
SRC = sys.argv[2] if len(sys.argv) > 2 else "."
SIM = os.path.join(SRC, "ops/simulator")
LOADS = [("products", "erp/products.csv"), ("components", "erp/components.csv"),
         ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"), ("fixes", "crm/fixes.csv"),
         ("tickets", "crm/tickets.csv"), ("calls", "callcenter/calls.csv")]


def load(tmp, *sim_args):
    out, data = os.path.join(tmp, "sim"), os.path.join(tmp, "db")
    subprocess.run([sys.executable, os.path.join(SIM, "fgsim.py"), "--out", out, *sim_args],
                   check=True, capture_output=True)
    for mapping, rel in LOADS:
        subprocess.run([CLI, "--data", data, "ingest", "--no-index", "--mapping",
                        os.path.join(SIM, "mappings", mapping + ".toml"), os.path.join(out, rel)],
                       check=True, capture_output=True)
    with open(os.path.join(out, "truth.json"), encoding="utf-8") as f:
        return data, json.load(f)


def fg(data, *args):
    r = subprocess.run([CLI, "--data", data, "--json", *args], check=True, capture_output=True,
                       text=True)
    return json.loads(r.stdout)


def month_index(text):
    y, m = text.split("-")
    return int(y) * 12 + int(m) - 1


class PlantedDefectAndBadFix(unittest.TestCase):
    def test_alert_within_two_months_and_bad_fix_tops_repeats(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, truth = load(tmp, "--cases", "4000", "--seed", "21")
            defect = truth["planted_defects"][0]
            report = fg(data, "trends")
            hits = [a for a in report["alerts"]
                    if (a["product"], a["component"]) == (defect["product"], defect["component"])]
            self.assertTrue(hits, report["alerts"])
            first = min(month_index(a["month"]) for a in hits)
            start = month_index(defect["from_month"])
            self.assertGreaterEqual(first, start)
            self.assertLessEqual(first - start, 2, hits)
            alert = [a for a in hits if month_index(a["month"]) == first][0]
            self.assertGreater(alert["rateAfter"], 2 * alert["rateBefore"])
            self.assertTrue(alert["evidence"])

            # The chart: the defect's series with its alert marked.
            svg = os.path.join(tmp, "trend.svg")
            subprocess.run([CLI, "--data", data, "trends", "--plot", svg], check=True,
                           capture_output=True)
            import xml.etree.ElementTree as ET
            root = ET.parse(svg).getroot()
            texts = " ".join(e.text or "" for e in root.iter() if e.tag.endswith("text"))
            self.assertIn(defect["product"] + " × " + defect["component"], texts)
            self.assertIn("alert " + hits[0]["month"][:7], texts)
            self.assertGreaterEqual(sum(1 for e in root.iter() if e.tag.endswith("circle")), 30)

            repeats = fg(data, "repeats", "--limit", "5")
            self.assertEqual(repeats[0]["fix"], truth["bad_fixes"][0]["fix"], repeats[:2])
            self.assertGreater(repeats[0]["rate"], 0.4)
            self.assertTrue(all(c.startswith("CUST-") for c in repeats[0]["customers"]))
            self.assertGreaterEqual(len(repeats[0]["chains"][0]), 2)

            # KPIs against the truth: the returns the model made (origin
            # "repeat", closed) that the data can show — the earlier visit
            # blamed the same component (a misdiagnosis hides the link).
            kpi_out = fg(data, "kpi", "--by", "all")
            # What each figure counts travels with the rows (issue 17).
            self.assertIn("need not add up to 100%", kpi_out["definitions"]["repeatRate"])
            self.assertEqual(kpi_out["windowDays"], 30)
            kpi = kpi_out["rows"][0]
            import csv
            with open(os.path.join(os.path.dirname(data), "sim", "truth_cases.csv"),
                      encoding="utf-8") as f:
                cases = list(csv.DictReader(f))
            closed = [c for c in cases if c["closed"]]
            by_id = {c["case_id"]: c for c in cases}
            returns = sum(1 for c in closed if c["origin"] == "repeat" and
                          by_id[c["repeat_of"]]["diagnosed"] == c["diagnosed"])
            self.assertLessEqual(abs(kpi["closed"] - len(closed)), 0.01 * len(closed) + 5)
            got = kpi["repeatRate"] * kpi["closed"]
            self.assertLessEqual(abs(got - returns), 0.1 * returns + 5, (got, returns))
            self.assertAlmostEqual(kpi["firstTimeFix"], 1 - kpi["repeatRate"], delta=0.02)
            self.assertGreater(kpi["mttrHours"], 12)   # lognormal, median 1.5 days
            self.assertLess(kpi["mttrHours"], 60)
            self.assertTrue(1 <= kpi["satisfaction"] <= 5)

            # Repeat contacts: two or more calls naming a ticket before it
            # closed, counted from the call export and the truth's close times.
            from datetime import datetime
            calls = {}
            with open(os.path.join(os.path.dirname(data), "sim", "callcenter", "calls.csv"),
                      encoding="gb18030") as f:
                for row in csv.DictReader(f):
                    try:
                        t = datetime.strptime(row["来电时间"], "%Y-%m-%d %H:%M")
                    except ValueError:
                        continue  # a damaged row: in the dead-letter store
                    calls.setdefault(row["工单号"], []).append(t)
            chased = 0
            for case_id, times in calls.items():
                c = by_id.get(case_id)
                if c is None:
                    continue
                end = datetime.strptime(c["closed"], "%Y-%m-%d %H:%M") if c["closed"] else None
                chased += sum(1 for t in times if end is None or t <= end) >= 2
            self.assertGreater(chased, 20)
            self.assertLessEqual(abs(kpi["repeatContacts"] - chased), 0.03 * chased + 3,
                                 (kpi["repeatContacts"], chased))
            top = fg(data, "repeats", "--contacts", "--limit", "3")
            self.assertEqual(len(top), 3)
            self.assertGreaterEqual(top[0]["calls"], top[-1]["calls"])
            self.assertGreaterEqual(top[-1]["calls"], 2)
            self.assertLessEqual(top[0]["firstCallMs"], top[0]["lastCallMs"])

            # Cohorts: the units of each cell are the shipments of its month
            # (ERP is never damaged), and the ages add up to the failures.
            shipped = {}
            with open(os.path.join(os.path.dirname(data), "sim", "erp", "shipments.csv"),
                      encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    if row["model"] == defect["product"]:
                        shipped[row["ship_date"][:7]] = shipped.get(row["ship_date"][:7], 0) + 1
            cells = [c for c in fg(data, "trends", "--cohort", "--product", defect["product"])
                     if c["component"] == defect["component"]]
            self.assertTrue(cells)
            for cell in cells:
                self.assertEqual(cell["units"], shipped[cell["shipMonth"]], cell)
                self.assertGreaterEqual(cell["monthsInService"], 0)
                self.assertAlmostEqual(cell["per1000"], 1000 * cell["failures"] / cell["units"])
            series = fg(data, "trends", "--series", "--product", defect["product"],
                        "--component", defect["component"])["series"][0]
            in_series = sum(p["failures"] for p in series["points"])
            in_cohorts = sum(c["failures"] for c in cells)
            self.assertLessEqual(in_cohorts, in_series)
            self.assertGreaterEqual(in_cohorts, 0.9 * in_series)

            # The matrix of the pair: every shipment month is a row, with or
            # without failures; the same failures; each row as long as the
            # cohort has been seen, and its cumulative rate never falls.
            m = fg(data, "trends", "--cohort", "--product", defect["product"],
                   "--component", defect["component"])
            self.assertEqual({r["shipMonth"]: r["units"] for r in m["rows"]}, shipped)
            self.assertEqual(sum(sum(r["failures"]) for r in m["rows"]) + m["unplaced"],
                             in_cohorts)
            self.assertEqual(m["asOf"], series["points"][-1]["month"])
            for r in m["rows"]:
                y, mo = map(int, r["shipMonth"].split("-"))
                ay, am = map(int, m["asOf"].split("-"))
                self.assertEqual(r["observedMonths"], (ay - y) * 12 + am - mo + 1, r)
                self.assertEqual(len(r["failures"]), r["observedMonths"])
                cum = r["cumulativePer1000"]
                self.assertTrue(all(a <= b for a, b in zip(cum, cum[1:])), r)
                self.assertAlmostEqual(cum[-1], 1000 * sum(r["failures"]) / r["units"])


class NoDefectFewFalseAlarms(unittest.TestCase):
    def test_false_alarms_within_the_stated_rate(self):
        with tempfile.TemporaryDirectory() as tmp:
            data, _ = load(tmp, "--cases", "4000", "--seed", "22", "--no-defect")
            report = fg(data, "trends")
            expected = report["tests"] * report["alpha"]
            bound = expected + 3 * math.sqrt(expected) + 1
            self.assertLessEqual(len(report["alerts"]), bound,
                                 f"{len(report['alerts'])} alerts from {report['tests']} tests: "
                                 f"{report['alerts']}")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
