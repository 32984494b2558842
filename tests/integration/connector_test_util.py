"""What the connector integration tests share: the CLI, a simulated ERP
loaded into a data directory to copy, the graph digest, and the kill -9
loop."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

ERP = [("products", "erp/products.csv"), ("components", "erp/components.csv"),
       ("bom", "erp/bom.csv"), ("shipments", "erp/shipments.csv"), ("fixes", "crm/fixes.csv")]


class Cli:
    def __init__(self, cli, src):
        self.cli, self.src = os.path.abspath(cli), os.path.abspath(src)
        self.mappings = os.path.join(self.src, "ops", "simulator", "mappings")

    def fg(self, data, *args, check=True):
        r = subprocess.run([self.cli, "--data", data, *args], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
        return r

    def run(self, data, config, name, *extra, check=True):
        """`connectors run NAME` once; its run record."""
        r = self.fg(data, "--json", "connectors", "run", name, "--no-index", "--config", config,
                    *extra, check=check)
        return json.loads(r.stdout) if r.stdout.strip() else None

    def digest(self, data):
        return self.fg(data, "digest").stdout.strip()

    def simulate(self, tmp, cases, seed):
        """Simulated exports in tmp/sim and their ERP part loaded into
        tmp/erp (copy it per data directory: cases are enriched from it)."""
        sim, erp = os.path.join(tmp, "sim"), os.path.join(tmp, "erp")
        subprocess.run([sys.executable, os.path.join(self.src, "ops/simulator/fgsim.py"), "--out",
                        sim, "--cases", str(cases), "--seed", str(seed), "--malformed-rate", "0"],
                       check=True, capture_output=True)
        for mapping, rel in ERP:
            self.fg(erp, "ingest", "--no-index", "--mapping",
                    os.path.join(self.mappings, mapping + ".toml"), os.path.join(sim, rel))
        return sim, erp

    def kill_until(self, data, config, name, kills_wanted, seed, max_delay):
        """Starts `connectors run NAME` and SIGKILLs it after a random delay
        until it was killed `kills_wanted` times; returns the kills."""
        rng = random.Random(seed)
        kills = 0
        for _ in range(8 * kills_wanted):
            if kills >= kills_wanted:
                break
            p = subprocess.Popen([self.cli, "--data", data, "connectors", "run", name,
                                  "--no-index", "--config", config],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, max_delay))
            p.send_signal(signal.SIGKILL)
            if p.wait() == -signal.SIGKILL:
                kills += 1
        return kills


def copy_dir(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst
