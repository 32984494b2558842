#!/usr/bin/env python3
"""rootCause latency of a normal client while faultgraphd holds a flood of
1,000 idle and 200 slow-loris connections, against the same client's figure
on the quiet daemon (issue 16: p99 within 2x of quiet, threads bounded).

  flood_latency_bench.py [--cli build/api/faultgraph] [--daemon build/api/faultgraphd]
                         [--data DIR] [--tickets CSV] [--queries 2000]
                         [--idle 1000] [--slow 200] [--gen-py build/api/gen-py]

--data: an existing data directory (e.g. one loaded from the simulator and
trained, as root_cause_bench leaves it); the daemon signs the client in with
DIR/admin.token. Without --data, ops/sample is loaded into a scratch folder
through the CLI in the demo's order and the models are trained.
--tickets: the CSV whose (model, symptom, fault_codes) rows are the queries
(default: DIR's simulator tickets if given by --tickets, else
ops/sample/crm/tickets.csv).

The client is one Python Thrift connection (framed, binary), as an
integration would use; each figure is over --queries calls after 200
warm-up calls, the queries cycled in the same order in both phases. The
flood is held for the whole second phase: idle sockets that never send, and
slow ones that announce a 1,000-byte frame and send one byte of it every
0.5 s. Prints p50/p90/p99/max for both phases, the ratio of the p99s, the
daemon's threads and open descriptors; exits 1 when the flood's p99 is over
2x the quiet one, the flood was not held, or the thread count grew.
"""

import argparse
import csv
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from connector_test_util import ConnectionFlood, wait_port_file  # noqa: E402


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def percentile(sorted_ms, p):
    i = min(len(sorted_ms) - 1, max(0, int(round(p / 100.0 * len(sorted_ms))) - 1))
    return sorted_ms[i]


def load_sample(cli, data):
    """ops/sample into `data` in the demo's order, then the models."""
    s, m = os.path.join(ROOT, "ops", "sample"), os.path.join(ROOT, "ops", "simulator", "mappings")
    for mapping, path in [("products", "erp/products.csv"), ("components", "erp/components.csv"),
                          ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"),
                          ("fixes", "crm/fixes.csv"), ("tickets", "crm/tickets.csv")]:
        r = subprocess.run([cli, "--data", data, "ingest", "--mapping",
                            os.path.join(m, mapping + ".toml"), os.path.join(s, path)],
                           capture_output=True, text=True)
        if r.returncode not in (0, 3):  # 3: some rows went to the dead-letter store
            sys.exit(f"flood_latency_bench: ingest {path} failed: {r.stderr}")
    r = subprocess.run([cli, "--data", data, "train"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"flood_latency_bench: train failed: {r.stderr}")


def read_queries(path, limit):
    out = []
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("symptom"):
                codes = [c for c in row.get("fault_codes", "").split(";") if c]
                out.append((row.get("model", ""), row["symptom"], codes))
            if len(out) >= limit:
                break
    if not out:
        sys.exit(f"flood_latency_bench: no queries in {path}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "api", "faultgraph"))
    ap.add_argument("--daemon", default=os.path.join(ROOT, "build", "api", "faultgraphd"))
    ap.add_argument("--data", help="existing data directory (default: ops/sample, scratch)")
    ap.add_argument("--tickets", default=os.path.join(ROOT, "ops", "sample", "crm", "tickets.csv"))
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--gen-py", default=os.path.join(ROOT, "build", "api", "gen-py"))
    a = ap.parse_args()
    if a.queries < 1 or a.idle < 0 or a.slow < 0:
        ap.error("--queries must be at least 1, --idle and --slow at least 0")
    sys.path.insert(0, a.gen_py)
    try:
        from thrift.protocol import TBinaryProtocol
        from thrift.transport import TSocket, TTransport

        from faultgraph_api import FaultGraph
        from faultgraph_api.ttypes import RootCauseRequest
    except ImportError as e:
        sys.exit(f"flood_latency_bench: {e} (needs python3-thrift and the bindings in {a.gen_py})")

    want = a.idle + a.slow + 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        sys.exit(f"flood_latency_bench: needs {want} open files (ulimit -n)")

    tmp = tempfile.mkdtemp(prefix="fg_flood_")
    data = a.data
    if not data:
        data = os.path.join(tmp, "db")
        print("loading ops/sample and training ...", flush=True)
        load_sample(a.cli, data)
    queries = read_queries(a.tickets, a.queries)

    port_file, log = os.path.join(tmp, "port"), os.path.join(tmp, "daemon.log")
    with open(log, "w") as out:
        proc = subprocess.Popen([a.daemon, "--data", data, "--port", "0", "--port-file", port_file,
                                 "--max-connections", str(a.idle + a.slow + 64),
                                 "--idle-timeout", "3600", "--retrain-interval", "0",
                                 "--rate-limit", "0"],
                                stdout=out, stderr=subprocess.STDOUT)
    flood = None
    try:
        try:
            port = wait_port_file(port_file, proc, log, timeout_s=60)
        except RuntimeError as e:
            sys.exit(f"flood_latency_bench: {e}")
        transport = TTransport.TFramedTransport(TSocket.TSocket("127.0.0.1", port))
        client = FaultGraph.Client(TBinaryProtocol.TBinaryProtocol(transport))
        transport.open()
        with open(os.path.join(data, "admin.token")) as f:
            client.authenticate(f.read().strip())

        def run(n):
            lat = []
            for i in range(n):
                product, text, codes = queries[i % len(queries)]
                req = RootCauseRequest(product=product, text=text, faultCodes=codes, topK=3)
                t0 = time.perf_counter()
                client.rootCause(req)
                lat.append((time.perf_counter() - t0) * 1000.0)
            return sorted(lat)

        run(200)
        threads_quiet = threads_of(proc.pid)
        quiet = run(a.queries)

        flood = ConnectionFlood(port, a.idle, a.slow)
        for _ in range(200):
            if open_fds(proc.pid) >= a.idle + a.slow:
                break
            time.sleep(0.05)
        fds_held = open_fds(proc.pid)
        run(200)
        flooded = run(a.queries)
        threads_flood = threads_of(proc.pid)
        fds_after = open_fds(proc.pid)
        transport.close()
    finally:
        if flood:
            flood.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    def row(name, lat):
        return (f"{name:<28} p50 {percentile(lat, 50):7.2f}  p90 {percentile(lat, 90):7.2f}  "
                f"p99 {percentile(lat, 99):7.2f}  max {lat[-1]:7.2f} ms")

    print(f"rootCause over Thrift, {a.queries} calls per phase, {len(queries)} distinct queries")
    print(row("quiet", quiet))
    print(row(f"{a.idle} idle + {a.slow} slow-loris", flooded))
    ratio = percentile(flooded, 99) / max(percentile(quiet, 99), 1e-9)
    print(f"p99 ratio flood/quiet {ratio:.2f} (bar: 2.00)")
    print(f"daemon threads: quiet {threads_quiet}, flood {threads_flood}; "
          f"descriptors: {fds_held} when the flood was opened, {fds_after} at its end")
    failed = []
    if ratio > 2.0:
        failed.append("p99 under the flood over 2x the quiet p99")
    if fds_after < a.idle + a.slow:
        failed.append("the flood was not held to the end")
    if threads_flood > threads_quiet + 1:
        failed.append("the thread count grew with the flood")
    for f in failed:
        print("FAILED: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
