"""Root-cause accuracy on simulated data with known truth.

A simulated set (ops/simulator) is split by ticket: 80 % of the ticket rows
are ingested through the real CLI and mappings with all master data, calls
and alarms; every held-back closed ticket with a true component is a query
(product, symptom text, fault codes, serial, as of its opening time) run
through `faultgraph rootcause --batch`. Reported: top-1 / top-3 accuracy of
the component, overall and on well-represented components (>= 30 training
cases), against two baselines computed from the same run: the product's most
frequent component, and the similar-case vote alone (BM25 nearest cases).
Run twice: without a model, then after `faultgraph train`. Checked: top-3 >=
90 % on well-represented components, the planted defect's component first
for its typical code on its product, and with the trained model top-1 >= 95 %
and top-3 >= 99.5 % over all queries.

usage: root_cause_sim_eval.py FAULTGRAPH_CLI SOURCE_DIR [--cases N] [--seed S]
"""

import argparse
import collections
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import zlib

LOADS = [("products", "erp/products.csv"), ("components", "erp/components.csv"),
         ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"), ("fixes", "crm/fixes.csv"),
         ("tickets", "train_tickets.csv"), ("calls", "callcenter/calls.csv"),
         ("alarms", "iot/alarms.jsonl")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("src")
    ap.add_argument("--cases", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    sim = os.path.join(a.src, "ops/simulator")
    rules = os.path.join(a.src, "ops/config/text_rules.toml")
    with tempfile.TemporaryDirectory() as tmp:
        out, data = os.path.join(tmp, "sim"), os.path.join(tmp, "db")
        subprocess.run([sys.executable, os.path.join(sim, "fgsim.py"), "--out", out, "--cases",
                        str(a.cases), "--seed", str(a.seed)], check=True, capture_output=True)
        truth = {r["case_id"]: r for r in csv.DictReader(open(os.path.join(out, "truth_cases.csv"),
                                                              encoding="utf-8"))}
        # Split the ticket export by ticket id, keeping its raw lines.
        with open(os.path.join(out, "crm/tickets.csv"), "rb") as f:
            lines = f.read().split(b"\n")
        train = [lines[0]]
        dev_rows = []
        for line in lines[1:]:
            if not line:
                continue
            key = line.split(b",", 1)[0].decode("utf-8", "replace")
            if zlib.crc32(key.encode()) % 5 == 0:
                dev_rows.append(line)
            else:
                train.append(line)
        with open(os.path.join(out, "train_tickets.csv"), "wb") as f:
            f.write(b"\n".join(train) + b"\n")
        for mapping, rel in LOADS:
            subprocess.run([a.cli, "--data", data, "--rules", rules, "ingest", "--mapping",
                            os.path.join(sim, "mappings", mapping + ".toml"), os.path.join(out, rel)],
                           check=True, capture_output=True)

        train_counts = collections.Counter()
        by_product = collections.defaultdict(collections.Counter)
        for line in train[1:]:
            key = line.split(b",", 1)[0].decode("utf-8", "replace")
            t = truth.get(key)
            if t and t["true_component"] and t["closed"]:
                train_counts[t["true_component"]] += 1
                by_product[t["product"]][t["true_component"]] += 1

        queries, labels = [], []
        seen = set()
        header = lines[0].decode().split(",")
        for raw in dev_rows:
            try:
                row = next(csv.reader(io.StringIO(raw.decode("utf-8"))))
            except (UnicodeDecodeError, StopIteration, csv.Error):
                continue
            if len(row) != len(header):
                continue
            r = dict(zip(header, row))
            t = truth.get(r["ticket_no"])
            if not t or not t["true_component"] or r["status"] != "closed" or r["ticket_no"] in seen:
                continue
            seen.add(r["ticket_no"])
            queries.append({"id": r["ticket_no"], "product": r["model"] or t["product"],
                            "text": r["symptom"], "codes": r["fault_codes"], "serial": r["serial"],
                            "at": r["opened_at"], "top": 20})
            labels.append(t)
        qfile = os.path.join(tmp, "queries.jsonl")
        with open(qfile, "w", encoding="utf-8") as f:
            for q in queries:
                f.write(json.dumps(q, ensure_ascii=False) + "\n")
        results = {}
        for variant in ("no model", "trained model"):
            if variant == "trained model":
                tr = subprocess.run([a.cli, "--data", data, "--rules", rules, "train"],
                                    capture_output=True, text=True)
                assert tr.returncode == 0, tr.stderr[-2000:]
                print(tr.stdout.rstrip())
            results[variant] = evaluate(a, data, rules, qfile, queries, labels, train_counts,
                                        by_product, variant)
        ok = results["trained model"] and results["no model"]
        print("PASS" if ok else "FAIL: top-3 on well-represented components below 90 % or "
              "the planted defect not first")
        return 0 if ok else 1


def evaluate(a, data, rules, qfile, queries, labels, train_counts, by_product, variant):
    """Runs the queries through rootcause --batch; prints and checks the scores."""
    res = subprocess.run([a.cli, "--data", data, "--rules", rules, "rootcause", "--batch", qfile],
                         capture_output=True, text=True)
    answers = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(answers) == len(queries), (len(answers), len(queries), res.stderr[-2000:])

    score = collections.defaultdict(lambda: [0, 0, 0])  # n, top1, top3
    defect_first = defect_n = 0
    for q, t, ans in zip(queries, labels, answers):
        want = t["true_component"]
        ranked = [c["component"] for c in ans.get("components", [])]
        votes = sorted(ans.get("components", []), key=lambda c: -c["fromCases"])
        vote_ranked = [c["component"] for c in votes if c["fromCases"] > 0]
        freq = [c for c, _ in by_product[q["product"]].most_common(3)]
        well = train_counts[want] >= 30
        for name, r in [("rootCause", ranked), ("majority", freq), ("bm25-vote", vote_ranked)]:
            for group in (["all", "well"] if well else ["all"]):
                s = score[(name, group)]
                s[0] += 1
                s[1] += bool(r) and r[0] == want
                s[2] += want in r[:3]
        if q["product"] == "AC-350" and "E4" in q["codes"].split(";") and t["origin"] == "defect":
            defect_n += 1
            defect_first += bool(ranked) and ranked[0] == want
    print(f"simulated set, {variant}: {a.cases} tickets, seed {a.seed}; {len(queries)} held-back "
          "queries")
    for group in ("all", "well"):
        for name in ("rootCause", "bm25-vote", "majority"):
            n, t1, t3 = score[(name, group)]
            print(f"  {group:4s} {name:10s} top-1 {100 * t1 / max(n, 1):5.1f}%  "
                  f"top-3 {100 * t3 / max(n, 1):5.1f}%  (n={n})")
    print(f"  planted defect (AC-350, AC:E4, defect cases): ranked first {defect_first}/{defect_n}")
    # The defect's component must top the ranking for its typical code.
    top = subprocess.run([a.cli, "--data", data, "--rules", rules, "--json", "rootcause",
                          "--product", "AC-350", "--codes", "E4", "--text", "空调不制冷"],
                         check=True, capture_output=True, text=True)
    first = json.loads(top.stdout)["components"][0]["component"]
    print(f"  rootcause --product AC-350 --codes E4 --text 空调不制冷 -> {first}")
    n, _, t3 = score[("rootCause", "well")]
    ok = n > 100 and t3 / n >= 0.90 and first == "COMP-R32A"
    if variant == "trained model":
        # The root-cause issue's bar with a model: top-1 >= 95 %, top-3 >= 99.5 %.
        n, t1, t3 = score[("rootCause", "all")]
        if t1 < 0.95 * n or t3 < 0.995 * n:
            print(f"  FAIL: with the trained model top-1 {100 * t1 / n:.1f}% (>= 95 %), "
                  f"top-3 {100 * t3 / n:.1f}% (>= 99.5 %)")
            ok = False
    return ok


if __name__ == "__main__":
    sys.exit(main())
