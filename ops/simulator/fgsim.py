#!/usr/bin/env python3
"""faultgraph's after-sales data simulator.

Writes a manufacturer's ERP, CRM, call-centre and sensor exports plus the
ground truth behind them (truth.json, truth_cases.csv). Seeded and
deterministic: the same arguments give byte-identical files.

  ops/simulator/fgsim.py --out DIR [--cases N] [--seed S] [--months M]
                         [--malformed-rate R] [--no-defect]

Load the result with the mappings in ops/simulator/mappings/ (see
docs/SIMULATOR.md).
"""

import argparse
import csv
import io
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalogue as cat  # noqa: E402
import exports  # noqa: E402
import model  # noqa: E402

TICKET_KINDS = ["unbalanced_quote", "bad_date", "missing_key", "invalid_utf8", "column_count"]
CALL_KINDS = ["bad_date", "missing_key", "column_count"]


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


def truth(p, units, cases, clock, malformed, counts):
    per_product = {}
    for u in units:
        per_product[u.product] = per_product.get(u.product, 0) + 1
    d = cat.DEFECT
    fixes = {a: {"success_rate": f[4], "parts": f[2]} for a, f in cat.FIXES.items()}
    return {
        "seed": p.seed,
        "start": clock.date(0),
        "months": p.months,
        "params": vars(p),
        "units": len(units),
        "units_per_product": per_product,
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


def truth_cases_csv(cases, clock):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["case_id", "serial", "product", "true_component", "cause", "diagnosed", "fix",
                "held", "origin", "renewal", "repeat_of", "fail_time", "opened", "closed",
                "fault_codes", "lang"])
    for c in cases:
        w.writerow([c.case_id, c.serial, c.product, c.true_component, c.cause, c.diagnosed, c.fix,
                    int(c.held), c.origin, c.renewal, c.repeat_of.case_id if c.repeat_of else "",
                    clock.minute(c.fail_day), clock.minute(c.opened_day),
                    clock.minute(c.closed_day) if c.closed_day >= 0 else "",
                    ";".join(c.fields.get("codes", [])), c.fields.get("lang", "")])
    return buf.getvalue().encode("utf-8")


def main(argv=None):
    a = parse_args(argv)
    p = model.Params(seed=a.seed, cases=a.cases, start_year=a.start_year, months=a.months,
                     defect=not a.no_defect, malformed_rate=a.malformed_rate)
    clock = exports.Clock(p.start_year)
    rng = lambda name: random.Random(f"{p.seed}:{name}")  # noqa: E731 one stream per part
    units = model.build_fleet(rng("fleet"), p)
    cases = model.simulate_cases(rng("failures"), p, units)
    by_serial = {u.serial: u for u in units}

    files = {}
    malformed = []
    for export in exports.erp(p, units, clock):
        files[export.path] = export.write(rng(export.path), 0.0, [], malformed)
    files["erp/shipments.csv"] = exports.shipments(units, clock)
    files["crm/fixes.csv"] = exports.fixes_catalogue().write(rng("fixes"), 0.0, [], malformed)
    tix = exports.tickets(rng("tickets"), p, cases, by_serial, clock)
    files[tix.path] = tix.write(rng("tickets-damage"), p.malformed_rate, TICKET_KINDS, malformed,
                                date_col=3)
    cdr = exports.calls(rng("calls"), p, cases, units, by_serial, clock)
    files[cdr.path] = cdr.write(rng("calls-damage"), p.malformed_rate, CALL_KINDS, malformed,
                                date_col=1)
    alarm_lines = exports.alarms(rng("alarms"), p, cases, units, by_serial, clock)
    files["iot/alarms.jsonl"] = exports.write_jsonl(rng("alarms-damage"), "iot/alarms.jsonl",
                                                    alarm_lines, p.malformed_rate, malformed)
    seen, revised = set(), []
    for _, key in tix.rows:
        if key in seen:
            revised.append(key)
        seen.add(key)
    counts = {"tickets": len(cases), "ticket_rows": len(tix.rows), "revised_tickets": revised,
              "calls": len(cdr.rows),
              "alarms": len(alarm_lines),
              "malformed": {f: sum(1 for m in malformed if m["file"] == f)
                            for f in ["crm/tickets.csv", "callcenter/calls.csv", "iot/alarms.jsonl"]}}
    files["truth.json"] = (json.dumps(truth(p, units, cases, clock, malformed, counts),
                                      ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["truth_cases.csv"] = truth_cases_csv(cases, clock)

    for rel, data in files.items():
        path = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"fgsim: {len(units)} units, {len(cases)} tickets ({len(tix.rows)} rows), "
          f"{len(cdr.rows)} calls, {len(alarm_lines)} alarms, {len(malformed)} malformed rows "
          f"-> {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
