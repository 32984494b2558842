"""What the connector integration tests share: the CLI, a simulated ERP
loaded into a data directory to copy, the graph digest, and the kill -9
loop."""

import csv
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
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

    def verify(self, data):
        """`verify --json`: the index against the graph."""
        r = self.fg(data, "--json", "verify", check=False)
        if r.returncode not in (0, 4):
            raise AssertionError(f"verify: exit {r.returncode}: {r.stderr}")
        return json.loads(r.stdout)

    def assert_index_complete(self, test, data):
        """Every case and fix is in the index as its current version, and
        the check after the last unclean shutdown had nothing to repair."""
        v = self.verify(data)
        test.assertTrue(v["clean"], v)
        test.assertLessEqual(v["foundAtOpen"], 0, f"found at open after a kill: {v}")
        return v

    def kill_until(self, data, config, name, kills_wanted, seed, max_delay):
        """Starts `connectors run NAME` and SIGKILLs it until it was killed
        `kills_wanted` times; returns the kills. Most kills follow progress,
        not the clock: after 1-3 committed batches (the run's --progress
        lines) and a few milliseconds more, so they land before, inside and
        after commits however fast the machine is, and the source lasts for
        all of them. Every fourth run is killed after a random delay up to
        `max_delay` s instead (in start-up, in the catch-up indexing, or
        while a source waits). Every other run indexes what it committed
        (catch-up and outbox trim), so kills land in indexing too."""
        rng = random.Random(seed)
        kills = 0
        for attempt in range(8 * kills_wanted):
            if kills >= kills_wanted:
                break
            index = ["--no-index"] if attempt % 2 == 0 else []
            by_clock = attempt % 4 == 3
            p = subprocess.Popen([self.cli, "--data", data, "connectors", "run", name, *index,
                                  "--progress", "--config", config],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL if by_clock else subprocess.PIPE,
                                 text=True)
            if by_clock:
                time.sleep(rng.uniform(0.05, max_delay))
            else:
                batches, seen = rng.randint(1, 3), 0
                for line in p.stderr:
                    seen += " committed: " in line
                    if seen >= batches:
                        break
                time.sleep(rng.uniform(0, 0.03))
            p.send_signal(signal.SIGKILL)
            if p.wait() == -signal.SIGKILL:
                kills += 1
            if p.stderr is not None:
                p.stderr.close()
        return kills


def wait_port_file(path, proc, log, timeout_s=30):
    """The port a starting faultgraphd writes to `path`; raises with the
    end of its `log` when it exits first or takes over `timeout_s`."""
    for _ in range(int(timeout_s / 0.05)):
        if os.path.exists(path):
            with open(path) as f:
                text = f.read().strip()
            if text:
                return int(text)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    with open(log) as f:
        raise RuntimeError("faultgraphd did not start: " + f.read()[-2000:])


def copy_dir(src, dst):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


class ConnectionFlood:
    """`idle` sockets that never send and `slow` slow-loris ones (a
    1,000-byte frame announced, one byte of it sent, then one more byte
    every 0.5 s) held against the server at 127.0.0.1:`port` until close()."""

    def __init__(self, port, idle, slow):
        self.idle = [socket.create_connection(("127.0.0.1", port), timeout=10)
                     for _ in range(idle)]
        self.slow = [socket.create_connection(("127.0.0.1", port), timeout=10)
                     for _ in range(slow)]
        for s in self.slow:
            s.sendall(struct.pack(">I", 1000) + b"\x80")
        self._stop = threading.Event()
        self._dripper = threading.Thread(target=self._trickle)
        self._dripper.start()

    def _trickle(self):
        while not self._stop.wait(0.5):
            for s in self.slow:
                try:
                    s.send(b"\x01")
                except OSError:
                    pass

    def all(self):
        return self.idle + self.slow

    def close(self):
        self._stop.set()
        self._dripper.join()
        for s in self.all():
            s.close()


def write_csv(path, header, rows):
    """Writes a UTF-8 CSV file of `header` and `rows`; returns its path."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
