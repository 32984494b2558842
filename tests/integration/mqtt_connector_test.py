"""The MQTT connector against a real broker (Debian's mosquitto, started here
on loopback): alarms published while no run is connected are kept by the
broker for the connector's persistent session and read by the next run;
killed with SIGKILL at random points at least 10 times and resumed, the
graph equals a clean run's (digest); malformed messages go to the dead-letter
store with the topic and reason.

usage: mqtt_connector_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import Cli  # noqa: E402

T = Cli(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph",
        sys.argv[2] if len(sys.argv) > 2 else ".")
BAD = ["not json at all", '{"id": "AL-BAD-1", "ts": 1700000000000, "alarm": "X"}',
       '{"id": "AL-BAD-2", "unit": {"serial": "AC1"}, "ts": "yesterday", "alarm": "X"}']


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MqttConnector(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_mqtttest_")
        cls.port = free_port()
        conf = os.path.join(cls.tmp, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(f"listener {cls.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    "max_queued_messages 0\nmax_inflight_messages 100\n")
        cls.broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        sim = os.path.join(cls.tmp, "sim")
        subprocess.run([sys.executable, os.path.join(T.src, "ops/simulator/fgsim.py"), "--out",
                        sim, "--cases", "4000", "--seed", "8", "--malformed-rate", "0"],
                       check=True, capture_output=True)
        cls.messages = os.path.join(cls.tmp, "messages.jsonl")
        with open(os.path.join(sim, "iot", "alarms.jsonl"), encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip()]
        cls.good = len(lines)
        with open(cls.messages, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[:100] + BAD + lines[100:]) + "\n")

    @classmethod
    def tearDownClass(cls):
        cls.broker.terminate()
        cls.broker.wait(timeout=10)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def config(self, client):
        path = os.path.join(self.tmp, client + ".toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'''[[connector]]
name = "alarms"
type = "mqtt"
mapping = "{os.path.join(T.mappings, "alarms.toml")}"
error_budget = 0.5

[connector.mqtt]
host = "127.0.0.1"
port = {self.port}
topics = ["plant/+/alarms"]
client_id = "{client}"
batch_size = 200
idle_ms = 1500
''')
        return path

    def publish(self):
        with open(self.messages, "rb") as f:
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-q", "1",
                            "-t", "plant/p7/alarms", "-l"], stdin=f, check=True)

    def test_persistent_session_kill9_and_bad_messages(self):
        clean, crashed = os.path.join(self.tmp, "clean"), os.path.join(self.tmp, "crashed")
        cc, kc = self.config("fg-clean"), self.config("fg-crash")
        # First runs open the persistent sessions; nothing is there yet.
        for data, config in ((clean, cc), (crashed, kc)):
            r = T.run(data, config, "alarms")
            self.assertEqual((r["status"], r["read"]), ("ok", 0), r)
        self.publish()  # while no run is connected: the broker keeps them

        r = T.run(clean, cc, "alarms")
        self.assertEqual(r["status"], "ok", r)
        self.assertEqual(r["read"], self.good + len(BAD), r)
        self.assertEqual(r["rejected"], len(BAD), r)
        self.assertEqual(T.run(clean, cc, "alarms")["read"], 0)
        dlq = json.loads(T.fg(clean, "--json", "dlq", "list").stdout)
        self.assertEqual(len(dlq), len(BAD), dlq)
        self.assertTrue(all("topic plant/p7/alarms" in d["position"] for d in dlq), dlq)
        want = T.digest(clean)

        kills = T.kill_until(crashed, kc, "alarms", 12, seed=3, max_delay=1.2)
        self.assertGreaterEqual(kills, 10)
        final = T.run(crashed, kc, "alarms")
        self.assertEqual(final["status"], "ok", final)
        self.assertEqual(T.digest(crashed), want)
        T.assert_index_complete(self, crashed)

    def test_unreachable_broker_fails_the_run(self):
        path = self.config("fg-nowhere")
        with open(path, encoding="utf-8") as f:
            text = f.read().replace(f"port = {self.port}", f"port = {free_port()}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        r = T.run(os.path.join(self.tmp, "nowhere"), path, "alarms", check=False)
        self.assertEqual(r["status"], "failed", r)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
