#!/usr/bin/env python3
"""Markdown tables of docs/EVALUATION.md from similar_cases_eval's CSV files.

    similar_cases_eval --folds 0-3 --csv /tmp/eval03.csv
    similar_cases_eval --folds 4 --csv /tmp/eval4.csv
    tests/eval/eval_tables.py /tmp/eval03.csv /tmp/eval4.csv

Prints, for the tuning folds (the first file) and the check fold (the
second): top-1 / top-3 per set and method (the mean over the folds), each
fold's difference to every baseline, the classifier inside rootCause's
model alone, the issue's bar (top-1 >= fastText alone + 2 and >= BM25
vote + 5, top-3 >= both; State Grid component: top-3 >= most frequent), and
the reliability of rootCause's first answer per decile of its probability.
"""
import csv
import sys
from collections import defaultdict

TITLES = {
    "excavator-major": "excavator, major system",
    "excavator-part": "excavator, part",
    "aviation-part": "aviation, part",
    "sgcc-component": "State Grid, 故障组件",
    "sgcc-cause": "State Grid, 形成原因细类 (cause)",
    "fmc": "FMC failure mode (component slot)",
    "fmc-cause": "FMC failure mode (cause slot, not guarded)",
}
METHODS = ["rootCause", "BM25 vote", "fastText alone", "most frequent"]
BASELINES = METHODS[1:]


def read(path):
    """(set, method) -> {fold: (n, top1, top3)}"""
    out = defaultdict(dict)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "accuracy":
                continue
            out[(row["set"], row["name"])][int(row["fold"])] = (
                int(row["n"]), float(row["top1"]), float(row["top3"]))
    return out


def mean(acc, s, m):
    folds = acc.get((s, m), {})
    if not folds:
        return None
    n = sum(v[0] for v in folds.values())
    k = len(folds)
    return n, 100 * sum(v[1] for v in folds.values()) / k, 100 * sum(v[2] for v in folds.values()) / k


def sets_of(acc):
    present = {s for s, _ in acc}
    return [s for s in TITLES if s in present]


def accuracy_table(acc, title):
    print(f"### {title}\n")
    print("| set | n | " + " | ".join(METHODS) + " |")
    print("| --- | ---: |" + " --- |" * len(METHODS))
    for s in sets_of(acc):
        cells = [mean(acc, s, m) for m in METHODS]
        best1 = max(c[1] for c in cells if c)
        best3 = max(c[2] for c in cells if c)
        out = []
        for c in cells:
            t1 = f"**{c[1]:.1f}**" if abs(c[1] - best1) < 0.05 else f"{c[1]:.1f}"
            t3 = f"**{c[2]:.1f}**" if abs(c[2] - best3) < 0.05 else f"{c[2]:.1f}"
            out.append(f"{t1} / {t3}")
        print(f"| {TITLES[s]} | {cells[0][0]:,} | " + " | ".join(out) + " |")
    print()


def per_fold_table(accs):
    print("### Per fold: rootCause minus each baseline, points (top-1 / top-3)\n")
    print("| set | fold | n | " + " | ".join("vs " + b for b in BASELINES) + " |")
    print("| --- | --- | ---: |" + " --- |" * len(BASELINES))
    for s in TITLES:
        for acc in accs:
            for fold, (n, r1, r3) in sorted(acc.get((s, "rootCause"), {}).items()):
                diffs = []
                for b in BASELINES:
                    _, b1, b3 = acc[(s, b)][fold]
                    diffs.append(f"{100 * (r1 - b1):+.1f} / {100 * (r3 - b3):+.1f}")
                print(f"| {s} | {fold} | {n} | " + " | ".join(diffs) + " |")
    print()


def classifier_table(tuning, check):
    print("### Our classifier alone (diagnostic), top-1 / top-3 (%)\n")
    print("| set | folds 0–3: our classifier | rootCause | fastText alone "
          "| fold 4: our classifier | rootCause | fastText alone |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for s in TITLES:
        row = []
        for acc in (tuning, check):
            for m in ("our classifier", "rootCause", "fastText alone"):
                c = mean(acc, s, m)
                row.append(f"{c[1]:.1f} / {c[2]:.1f}" if c else "")
        if row[0]:
            print(f"| {TITLES[s]} | " + " | ".join(row) + " |")
    print()


def bar_table(acc, title):
    print(f"### Against the issue's bar: {title}\n")
    print("| set | top-1 vs fastText (≥ +2) | top-1 vs BM25 (≥ +5) | top-3 vs both (≥ 0) | verdict |")
    print("| --- | --- | --- | --- | --- |")
    for s in sets_of(acc):
        r = mean(acc, s, "rootCause")
        ft = mean(acc, s, "fastText alone")
        bm = mean(acc, s, "BM25 vote")
        mf = mean(acc, s, "most frequent")
        d_ft, d_bm = r[1] - ft[1], r[1] - bm[1]
        d3 = (r[2] - ft[2], r[2] - bm[2])
        top3 = f"{d3[0]:+.1f} / {d3[1]:+.1f}"
        short = []
        if d_ft < 2:
            short.append("top-1 +2 over fastText")
        if d_bm < 5:
            short.append("top-1 +5 over BM25")
        if min(d3) < 0:
            short.append("top-3")
        if s == "sgcc-component":
            top3 += f"; vs most frequent {r[2] - mf[2]:+.1f}"
            if r[2] < mf[2]:
                short.append("top-3 vs most frequent")
        verdict = "meets it" if not short else "misses " + ", ".join(short)
        print(f"| {TITLES[s]} | {d_ft:+.1f} | {d_bm:+.1f} | {top3} | {verdict} |")
    print()


def read_calibration(path):
    """set -> (decile -> [n, sum predicted, sum right], word -> [n, sum right]), folds pooled"""
    deciles = defaultdict(lambda: defaultdict(lambda: [0, 0.0, 0.0]))
    words = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = int(row["n"])
            if row["kind"] == "decile":
                d = deciles[row["set"]][row["name"]]
                d[0] += n
                d[1] += n * float(row["mean_predicted"])
                d[2] += n * float(row["observed"])
            elif row["kind"] == "confidence":
                w = words[row["set"]][row["name"]]
                w[0] += n
                w[1] += n * float(row["observed"])
    return deciles, words


def calibration_table(path, title):
    deciles, words = read_calibration(path)
    bins = [f"{k / 10:.1f}-{(k + 1) / 10:.1f}" for k in range(10)]
    print(f"{title}\n")
    print("| set | " + " | ".join(bins) + " | confidence words |")
    print("| --- |" + " --- |" * (len(bins) + 1))
    for s in TITLES:
        if s not in deciles:
            continue
        cells = []
        for b in bins:
            n, p, r = deciles[s].get(b, [0, 0.0, 0.0])
            cells.append(f"{n} / {100 * p / n:.0f} / {100 * r / n:.0f}" if n else "")
        w = ", ".join(f"{k} {n} → {100 * r / n:.0f}" for k, (n, r) in sorted(words[s].items()) if n)
        print(f"| {s} | " + " | ".join(cells) + f" | {w} |")
    print()


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: eval_tables.py TUNING.csv CHECK.csv (similar_cases_eval --csv)")
    tuning, check = read(sys.argv[1]), read(sys.argv[2])
    accuracy_table(tuning, "Folds 0–3 (tuning): mean of the four folds, top-1 / top-3 (%)")
    accuracy_table(check, "Fold 4 (the untouched check)")
    per_fold_table([tuning, check])
    classifier_table(tuning, check)
    bar_table(tuning, "folds 0–3 (mean)")
    bar_table(check, "fold 4")
    print("### Calibration of rootCause's first answer\n")
    print("Each cell is n / mean predicted % / observed %; the confidence words: n → % right.\n")
    calibration_table(sys.argv[1], "Folds 0–3, pooled:")
    calibration_table(sys.argv[2], "Fold 4:")


if __name__ == "__main__":
    main()
