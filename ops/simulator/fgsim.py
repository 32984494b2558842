#!/usr/bin/env python3
"""faultgraph's after-sales data simulator.

Writes a manufacturer's ERP, CRM, call-centre and sensor exports plus the
ground truth behind them (truth.json, truth_cases.csv). Seeded and
deterministic: the same arguments give byte-identical files.

  ops/simulator/fgsim.py --out DIR [--cases N] [--seed S] [--months M]
                         [--malformed-rate R] [--no-defect]

Rows are written as they are made. Memory grows with the installed base
only, about 13 bytes a unit (some ten units per ticket over 36 months): the
cases, ticket rows, calls and alarms that must come out in time order are
sorted in runs in a scratch folder, DIR/.fgsim-sort-*, and merged; the
folder is deleted at the end and at its largest holds about a third of what
the output takes. 5 M tickets: 17 minutes, 0.85 GB peak memory, 5.4 GB of
files on 2 cores (docs/BENCHMARKS.md).

Load the result with the mappings in ops/simulator/mappings/ (see
docs/SIMULATOR.md).
"""

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalogue as cat  # noqa: E402
import exports  # noqa: E402
import extsort  # noqa: E402
import model  # noqa: E402

TICKET_KINDS = ["unbalanced_quote", "bad_date", "missing_key", "invalid_utf8", "column_count"]
CALL_KINDS = ["bad_date", "missing_key", "column_count"]

# Rows per sorted run of each external sort: what one sort holds in memory.
RUN_ROWS = {"cases": 200_000, "tickets": 50_000, "calls": 200_000, "alarms": 200_000}


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--cases", type=int, default=1000, help="about how many tickets")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--months", type=int, default=36, help="length of the period")
    ap.add_argument("--start-year", type=int, default=2023)
    ap.add_argument("--malformed-rate", type=float, default=0.005,
                    help="share of ticket, call and alarm rows damaged on purpose")
    ap.add_argument("--no-defect", action="store_true", help="do not plant the defect")
    a = ap.parse_args(argv)
    if a.cases < 1 or a.months < 6 or not 0 <= a.malformed_rate < 0.5:
        ap.error("--cases must be >= 1, --months >= 6, --malformed-rate in [0, 0.5)")
    if not a.no_defect and a.months <= cat.DEFECT["from_month"]:
        ap.error(f"--months must exceed {cat.DEFECT['from_month']} for the planted defect "
                 "(or pass --no-defect)")
    return a


def truth(p, n_units, units_per_product, clock, malformed, counts):
    d = cat.DEFECT
    fixes = {a: {"success_rate": f[4], "parts": f[2]} for a, f in cat.FIXES.items()}
    return {
        "seed": p.seed,
        "start": clock.date(0),
        "months": p.months,
        "params": vars(p),
        "units": n_units,
        "units_per_product": units_per_product,
        "product_share": {m: s for m, _, _, _, s in cat.PRODUCTS},
        "ship_month_weights": model.ship_weights(p.months),
        "bom": {m: model.flat_bom(m) for m in cat.BOM},
        "weibull": {pn: {"shape": c["weibull"][0], "scale_months": c["weibull"][1]}
                    for pn, c in cat.COMPONENTS.items()},
        "planted_defects": [] if not p.defect else [{
            "product": d["product"], "component": d["component"],
            "from_month": clock.month(d["from_month"] * model.MONTH_DAYS + 1),
            "extra_failures_per_1000_units_month": d["extra_rate_per_unit_month"] * 1000,
            "typical_fault_code": d["typical_code"], "typical_symptom": d["typical_symptom"]}],
        "bad_fixes": [{"fix": cat.BAD_FIX, "success_rate": cat.FIXES[cat.BAD_FIX][4],
                       "component": "EVAP-AC"}],
        "fixes": fixes,
        "counts": counts,
        "malformed": malformed,
    }


TRUTH_CASES_HEADER = ["case_id", "serial", "product", "true_component", "cause", "diagnosed",
                      "fix", "held", "origin", "renewal", "repeat_of", "fail_time", "opened",
                      "closed", "fault_codes", "lang"]


def truth_case_row(c, clock):
    return [c.case_id, c.serial, c.product, c.true_component, c.cause, c.diagnosed, c.fix,
            int(c.held), c.origin, c.renewal, c.repeat_of, clock.minute(c.fail_day),
            clock.minute(c.opened_day), clock.minute(c.closed_day) if c.closed_day >= 0 else "",
            ";".join(c.fields.get("codes", [])), c.fields.get("lang", "")]


class Streams:
    """One random stream per part of the output, seeded from the seed and the
    part's name, so that no part's draws shift another's."""

    def __init__(self, seed):
        self.seed = seed
        self.made = {}

    def __call__(self, name):
        if name not in self.made:
            self.made[name] = random.Random(f"{self.seed}:{name}")
        return self.made[name]


class Generator:
    """Writes the files in passes, each streaming what it reads: the fleet and
    its failures, then the tickets in case order, then each export that is
    sorted by time. What crosses from one pass to the next goes through an
    external sort in a scratch folder, or is the compact fleet."""

    def __init__(self, p, out, scratch):
        self.p = p
        self.out = out
        self.scratch = scratch
        self.clock = exports.Clock(p.start_year)
        self.rng = Streams(p.seed)
        self.end = p.months * model.MONTH_DAYS
        self.malformed = []
        self.fleet = model.Fleet()
        self.units_per_product = {}
        self.n_cases = 0
        self.ticket_rows = self.calls = self.alarms = 0
        self.revised_tickets = []

    def run(self):
        self.write_master_data()
        cases = self.fleet_and_failures()
        tickets, calls, alarms = self.tickets_in_case_order(cases)
        self.write_tickets(tickets)
        self.write_calls(calls)
        self.write_alarms(alarms)
        self.write_truth()

    def sort(self, name, key):
        return extsort.ExternalSort(self.scratch, key, RUN_ROWS[name])

    def create(self, rel, binary=True):
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")

    def write_master_data(self):
        """Small and never damaged: written from memory."""
        streams = [(e.path, e) for e in exports.erp()] + [("fixes", exports.fixes_catalogue())]
        for stream, export in streams:
            with self.create(export.path) as f:
                f.write(export.write(self.rng(stream), 0.0, [], self.malformed))

    def fleet_and_failures(self):
        """Writes the installed base and returns its cases, sorted by ticket order."""
        cases = self.sort("cases", model.case_sort_key)
        failures = self.rng("failures")
        drawn = 0
        with self.create("erp/shipments.csv", binary=False) as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(exports.SHIPMENT_HEADER)
            for u in model.build_fleet(self.rng("fleet"), self.p):
                self.fleet.add(u)
                self.units_per_product[u.product] = self.units_per_product.get(u.product, 0) + 1
                w.writerow(exports.shipment_row(u, self.clock))
                unit_cases = model.simulate_unit(failures, self.p, u)
                for row in model.case_rows(unit_cases, drawn):
                    cases.add(row)
                drawn += len(unit_cases)
        self.n_cases = drawn
        return cases.sorted()

    def tickets_in_case_order(self, cases):
        """Writes truth_cases.csv and draws each case's ticket rows, calls and
        alarms; returns them, each to be sorted by its file's order."""
        tickets = self.sort("tickets", exports.ticket_sort_key)
        calls = self.sort("calls", exports.call_sort_key)
        alarms = self.sort("alarms", exports.alarm_sort_key)
        ticket_rng, call_rng, alarm_rng = self.rng("tickets"), self.rng("calls"), self.rng("alarms")
        with self.create("truth_cases.csv", binary=False) as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(TRUTH_CASES_HEADER)
            for c in model.numbered_cases(cases):
                for row in exports.ticket_rows(ticket_rng, self.p, c, self.clock):
                    tickets.add(row)
                self._add_in_period(calls, exports.case_calls(call_rng, c, self.end))
                self._add_in_period(alarms, exports.failure_alarms(alarm_rng, self.p, c))
                w.writerow(truth_case_row(c, self.clock))
        self._add_in_period(calls, exports.question_calls(call_rng, self.n_cases // 10,
                                                          self.fleet, self.end))
        self._add_in_period(alarms, exports.noise_alarms(alarm_rng, self.p, self.fleet))
        return tickets.sorted(), calls.sorted(), alarms.sorted()

    def _add_in_period(self, sort, timed_rows):
        for row in timed_rows:
            if 0 <= row[0] < self.end:
                sort.add(row)

    def write_tickets(self, rows):
        revised, seen_once = [], set()
        with self.create("crm/tickets.csv") as f:
            w = exports.DamagingCsvWriter(f, "crm/tickets.csv", exports.TICKET_HEADER,
                                          self.rng("tickets-damage"), self.p.malformed_rate,
                                          TICKET_KINDS, self.malformed, date_col=3)
            for _, key, values, twice in rows:
                if twice:
                    if key in seen_once:
                        seen_once.remove(key)
                        revised.append(key)
                    else:
                        seen_once.add(key)
                w.write(values, key)
        self.ticket_rows = w.rows
        self.revised_tickets = revised

    def write_calls(self, calls):
        with self.create("callcenter/calls.csv") as f:
            w = exports.DamagingCsvWriter(f, "callcenter/calls.csv", exports.CALL_HEADER,
                                          self.rng("calls-damage"), self.p.malformed_rate,
                                          CALL_KINDS, self.malformed, encoding="gb18030",
                                          date_col=1)
            # The calls stream goes on where tickets_in_case_order left it.
            for values, key in exports.call_rows(self.rng("calls"), self.p, calls, self.fleet,
                                                 self.clock):
                w.write(values, key)
        self.calls = w.rows

    def write_alarms(self, alarms):
        with self.create("iot/alarms.jsonl") as f:
            self.alarms = exports.write_jsonl(
                self.rng("alarms-damage"), f, "iot/alarms.jsonl",
                exports.alarm_objects(alarms, self.fleet, self.clock), self.p.malformed_rate,
                self.malformed)

    def write_truth(self):
        counts = {"tickets": self.n_cases, "ticket_rows": self.ticket_rows,
                  "revised_tickets": self.revised_tickets, "calls": self.calls,
                  "alarms": self.alarms,
                  "malformed": {f: sum(1 for m in self.malformed if m["file"] == f)
                                for f in ["crm/tickets.csv", "callcenter/calls.csv",
                                          "iot/alarms.jsonl"]}}
        t = truth(self.p, len(self.fleet), self.units_per_product, self.clock, self.malformed,
                  counts)
        with self.create("truth.json") as f:
            f.write((json.dumps(t, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def main(argv=None):
    a = parse_args(argv)
    p = model.Params(seed=a.seed, cases=a.cases, start_year=a.start_year, months=a.months,
                     defect=not a.no_defect, malformed_rate=a.malformed_rate)
    os.makedirs(a.out, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".fgsim-sort-", dir=a.out)
    try:
        g = Generator(p, a.out, scratch)
        g.run()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"fgsim: {len(g.fleet)} units, {g.n_cases} tickets ({g.ticket_rows} rows), "
          f"{g.calls} calls, {g.alarms} alarms, {len(g.malformed)} malformed rows "
          f"-> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
