"""Repeat failures and per-model failure counts on the Azure predictive-
maintenance data (../shared/datasets/azure-pdm; never copied here), checked
against counts computed directly from its CSV files.

Machines become assets of their model; each component failure a case on the
machine, closed the same hour with a replacement. A repeat is the same
machine failing on the same component again within 30 days.

usage: azure_pdm_check.py FAULTGRAPH_CLI SOURCE_DIR   (exit 77: data set absent)
"""

import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime

CLI, SRC = sys.argv[1], sys.argv[2]
DATA = os.path.join(SRC, "..", "shared", "datasets", "azure-pdm")
MACHINES = """[source]
name = "pdm_machines"
record = "asset"
[key]
columns = ["machineID"]
[fields]
serial = "machineID"
product = "model"
ship_date = { const = "2015-01-01" }
"""
FAILURES = """[source]
name = "pdm_failures"
record = "case"
[key]
columns = ["datetime", "machineID", "failure"]
[fields]
case_id = "$key"
asset_serial = "machineID"
opened = "datetime"
closed = "datetime"
components = "failure"
fixes = { const = "replace" }
"""


def main():
    if not os.path.isdir(DATA):
        print(f"SKIP: no data set at {DATA} (it lives beside the checkout, in ../shared/datasets)")
        return 77
    with open(os.path.join(DATA, "PdM_machines.csv"), newline="") as f:
        model = {r["machineID"]: r["model"] for r in csv.DictReader(f)}
    with open(os.path.join(DATA, "PdM_failures.csv"), newline="") as f:
        failures = list(csv.DictReader(f))
    per_model = collections.Counter(model[r["machineID"]] for r in failures)
    attempts = collections.Counter((model[r["machineID"]], r["failure"].upper()) for r in failures)
    by_pair = collections.defaultdict(list)
    for r in failures:
        by_pair[(r["machineID"], r["failure"])].append(datetime.fromisoformat(r["datetime"]))
    repeats = collections.Counter()
    for (machine, comp), times in by_pair.items():
        times.sort()
        for a, b in zip(times, times[1:]):
            if (b - a).total_seconds() <= 30 * 86400:
                repeats[(model[machine], comp.upper())] += 1

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "db")
        for name, text, rel in [("m.toml", MACHINES, "PdM_machines.csv"),
                                ("f.toml", FAILURES, "PdM_failures.csv")]:
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
            res = json.loads(subprocess.run(
                [CLI, "--data", db, "--json", "ingest", "--no-index", "--mapping",
                 os.path.join(tmp, name), os.path.join(DATA, rel)],
                check=True, capture_output=True, text=True).stdout)[0]
            if res["rejected"]:
                print(f"FAIL: {res['rejected']} rows of {rel} rejected")
                return 1
        kpi = json.loads(subprocess.run([CLI, "--data", db, "--json", "kpi"], check=True,
                                        capture_output=True, text=True).stdout)
        rows = json.loads(subprocess.run([CLI, "--data", db, "--json", "repeats", "--limit", "1000"],
                                         check=True, capture_output=True, text=True).stdout)
    got_model = {k["group"]: k["cases"] for k in kpi["rows"] if k["group"] != "all"}
    got_attempts = {(r["product"], r["component"]): r["attempts"] for r in rows}
    got_repeats = {(r["product"], r["component"]): r["repeats"] for r in rows if r["repeats"]}
    ok = True
    for name, got, want in [("failures per model", got_model, dict(per_model)),
                            ("failures per model x component", got_attempts, dict(attempts)),
                            ("repeats per model x component", got_repeats, dict(repeats))]:
        same = got == want
        ok &= same
        print(f"{name}: {'equal' if same else 'DIFFERENT'} ({sum(want.values())} in the CSV, "
              f"{sum(got.values())} from faultgraph)")
        if not same:
            print("  csv:", sorted(want.items()))
            print("  faultgraph:", sorted(got.items()))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
