"""mqtt_source_bench: MQTT broker -> graph, alarms per second.

    python3 tests/bench/mqtt_source_bench.py build/api/faultgraph ALARMS.jsonl [--messages 100000]

Starts Debian's mosquitto on loopback, opens the connector's persistent
session (a first, empty run), publishes the first N lines of ALARMS.jsonl
(e.g. a simulator's iot/alarms.jsonl) with QoS 1 while no run is connected
(mosquitto_pub, 2,000 lines per connection: one connection with more is cut
off by this broker as "out of memory"), then times one `faultgraph
connectors run` that drains them: connect, receive, spool, map, commit. The
run ends after idle_ms (1 s) without a message; that wait is taken off.
"""

import argparse
import json
import os
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("alarms")
    ap.add_argument("--messages", type=int, default=100000)
    ap.add_argument("--perf", help="record the timed run with `perf record -a -g` into this file")
    a = ap.parse_args()
    cli = os.path.abspath(a.cli)
    mapping = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ops",
                           "simulator", "mappings", "alarms.toml")
    with tempfile.TemporaryDirectory(prefix="fg_mqttbench_") as tmp:
        port = free_port()
        conf = os.path.join(tmp, "m.conf")
        with open(conf, "w") as f:
            f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\n")
        broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            config = os.path.join(tmp, "c.toml")
            with open(config, "w") as f:
                f.write(f'''[[connector]]
name = "alarms"
type = "mqtt"
mapping = "{os.path.abspath(mapping)}"
[connector.mqtt]
port = {port}
topics = ["plant/+/alarms"]
client_id = "bench"
idle_ms = 1000
''')
            data = os.path.join(tmp, "db")
            cmd = [cli, "--data", data, "--json", "connectors", "run", "alarms", "--no-index",
                   "--config", config]
            subprocess.run(cmd, check=True, capture_output=True)
            with open(a.alarms, encoding="utf-8") as f:
                lines = [l for _, l in zip(range(a.messages), f)]
            for i in range(0, len(lines), 2000):
                subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1",
                                "-t", "plant/bench/alarms", "-l"],
                               input="".join(lines[i:i + 2000]).encode(), check=True)
            t0 = time.monotonic()
            if a.perf:  # the whole machine: the broker works for the run too
                cmd = ["perf", "record", "-a", "-g", "-o", a.perf, "--"] + cmd
            r = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                          text=True).stdout)
            secs = time.monotonic() - t0 - 1.0
            print(f"{r['read']} of {len(lines)} messages in {secs:.2f} s = "
                  f"{r['read'] / secs:,.0f} alarms/s (written {r['written']}, rejected "
                  f"{r['rejected']}, commits {r['commitMs'] / 1000:.2f} s)")
        finally:
            broker.terminate()
            broker.wait()


if __name__ == "__main__":
    main()
