"""pg_source_bench: PostgreSQL source -> graph, rows per second.

    python3 tests/bench/pg_source_bench.py build/api/faultgraph . [--cases 200000] [--page 5000]

Starts a private PostgreSQL cluster (tests/integration/pg_cluster.py), fills
two tables from the simulator: `shipments` (ERP installed base -> assets) and
`tickets` (CRM -> cases, one row per ticket), then times
`faultgraph connectors run` for each into a fresh data directory (search
indexing left out: --no-index; it is measured by search_bench). Prints rows/s
and the run records.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from pg_cluster import PgCluster  # noqa: E402

TICKETS = ["ticket_no", "serial", "model", "opened_at", "closed_at", "channel", "symptom",
           "agent_notes", "fault_codes", "diagnosed_part", "failure_cause", "fix_code",
           "parts_replaced", "labour_min", "cost", "csat", "status", "last_modified"]
SHIPMENTS = ["serial", "model", "ship_date", "install_date", "customer", "region"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("src")
    ap.add_argument("--cases", type=int, default=200000)
    ap.add_argument("--page", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=1, help="CRM loads, each into a fresh copy")
    ap.add_argument("--compare", help="another faultgraph CLI, run in turn with the first")
    ap.add_argument("--sim", help="simulator output to use (made there when missing)")
    ap.add_argument("--perf", help="record the CRM run with `perf record -g` into this file")
    a = ap.parse_args()
    cli, src = os.path.abspath(a.cli), os.path.abspath(a.src)
    maps = os.path.join(src, "ops", "simulator", "mappings")
    with tempfile.TemporaryDirectory(prefix="fg_pgbench_") as tmp, PgCluster() as pg:
        sim = os.path.abspath(a.sim) if a.sim else os.path.join(tmp, "sim")
        if not os.path.exists(os.path.join(sim, "crm/tickets.csv")):
            subprocess.run([sys.executable, os.path.join(src, "ops/simulator/fgsim.py"), "--out", sim,
                            "--cases", str(a.cases), "--seed", "3", "--malformed-rate", "0"],
                           check=True, capture_output=True)
        pg.sql("CREATE TABLE shipments (" + ", ".join(f"{c} text" for c in SHIPMENTS) +
               ", updated_at timestamptz DEFAULT now())")
        pg.copy_in("shipments", os.path.join(sim, "erp/shipments.csv"), SHIPMENTS)
        pg.sql("CREATE TABLE staging (" + ", ".join(f"{c} text" for c in TICKETS) + ")")
        pg.copy_in("staging", os.path.join(sim, "crm/tickets.csv"), TICKETS)
        pg.sql("CREATE TABLE tickets AS SELECT DISTINCT ON (ticket_no) *, "
               "last_modified::timestamp AT TIME ZONE 'UTC' AS updated_at FROM staging "
               "ORDER BY ticket_no, last_modified DESC; ALTER TABLE tickets ADD PRIMARY KEY "
               "(ticket_no); CREATE INDEX ON tickets (updated_at, ticket_no); "
               "CREATE INDEX ON shipments (updated_at, serial); ANALYZE")
        config = os.path.join(tmp, "connectors.toml")
        with open(config, "w", encoding="utf-8") as f:
            for name, mapping, table, key in [("erp_pg", "shipments", "shipments", "serial"),
                                              ("crm_pg", "tickets", "tickets", "ticket_no")]:
                f.write(f'''[[connector]]
name = "{name}"
type = "postgres"
mapping = "{os.path.join(maps, mapping + ".toml")}"
[connector.postgres]
conninfo = "{pg.conninfo}"
table = "{table}"
cursor_column = "updated_at"
key_column = "{key}"
page_size = {a.page}

''')
        data = os.path.join(tmp, "db")
        for rel, mapping in [("erp/products.csv", "products"),
                             ("erp/components.csv", "components"), ("erp/bom.csv", "bom"),
                             ("crm/fixes.csv", "fixes")]:
            subprocess.run([cli, "--data", data, "ingest", "--no-index", "--mapping",
                            os.path.join(maps, mapping + ".toml"), os.path.join(sim, rel)],
                           check=True, capture_output=True)
        def run(name, data_dir, perf=None, program=cli):
            t0 = time.monotonic()
            prefix = ["perf", "record", "-g", "-o", perf] if perf else []
            r = subprocess.run(prefix + [program, "--data", data_dir, "--json", "connectors", "run",
                                         name, "--no-index", "--config", config], check=True,
                               capture_output=True, text=True)
            secs = time.monotonic() - t0
            rec = json.loads(r.stdout)
            run_s = (rec["endedMs"] - rec["startedMs"]) / 1000
            print(f"{name}: {rec['read']} rows in {secs:.2f} s = {rec['read'] / secs:,.0f} rows/s "
                  f"with process start and close; the run itself {run_s:.2f} s = "
                  f"{rec['read'] / run_s:,.0f} rows/s "
                  f"(written {rec['written']}, rejected {rec['rejected']}, {rec['batches']} "
                  f"batches, commits {rec['commitMs'] / 1000:.2f} s)", flush=True)
            return rec["read"] / secs, rec["read"] / run_s

        run("erp_pg", data)
        # The tickets into copies of the store with the installed base, so
        # that every run starts from the same state.
        programs = [cli] + ([os.path.abspath(a.compare)] if a.compare else [])
        rates = {p: [] for p in programs}
        for i in range(a.runs):
            for p in programs:  # interleaved, so that a slow minute hits both
                copy = os.path.join(tmp, "db_copy")
                shutil.copytree(data, copy)
                if len(programs) > 1:
                    print(p, end=": ")
                rates[p].append(run("crm_pg", copy, a.perf if i == 0 else None, p))
                shutil.rmtree(copy)
        if a.runs > 1:
            for p in programs:
                for k, what in [(0, "with process start and close"), (1, "the run itself")]:
                    xs = sorted(r[k] for r in rates[p])
                    print(f"{p}: crm_pg over {a.runs} runs, {what}: median "
                          f"{statistics.median(xs):,.0f} rows/s, {xs[0]:,.0f}-{xs[-1]:,.0f}")


if __name__ == "__main__":
    main()
