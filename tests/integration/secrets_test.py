"""Connector secrets never leave (issue 16 item 6), through the real CLI and
daemon against a REST server started here on loopback that echoes what it
was sent: the bearer token, the query's api_key and the Basic credential
curl builds from the URL's user:password@.

- three HTTP connectors, each URL with user:password@ and ?api_key=: one
  reads items (one of them quotes the token in a bad date: a dead letter),
  one is refused with a 401 whose body echoes the Authorization header and
  the query, one (no token_file) is refused echoing curl's Basic header;
- run through `faultgraph --data` and through faultgraphd, then no secret —
  as written, percent-encoded, base64 of user:password — may be in
  `connectors status`/`history` (tables and --json, local and --server),
  `dlq list`/`dlq show`, anything the CLI printed, the daemon's log, or any
  byte of any file under either data directory (the graph's column
  families are not compressed, so a stored value would be seen);
- with umask 022, a data directory made beforehand 0755 with a 0644 file in
  it ends 0700 with nothing under it open to group or others;
- --check-config names a token file open to others (with its mode) and a
  missing one, both in one report; the shipped example is valid once its
  secret files exist owner-only.

usage: secrets_test.py FAULTGRAPH_CLI FAULTGRAPHD SOURCE_DIR
"""

import base64
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")
SRC = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else ".")

TOKEN = "tok-Zq81-bearer-secret"
API_KEY = "key-Pw93-query-secret"
USER, PASSWORD = "svc", "pw-Xy77!userinfo-secret"  # '!' is percent-encoded in the URL
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
SECRETS = {TOKEN, API_KEY, PASSWORD, quote(PASSWORD, safe=""), BASIC,
           quote(TOKEN, safe=""), "Zq81-bearer", "Pw93-query", "Xy77"}

# The simulator's ticket mapping (the HTTP connector test's too).
MAPPING = os.path.join(SRC, "ops", "simulator", "mappings", "tickets.toml")

ITEMS = [
    {"ticket_no": "T1", "model": "AC-350", "opened_at": "2024-06-01 10:00",
     "symptom": "no cooling", "updated_at": "2024-06-01T10:00:00Z"},
    {"ticket_no": "T2", "model": "AC-350", "opened_at": "2024-06-02 10:00",
     "symptom": "noisy fan", "updated_at": "2024-06-02T10:00:00Z"},
    # A server that puts the caller's token where a date belongs: a dead
    # letter whose reason quotes it.
    {"ticket_no": "T3", "model": "AC-350", "opened_at": "Bearer " + TOKEN,
     "symptom": "E4", "updated_at": "2024-06-03T10:00:00Z"},
]


class Echo(BaseHTTPRequestHandler):
    """/ok: the items to a caller with the token and the key; anything else
    a 401 that echoes the request line, the query and the Authorization
    header (some servers do)."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        auth = self.headers.get("Authorization", "")
        if url.path == "/ok" and auth == "Bearer " + TOKEN and q.get("api_key") == [API_KEY]:
            code, body = 200, {"items": ITEMS}
        else:
            code, body = 401, {"error": "not allowed", "request": self.requestline,
                               "query": url.query, "you sent": "Authorization: " + auth,
                               "token": auth.split(" ")[-1]}
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def owner_only(path):
    """The entries under `path` (and itself) that group or others can use."""
    open_ = []
    for root, dirs, files in os.walk(path):
        for p in [root] + [os.path.join(root, n) for n in dirs + files]:
            st = os.lstat(p)
            if not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
                open_.append((os.path.relpath(p, path), oct(st.st_mode & 0o777)))
    return open_


def umask022():
    os.umask(0o022)


class Secrets(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_secrets_")
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.token = cls.secret_file("crm.token", TOKEN + "\n", 0o600)
        cls.config = cls.write_config("connectors.toml", "crm.token")
        cls.outputs = []  # (what, text) of everything printed

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        if not os.environ.get("FG_KEEP_TMP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def secret_file(cls, name, text, mode):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    @classmethod
    def write_config(cls, name, token_file):
        port = cls.server.server_address[1]
        base = f"http://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{port}"
        blocks = []
        for cname, path, token in (("api_ok", "/ok", True), ("api_denied", "/deny", True),
                                   ("api_basic", "/deny", False)):
            blocks.append(f'''[[connector]]
name = "{cname}"
type = "http"
mapping = "{MAPPING}"
error_budget = 1.0

[connector.http]
url = "{base}{path}?api_key={API_KEY}"
{f'token_file = "{token_file}"' if token else ""}
modified_field = "updated_at"
key_field = "ticket_no"
max_retries = 0
''')
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(blocks))
        return path

    def run_cli(self, *args, code=None, data=None, server=None):
        # Over --server: the admin token the daemon wrote on its first start.
        where = (["--server", server, "--token-file",
                  os.path.join(self.tmp, "daemon", "admin.token")]
                 if server else ["--data", data])
        r = subprocess.run([CLI, *where, *args], capture_output=True, text=True,
                           preexec_fn=umask022)
        self.outputs.append((" ".join(args), r.stdout + r.stderr))
        if code is not None:
            self.assertEqual(r.returncode, code, f"{args}: {r.stdout}{r.stderr}")
        return r.stdout

    def assert_no_secret(self, what, text):
        leaks = sorted(s for s in SECRETS if s in text)
        self.assertEqual(leaks, [], f"secrets in {what}: {text[:3000]}")

    def assert_no_secret_on_disk(self, data):
        leaks = []
        for root, _, files in os.walk(data):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    content = f.read()
                leaks += [(os.path.relpath(os.path.join(root, name), data), s)
                          for s in SECRETS if s.encode() in content]
        self.assertEqual(leaks, [])

    def assert_output_and_data_clean(self, data):
        """Nothing printed holds a secret, no byte of `data` does, and
        `data` is 0700 with nothing under it open to group or others."""
        for what, text in self.outputs:
            self.assert_no_secret(what, text)
        self.assert_no_secret_on_disk(data)
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o700)
        self.assertEqual(owner_only(data), [])

    def read_everything(self, **where):
        """Status, history and dead letters, as tables and JSON."""
        config = [] if "server" in where else ["--config", self.config]
        for verb in ("status", "history"):
            self.run_cli("connectors", verb, *config, code=0, **where)
            self.run_cli("--json", "connectors", verb, *config, code=0, **where)
        listed = json.loads(self.run_cli("--json", "dlq", "list", code=0, **where))
        self.run_cli("dlq", "list", code=0, **where)
        for d in listed:
            self.run_cli("--json", "dlq", "show", d["id"], code=0, **where)
        return listed

    def check_runs(self, history):
        by_name = {r["connector"]: r for r in history}
        self.assertEqual(by_name["api_ok"]["status"], "ok", by_name)
        self.assertEqual((by_name["api_ok"]["written"], by_name["api_ok"]["rejected"]), (2, 1))
        for name in ("api_denied", "api_basic"):
            self.assertEqual(by_name[name]["status"], "failed", by_name)
            # The server's answer is still shown, redacted.
            self.assertIn("HTTP 401", by_name[name]["error"])
            self.assertIn("not allowed", by_name[name]["error"])
            self.assertIn("***", by_name[name]["error"])
            self.assertIn("127.0.0.1", by_name[name]["error"])

    def test_1_cli_status_history_dead_letters_log_and_files(self):
        data = os.path.join(self.tmp, "cli")
        # Made by someone with umask 022, with a stray world-readable file.
        os.makedirs(data, mode=0o755)
        os.chmod(data, 0o755)
        stray = os.path.join(data, "notes.txt")
        with open(stray, "w") as f:
            f.write("x")
        os.chmod(stray, 0o644)
        self.run_cli("--json", "connectors", "run", "api_ok", "--config", self.config, code=0,
                     data=data)
        for name in ("api_denied", "api_basic"):
            self.run_cli("--json", "connectors", "run", name, "--config", self.config, code=1,
                         data=data)
        history = json.loads(self.run_cli("--json", "connectors", "history", "--config",
                                          self.config, code=0, data=data))
        self.check_runs(history)
        listed = self.read_everything(data=data)
        self.assertEqual(len(listed), 1, listed)
        self.assertIn("item T3", listed[0]["position"])
        self.assert_output_and_data_clean(data)

    def test_2_daemon_api_log_and_files(self):
        data = os.path.join(self.tmp, "daemon")
        log = os.path.join(self.tmp, "daemon.log")
        port_file = os.path.join(self.tmp, "port")
        with open(log, "w") as log_file:
            proc = subprocess.Popen([DAEMON, "--data", data, "--port", "0", "--port-file",
                                     port_file, "--connectors", self.config],
                                    stdout=subprocess.DEVNULL, stderr=log_file,
                                    preexec_fn=umask022)
            try:
                server = f"127.0.0.1:{wait_port_file(port_file, proc, log)}"
                for name in ("api_ok", "api_denied", "api_basic"):
                    self.run_cli("connectors", "run", name, code=0, server=server)
                for _ in range(600):
                    runs = json.loads(self.run_cli("--json", "connectors", "history",
                                                   server=server))
                    if len(runs) == 3 and all(r["status"] != "running" for r in runs):
                        break
                    time.sleep(0.05)
                self.check_runs(runs)
                self.assertEqual(len(self.read_everything(server=server)), 1)
            finally:
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=60), 0)
        with open(log) as f:
            text = f.read()
        self.assertIn("connector api_denied: failed", text)  # the log says what failed ...
        self.assert_no_secret("the daemon's log", text)  # ... without the secrets
        self.assert_output_and_data_clean(data)

    def test_3_check_config_refuses_exposed_and_missing_secret_files(self):
        self.secret_file("open.token", TOKEN, 0o644)
        config = self.write_config("exposed.toml", "open.token")
        with open(config) as f:
            lines = f.read().split("\n")
        # api_ok's token file is open to others, api_denied's is not there.
        at = [i for i, line in enumerate(lines) if line.startswith("token_file")]
        lines[at[1]] = 'token_file = "absent.token"'
        with open(config, "w") as f:
            f.write("\n".join(lines))
        r = subprocess.run([DAEMON, "--check-config", config], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        token, absent = (os.path.join(self.tmp, n) for n in ("open.token", "absent.token"))
        self.assertIn(f"exposed.toml:{at[0] + 1}: token_file of connector 'api_ok' {token} is "
                      f"open to group or others (mode 0644): chmod 600 {token}", r.stderr)
        self.assertIn(f"exposed.toml:{at[1] + 1}: token_file of connector 'api_denied' {absent} "
                      "does not exist", r.stderr)
        self.assertIn("2 problems", r.stderr)
        self.assert_no_secret("--check-config", r.stdout + r.stderr)
        # A run refuses the exposed file too, by name.
        out = self.run_cli("--json", "connectors", "run", "api_ok", "--config", config, code=1,
                           data=os.path.join(self.tmp, "exposed"))
        self.assertIn("is open to group or others (mode 0644)", json.loads(out)["error"])
        os.chmod(token, 0o600)
        self.secret_file("absent.token", TOKEN, 0o600)
        r = subprocess.run([DAEMON, "--check-config", config], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_4_example_file_needs_its_secret_files_owner_only(self):
        example = os.path.join(SRC, "ops", "config", "connectors.example.toml")
        r = subprocess.run([DAEMON, "--check-config", example], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        # Every missing file in one report, each with its line.
        for line, path in ((18, "/etc/faultgraph/crm.password"),
                           (33, "/etc/faultgraph/erp.password"),
                           (47, "/var/spool/faultgraph/calls"),
                           (60, "/etc/faultgraph/crm.token"),
                           (81, "/etc/faultgraph/mqtt.password")):
            self.assertIn(f"connectors.example.toml:{line}: ", r.stderr)
            self.assertIn(f"{path} does not exist", r.stderr)
        self.assertIn("5 problems", r.stderr)  # the drop folder too
        # The same file with its secrets in place, owner-only: valid.
        etc = os.path.join(self.tmp, "etc")
        os.makedirs(etc, exist_ok=True)
        for name in ("crm.password", "erp.password", "crm.token", "mqtt.password"):
            path = os.path.join(etc, name)
            with open(path, "w") as f:
                f.write("secret-" + name)
            os.chmod(path, 0o600)
        with open(example) as f:
            text = f.read()
        spool = os.path.join(self.tmp, "spool")
        os.makedirs(spool, exist_ok=True)
        text = text.replace("/etc/faultgraph/", etc + "/").replace(
            '"../simulator/', '"' + os.path.join(SRC, "ops", "simulator") + "/").replace(
            "/var/spool/faultgraph/calls", spool)
        copy = os.path.join(self.tmp, "example.toml")
        with open(copy, "w") as f:
            f.write(text)
        r = subprocess.run([DAEMON, "--check-config", copy], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("5 connectors, all valid", r.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
