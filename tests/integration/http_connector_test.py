"""The HTTP/JSON connector against a small REST server started here: pages
of tickets with a cursor, `modified_since` pulls, a bearer token from a
file, and injected trouble — 429s (Retry-After), 500s, slow pages, a page
slower than the timeout, truncated pages and malformed items.

- a clean run gets every item once; the malformed items go to the
  dead-letter store with the page, item and reason;
- killed with SIGKILL at random points at least 10 times and resumed, the
  graph equals the clean run's (digest);
- items modified after a pull are picked up and replace their old versions:
  the graph equals a fresh full load of the modified collection;
- a wrong token ends the run with the server's 401.

usage: http_connector_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import csv
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import Cli, copy_dir  # noqa: E402

T = Cli(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph",
        sys.argv[2] if len(sys.argv) > 2 else ".")
TOKEN = "s3cret-token"


class Api:
    """The collection and the trouble it makes, shared with the handler."""

    def __init__(self, items):
        self.lock = threading.Lock()
        self.items = items
        self.requests = 0
        self.faults = {"429": 0, "500": 0, "slow": 0, "timeout": 0, "truncated": 0}

    def page(self, since, cursor, limit):
        with self.lock:
            chosen = sorted((i for i in self.items if not isinstance(i, dict) or
                             i.get("updated_at", "") >= since),
                            key=lambda i: (i.get("updated_at", ""), i.get("ticket_no", ""))
                            if isinstance(i, dict) else ("", ""))
        start = int(cursor or 0)
        out = {"items": chosen[start:start + limit]}
        if start + limit < len(chosen):
            out["next"] = str(start + limit)
        return out


def make_handler(api):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send(self, code, body, headers=()):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on a slow page: what timeouts are for

        def do_GET(self):
            if self.headers.get("Authorization") != "Bearer " + TOKEN:
                return self.send(401, '{"error": "bad token"}')
            with api.lock:
                api.requests += 1
                n = api.requests
            q = parse_qs(urlparse(self.path).query)
            if n % 7 == 3:
                api.faults["429"] += 1
                return self.send(429, '{"error": "slow down"}', [("Retry-After", "0")])
            if n % 11 == 5:
                api.faults["500"] += 1
                return self.send(500, '{"error": "boom"}')
            if n % 13 == 8:
                api.faults["slow"] += 1
                time.sleep(0.3)
            if n % 29 == 14:
                api.faults["timeout"] += 1
                time.sleep(1.6)  # longer than the connector's timeout
            page = api.page(q.get("modified_since", [""])[0], q.get("cursor", [""])[0],
                            int(q.get("limit", ["50"])[0]))
            body = json.dumps(page, ensure_ascii=False)
            if n % 17 == 9:
                api.faults["truncated"] += 1
                body = body[:len(body) // 2]
            self.send(200, body)

    return Handler


def fg(data, *args, check=True):
    return T.fg(data, *args, check=check)


def run(data, config, check=True):
    return T.run(data, config, "crm_api", check=check)


def digest(data):
    return T.digest(data)


class HttpConnector(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_httptest_")
        sim, cls.erp = T.simulate(cls.tmp, 1200, 6)
        latest = {}
        with open(os.path.join(sim, "crm", "tickets.csv"), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                t = row["ticket_no"]
                if t not in latest or row["last_modified"] > latest[t]["last_modified"]:
                    latest[t] = row
        items = []
        for row in latest.values():
            # To the hour: many items share one modification time.
            t = datetime.strptime(row["last_modified"], "%Y-%m-%d %H:%M:%S")
            row["updated_at"] = t.strftime("%Y-%m-%dT%H:00:00Z")
            items.append(row)
        items += ["not an object",
                  {"model": "AC-350", "opened_at": "2024-06-01 10:00",
                   "updated_at": "2024-06-01T10:00:00Z"},
                  {"ticket_no": "BAD-DATE", "model": "AC-350", "opened_at": "yesterday",
                   "updated_at": "2024-06-01T10:00:00Z"},
                  {"ticket_no": "BAD-NUMBER", "model": "AC-350", "opened_at": "2024-06-01 10:00",
                   "labour_min": "lots", "updated_at": "2024-06-01T10:00:00Z"}]
        cls.good = len(latest)
        cls.bad = 4
        cls.api = Api(items)
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(cls.api))
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        token = os.path.join(cls.tmp, "crm.token")
        with open(token, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(token, 0o600)  # a token file open to others is refused
        cls.config = cls.write_config("connectors.toml", "crm.token")

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        if not os.environ.get("FG_KEEP_TMP"):  # set it to look at the data after a failure
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write_config(cls, name, token_file):
        path = os.path.join(cls.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'''[[connector]]
name = "crm_api"
type = "http"
mapping = "{os.path.join(T.mappings, "tickets.toml")}"
error_budget = 0.5

[connector.http]
url = "http://127.0.0.1:{cls.server.server_address[1]}/api/tickets"
token_file = "{token_file}"
modified_field = "updated_at"
key_field = "ticket_no"
page_size = 40
timeout_seconds = 1
max_retries = 8
''')
        return path

    def data_dir(self, name):
        return copy_dir(self.erp, os.path.join(self.tmp, name))

    def test_1_clean_kill9_resume_and_updates(self):
        clean = self.data_dir("clean")
        r = run(clean, self.config)
        self.assertEqual(r["status"], "ok", r)
        self.assertEqual(r["written"], self.good, r)
        self.assertEqual(r["rejected"], self.bad, r)
        for kind, n in self.api.faults.items():
            self.assertGreater(n, 0, f"no {kind} was injected: {self.api.faults}")
        dlq = json.loads(fg(clean, "--json", "dlq", "list", "--source", "crm_tickets").stdout)
        self.assertEqual(len(dlq), self.bad, dlq)
        reasons = " ".join(d["position"] + " " + d["reason"] for d in dlq)
        for word in ("not a JSON object", "BAD-DATE", "BAD-NUMBER", "/api/tickets item"):
            self.assertIn(word, reasons)
        again = run(clean, self.config)
        self.assertEqual(again["written"], 0, again)
        want = digest(clean)

        crashed = self.data_dir("crashed")
        kills = T.kill_until(crashed, self.config, "crm_api", 12, seed=5, max_delay=1.5)
        self.assertGreaterEqual(kills, 10)
        final = run(crashed, self.config)
        self.assertEqual(final["status"], "ok", final)
        self.assertEqual(digest(crashed), want)
        T.assert_index_complete(self, crashed)

        # Items modified at the source: picked up, the old versions retracted.
        later = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.api.lock:
            changed = [i for i in self.api.items if isinstance(i, dict)
                       and i.get("diagnosed_part")][:15]
            for i in changed:
                i["diagnosed_part"] = "FAN-MOTOR"
                i["updated_at"] = later
        upd = run(crashed, self.config)
        self.assertEqual(upd["written"], 15, upd)
        fresh = self.data_dir("fresh")
        self.assertEqual(run(fresh, self.config)["status"], "ok")
        self.assertEqual(digest(crashed), digest(fresh))

    def test_2_wrong_token_fails_with_the_servers_answer(self):
        with open(os.path.join(self.tmp, "wrong.token"), "w") as f:
            f.write("nope\n")
        os.chmod(os.path.join(self.tmp, "wrong.token"), 0o600)
        config = self.write_config("wrong.toml", "wrong.token")
        r = run(self.data_dir("wrong"), config, check=False)
        self.assertEqual(r["status"], "failed", r)
        self.assertIn("HTTP 401", r["error"])
        self.assertIn("check token_file", r["error"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
