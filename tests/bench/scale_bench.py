#!/usr/bin/env python3
"""How faultgraph grows with its history (issue 18): for each size, generate
the simulator's exports, load them through the CLI in the demo's order,
start faultgraphd and measure search and rootCause latency from a Thrift
client; then print one Markdown table with the growth against the first
size.

  scale_bench.py [--sizes 200000,1000000] [--work DIR] [--queries 2000]
                 [--warmup 200] [--train] [--keep] [--seed 1] [--pure-python]
                 [--cli build/api/faultgraph] [--daemon build/api/faultgraphd]
                 [--gen-py build/api/gen-py]

Per size: the simulator's time and peak RSS; the tickets file's ingest
(graph and search index, whole CLI process: rows per second and peak RSS);
`reindex` in documents per second; then --queries calls of each kind after
--warmup others, one Python client on one framed binary connection (python3-thrift's C
codec; --pure-python for the pure-Python one), as an integration would
make them:
  - searchFixes: 2-3 words of a ticket's symptom text (limit 10, with
    snippets and facets, all words first as the service does);
  - rootCause: a ticket's model, symptom text and fault codes (top 3).
With --train the models are trained first (the rootCause figures are then
with models; training takes minutes per million cases).
The work folder (default: a scratch folder, removed unless --keep) needs
about 6 GB per million cases; the simulator holds its fleet in memory
(about 4 GB per million tickets).
"""

import argparse
import csv
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from connector_test_util import wait_port_file  # noqa: E402
LOAD_ORDER = [("products", "erp/products.csv"), ("components", "erp/components.csv"),
              ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"),
              ("fixes", "crm/fixes.csv"), ("tickets", "crm/tickets.csv")]


def run_measured(cmd, what):
    """Runs `cmd`; returns (seconds, peak RSS in MB, stdout). Exits on failure
    (rc 3, rows sent to the dead-letter store, is not a failure)."""
    t0 = time.perf_counter()
    p = MeasuredPopen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    elapsed = time.perf_counter() - t0
    rss = p.rusage.ru_maxrss / 1024.0 if p.rusage is not None else 0.0
    if p.returncode not in (0, 3):
        sys.exit(f"scale_bench: {what} failed (rc {p.returncode}): {err.strip()[-2000:]}")
    return elapsed, rss, out


class MeasuredPopen(subprocess.Popen):
    """Popen that keeps the child's own rusage (os.wait4), so that each
    step's peak RSS is its own, not the largest child's so far."""

    rusage = None

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            pid, sts, ru = self.pid, 0, None
        if pid == self.pid and ru is not None:
            self.rusage = ru
        return (pid, sts)



def percentile(sorted_ms, p):
    i = min(len(sorted_ms) - 1, max(0, int(round(p / 100.0 * len(sorted_ms))) - 1))
    return sorted_ms[i]


def read_queries(path, limit, seed):
    """(model, symptom, codes, words) of tickets with a symptom."""
    rng = random.Random(seed)
    out = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            text = (row.get("symptom") or "").strip()
            if not text:
                continue
            parts = [w for w in re.split(r"[\s,，。；;、.!?！？]+", text) if w]
            if len(parts) < 2:
                parts = parts + [w for w in re.split(r"[\s,，。；;、]+",
                                                     row.get("agent_notes") or "") if w]
            words = " ".join(parts[:rng.choice([2, 3])]) or text
            codes = [c for c in (row.get("fault_codes") or "").split(";") if c]
            out.append((row.get("model", ""), text, codes, words))
            if len(out) >= limit:
                break
    if not out:
        sys.exit(f"scale_bench: no ticket with a symptom in {path}")
    return out


def measure_size(a, n, work, api):
    sim, data = os.path.join(work, f"sim{n}"), os.path.join(work, f"db{n}")
    row = {"cases": n}
    print(f"== {n:,} cases: simulating ...", flush=True)
    secs, rss, _ = run_measured([sys.executable, os.path.join(ROOT, "ops", "simulator", "fgsim.py"),
                                 "--out", sim, "--cases", str(n), "--seed", str(a.seed)],
                                "the simulator")
    row["sim_s"], row["sim_rss"] = secs, rss
    maps = os.path.join(ROOT, "ops", "simulator", "mappings")
    for mapping, rel in LOAD_ORDER:
        print(f"   loading {rel} ...", flush=True)
        secs, rss, _ = run_measured([a.cli, "--data", data, "ingest", "--mapping",
                                     os.path.join(maps, mapping + ".toml"),
                                     os.path.join(sim, rel)], f"ingest {rel}")
        if mapping == "tickets":
            with open(os.path.join(sim, rel), "rb") as f:
                rows = sum(1 for _ in f) - 1
            row["ingest_rows"], row["ingest_s"], row["ingest_rss"] = rows, secs, rss
    print("   reindex ...", flush=True)
    secs, _, out = run_measured([a.cli, "--data", data, "--json", "reindex"], "reindex")
    docs = int(re.search(r'"indexed":\s*(\d+)', out).group(1)) if '"indexed"' in out else 0
    row["reindex_docs_s"] = docs / secs if secs > 0 else 0
    if a.train:
        print("   training ...", flush=True)
        row["train_s"], _, _ = run_measured([a.cli, "--data", data, "train"], "train")
    queries = read_queries(os.path.join(sim, "crm", "tickets.csv"), a.queries + a.warmup, a.seed)
    row.update(measure_latency(a, data, work, queries, api))
    if not a.keep:
        shutil.rmtree(sim, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    return row


def measure_latency(a, data, work, queries, api):
    FaultGraph, RootCauseRequest, SearchFilters, TBinaryProtocol, TSocket, TTransport = api
    port_file, log = os.path.join(work, "port"), os.path.join(work, "daemon.log")
    if os.path.exists(port_file):
        os.remove(port_file)
    with open(log, "w") as out:
        proc = subprocess.Popen([a.daemon, "--data", data, "--port", "0", "--port-file", port_file,
                                 "--retrain-interval", "0", "--rate-limit", "0"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        try:
            port = wait_port_file(port_file, proc, log, timeout_s=300)  # a large store opens slowly
        except RuntimeError as e:
            sys.exit(f"scale_bench: {e}")
        transport = TTransport.TFramedTransport(TSocket.TSocket("127.0.0.1", port))
        # The C-accelerated binary protocol of Debian's python3-thrift: the
        # figures are the server's and the wire's, not pure-Python decoding
        # (which adds about a millisecond for a page of hits with facets).
        protocol = (TBinaryProtocol.TBinaryProtocolAccelerated if a.accelerated
                    else TBinaryProtocol.TBinaryProtocol)
        client = FaultGraph.Client(protocol(transport))
        transport.open()
        with open(os.path.join(data, "admin.token")) as f:
            client.authenticate(f.read().strip())

        def timed(call):
            lat = []
            for i, q in enumerate(queries):
                t0 = time.perf_counter()
                call(q)
                if i >= a.warmup:
                    lat.append((time.perf_counter() - t0) * 1000.0)
            return sorted(lat)

        search = timed(lambda q: client.searchFixes(q[3], SearchFilters(), 0, 10))
        root = timed(lambda q: client.rootCause(
            RootCauseRequest(product=q[0], text=q[1], faultCodes=q[2], topK=3)))
        transport.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
    out = {}
    for name, lat in [("search", search), ("root", root)]:
        for p in (50, 95, 99):
            out[f"{name}_p{p}"] = percentile(lat, p)
    return out


def table(rows):
    first = rows[0]
    head = ("| cases | tickets ingest rows/s (graph + index) | ingest peak RSS | reindex docs/s "
            "| search p50 / p95 / p99 | rootCause p50 / p95 / p99 | simulator s / peak RSS |")
    lines = [head, "| " + " | ".join(["---"] * 7) + " |"]
    for r in rows:
        grow = "" if r is first else (
            f" (p99 ×{r['search_p99'] / max(first['search_p99'], 1e-9):.2f})")
        grow_rc = "" if r is first else (
            f" (p99 ×{r['root_p99'] / max(first['root_p99'], 1e-9):.2f})")
        lines.append(
            f"| {r['cases']:,} | {r['ingest_rows'] / r['ingest_s']:,.0f} "
            f"| {r['ingest_rss']:,.0f} MB | {r['reindex_docs_s']:,.0f} "
            f"| {r['search_p50']:.2f} / {r['search_p95']:.2f} / {r['search_p99']:.2f} ms{grow} "
            f"| {r['root_p50']:.2f} / {r['root_p95']:.2f} / {r['root_p99']:.2f} ms{grow_rc} "
            f"| {r['sim_s']:.0f} s / {r['sim_rss']:,.0f} MB |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="200000,1000000", help="comma-separated case counts")
    ap.add_argument("--work", help="work folder (default: a scratch folder)")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train", action="store_true", help="train the models before measuring")
    ap.add_argument("--keep", action="store_true", help="keep the generated data and stores")
    ap.add_argument("--pure-python", dest="accelerated", action="store_false",
                    help="decode answers in pure Python instead of python3-thrift's C codec")
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "api", "faultgraph"))
    ap.add_argument("--daemon", default=os.path.join(ROOT, "build", "api", "faultgraphd"))
    ap.add_argument("--gen-py", default=os.path.join(ROOT, "build", "api", "gen-py"))
    a = ap.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error(f"--sizes must be comma-separated whole numbers, not {a.sizes!r}")
    if not sizes or min(sizes) < 1000:
        ap.error("--sizes needs at least one size, each at least 1000")
    if a.queries < 1 or a.warmup < 0:
        ap.error("--queries must be at least 1 and --warmup at least 0")
    for tool in (a.cli, a.daemon):
        if not os.access(tool, os.X_OK):
            sys.exit(f"scale_bench: {tool} is not built (cmake --build build)")
    sys.path.insert(0, a.gen_py)
    try:
        from thrift.protocol import TBinaryProtocol
        from thrift.transport import TSocket, TTransport

        from faultgraph_api import FaultGraph
        from faultgraph_api.ttypes import RootCauseRequest, SearchFilters
    except ImportError as e:
        sys.exit(f"scale_bench: {e} (needs python3-thrift and the bindings in {a.gen_py})")
    api = (FaultGraph, RootCauseRequest, SearchFilters, TBinaryProtocol, TSocket, TTransport)
    work = a.work or tempfile.mkdtemp(prefix="fg_scale_")
    os.makedirs(work, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            rows.append(measure_size(a, n, work, api))
            print(table(rows), flush=True)
    finally:
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{len(sizes)} sizes, {a.queries} calls of each kind per size after {a.warmup} "
          f"warm-up calls; models {'trained' if a.train else 'not trained'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
