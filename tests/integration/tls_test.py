"""TLS on faultgraphd's Thrift port and /metrics, against a real daemon,
with a test CA and certificates made here by the openssl CLI: the CLI with
the CA and a token is served; without the CA, with another CA, or in plain
TCP it is refused with a message saying what to check; client certificates
(mTLS) required; the minimum TLS version; SIGHUP reloads the certificate
(the daemon survives, new connections get the new one, a bad one is not
taken); key files must be owner-only; plain TCP on a non-loopback address
needs --insecure.

usage: tls_test.py FAULTGRAPH_CLI FAULTGRAPHD GEN_PY SOURCE_DIR
"""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")
GEN_PY = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else "build/api/gen-py")
SRC = os.path.abspath(sys.argv[4] if len(sys.argv) > 4 else ".")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(d, name, cn):
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2", "-subj", f"/CN={cn}",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    os.chmod(os.path.join(d, f"{name}.key"), 0o600)


def make_cert(d, name, cn, ca, ext):
    """A key and a certificate signed by `ca` with the extensions `ext`."""
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}", cwd=d)
    with open(os.path.join(d, f"{name}.ext"), "w") as f:
        f.write(ext)
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", "-extfile", f"{name}.ext",
            cwd=d)
    os.chmod(os.path.join(d, f"{name}.key"), 0o600)


SERVER_EXT = ("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
              "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
CLIENT_EXT = "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n"


class Daemon:
    def __init__(self, tmp, name, *flags):
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.log = os.path.join(self.dir, "log")
        self.data = os.path.join(self.dir, "db")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [DAEMON, "--data", self.data, "--port", "0",
                 "--port-file", os.path.join(self.dir, "port"), *flags],
                stdout=log, stderr=log)
        self.port = wait_port_file(os.path.join(self.dir, "port"), self.proc, self.log)
        self.token = os.path.join(self.data, "admin.token")

    def log_text(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_tls_")
        c = cls.certs = os.path.join(cls.tmp, "certs")
        os.makedirs(c)
        make_ca(c, "ca", "faultgraph test CA")
        make_ca(c, "other_ca", "some other CA")
        make_cert(c, "server", "faultgraph-server-1", "ca", SERVER_EXT)
        make_cert(c, "server2", "faultgraph-server-2", "ca", SERVER_EXT)
        make_cert(c, "client", "ann-laptop", "ca", CLIENT_EXT)
        make_cert(c, "rogue_client", "rogue", "other_ca", CLIENT_EXT)
        make_cert(c, "wrong_name", "elsewhere", "ca",
                  "basicConstraints=CA:FALSE\nsubjectAltName=DNS:other.example\n")
        # The files the daemon serves; SIGHUP re-reads them.
        shutil.copy(cls.cert("server.pem"), cls.cert("live.pem"))
        shutil.copy(cls.cert("server.key"), cls.cert("live.key"))
        os.chmod(cls.cert("live.key"), 0o600)
        cls.daemons = []

    @classmethod
    def tearDownClass(cls):
        for d in cls.daemons:
            d.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def cert(cls, name):
        return os.path.join(cls.certs, name)

    def start(self, name, *flags):
        d = Daemon(self.tmp, name, *flags)
        self.daemons.append(d)
        return d

    def fg(self, daemon, *args, host="127.0.0.1", env=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith("FAULTGRAPH_")}
        e.update(env or {})
        return subprocess.run(
            [CLI, "--server", f"{host}:{daemon.port}", "--token-file", daemon.token, *args,
             "status"], capture_output=True, text=True, timeout=60, env=e)

    def peer_cn(self, port, **ctx_args):
        ctx = ssl.create_default_context(cafile=self.cert("ca.pem"))
        for k, v in ctx_args.items():
            setattr(ctx, k, v)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                subject = dict(x[0] for x in t.getpeercert()["subject"])
                return subject["commonName"]

    # --- one daemon with TLS, no client certificates ---

    def test_tls_daemon(self):
        d = self.start("tls", "--tls-cert", self.cert("live.pem"), "--tls-key",
                       self.cert("live.key"), "--metrics-port", "0", "--metrics-port-file",
                       os.path.join(self.tmp, "metrics.port"))
        self.assertIn("with TLS (subject /CN=faultgraph-server-1", d.log_text())
        ok = self.fg(d, "--tls-ca", self.cert("ca.pem"))
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertTrue(ok.stdout.strip(), "status printed nothing")
        # The CA from the environment; the host by name (the DNS SAN).
        env = self.fg(d, host="localhost", env={"FAULTGRAPH_TLS_CA": self.cert("ca.pem")})
        self.assertEqual(env.returncode, 0, env.stderr)

        # A handshake that stalls (one byte of a ClientHello, then nothing)
        # holds no thread: other clients are served meanwhile.
        stalled = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        stalled.sendall(b"\x16")
        served = self.fg(d, "--tls-ca", self.cert("ca.pem"))
        self.assertEqual(served.returncode, 0, served.stderr)
        stalled.close()

        # Plain TCP against the TLS port: refused, with the hint.
        plain = self.fg(d)
        self.assertNotEqual(plain.returncode, 0)
        self.assertIn("--tls-ca", plain.stderr)
        # TLS trusting the system's CAs only, or another CA: the handshake fails.
        for args in (["--tls"], ["--tls-ca", self.cert("other_ca.pem")]):
            r = self.fg(d, *args)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn("TLS handshake with faultgraphd", r.stderr)
            self.assertIn("certificate verify failed", r.stderr)
        # A client key open to others is refused by name and mode.
        loose = self.cert("client_loose.key")
        shutil.copy(self.cert("client.key"), loose)
        os.chmod(loose, 0o644)
        r = self.fg(d, "--tls-ca", self.cert("ca.pem"), "--tls-cert", self.cert("client.pem"),
                    "--tls-key", loose)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(loose, r.stderr)
        self.assertIn("0644", r.stderr)

        # The Python feed client (ops/clients/feed_to_csv.py) with the CA.
        py = next((exe for exe in ["/usr/bin/python3", sys.executable] if subprocess.run(
            [exe, "-c", "import thrift"], capture_output=True).returncode == 0), None)
        if py is not None:
            feed = [py, os.path.join(SRC, "ops/clients/feed_to_csv.py"), "--server",
                    f"127.0.0.1:{d.port}", "--token-file", d.token, "--gen-py", GEN_PY,
                    "--cursor-file", os.path.join(self.tmp, "feed.cursor"),
                    "--out", os.path.join(self.tmp, "feed.csv")]
            r = subprocess.run(feed + ["--tls-ca", self.cert("ca.pem")], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run(feed + ["--tls-ca", self.cert("other_ca.pem")],
                               capture_output=True, text=True, timeout=60)
            self.assertNotEqual(r.returncode, 0)
            # Python's Thrift reports a failed handshake as a failed connect.
            self.assertTrue("CERTIFICATE_VERIFY_FAILED" in r.stderr or
                            "Could not connect" in r.stderr, r.stderr)
            self.assertNotIn("Traceback (most recent call last)", r.stdout)

        # /metrics over HTTPS with the same certificate; plain HTTP refused.
        mport = wait_port_file(os.path.join(self.tmp, "metrics.port"), d.proc, d.log)
        ctx = ssl.create_default_context(cafile=self.cert("ca.pem"))
        with urllib.request.urlopen(f"https://127.0.0.1:{mport}/metrics", context=ctx,
                                    timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertIn(b"faultgraph", resp.read())
        with self.assertRaises((urllib.error.URLError, ConnectionError, OSError)):
            urllib.request.urlopen(f"http://127.0.0.1:{mport}/healthz", timeout=10).read()

        # SIGHUP with a new certificate: the daemon lives, new connections
        # (Thrift and metrics) get the new one, the CLI still works.
        self.assertEqual(self.peer_cn(d.port), "faultgraph-server-1")
        shutil.copy(self.cert("server2.pem"), self.cert("live.pem"))
        shutil.copy(self.cert("server2.key"), self.cert("live.key"))
        d.proc.send_signal(signal.SIGHUP)
        self.wait_log(d, "faultgraph-server-2")
        self.assertIsNone(d.proc.poll(), "faultgraphd died on SIGHUP")
        self.assertEqual(self.peer_cn(d.port), "faultgraph-server-2")
        self.assertEqual(self.peer_cn(mport), "faultgraph-server-2")
        ok = self.fg(d, "--tls-ca", self.cert("ca.pem"))
        self.assertEqual(ok.returncode, 0, ok.stderr)

        # A reload that cannot work (the key of another certificate) keeps
        # the certificate in use.
        shutil.copy(self.cert("server.key"), self.cert("live.key"))
        d.proc.send_signal(signal.SIGHUP)
        self.wait_log(d, "kept the TLS certificate in use")
        self.assertIsNone(d.proc.poll())
        self.assertEqual(self.peer_cn(d.port), "faultgraph-server-2")
        shutil.copy(self.cert("server2.key"), self.cert("live.key"))

    def test_server_name_is_checked(self):
        d = self.start("wrong_name", "--tls-cert", self.cert("wrong_name.pem"), "--tls-key",
                       self.cert("wrong_name.key"))
        r = self.fg(d, "--tls-ca", self.cert("ca.pem"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("TLS handshake with faultgraphd", r.stderr)

    # --- client certificates required, TLS 1.3 only ---

    def test_mtls_required(self):
        d = self.start("mtls", "--tls-cert", self.cert("server.pem"), "--tls-key",
                       self.cert("server.key"), "--tls-ca", self.cert("ca.pem"),
                       "--tls-client-cert", "required", "--tls-min", "1.3")
        with_cert = self.fg(d, "--tls-ca", self.cert("ca.pem"), "--tls-cert",
                            self.cert("client.pem"), "--tls-key", self.cert("client.key"))
        self.assertEqual(with_cert.returncode, 0, with_cert.stderr)
        via_env = self.fg(d, env={"FAULTGRAPH_TLS_CA": self.cert("ca.pem"),
                                  "FAULTGRAPH_TLS_CERT": self.cert("client.pem"),
                                  "FAULTGRAPH_TLS_KEY": self.cert("client.key")})
        self.assertEqual(via_env.returncode, 0, via_env.stderr)
        without = self.fg(d, "--tls-ca", self.cert("ca.pem"))
        self.assertNotEqual(without.returncode, 0)
        self.assertIn("faultgraphd", without.stderr)
        rogue = self.fg(d, "--tls-ca", self.cert("ca.pem"), "--tls-cert",
                        self.cert("rogue_client.pem"), "--tls-key", self.cert("rogue_client.key"))
        self.assertNotEqual(rogue.returncode, 0)
        # TLS 1.2 is refused; 1.3 with the client certificate is served.
        ctx = ssl.create_default_context(cafile=self.cert("ca.pem"))
        ctx.load_cert_chain(self.cert("client.pem"), self.cert("client.key"))
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with socket.create_connection(("127.0.0.1", d.port), timeout=10) as s:
            with self.assertRaises(ssl.SSLError):
                ctx.wrap_socket(s, server_hostname="127.0.0.1")
        ctx = ssl.create_default_context(cafile=self.cert("ca.pem"))
        ctx.load_cert_chain(self.cert("client.pem"), self.cert("client.key"))
        with socket.create_connection(("127.0.0.1", d.port), timeout=10) as s:
            with ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                self.assertEqual(t.version(), "TLSv1.3")

    def test_mtls_optional(self):
        d = self.start("mtls_optional", "--tls-cert", self.cert("server.pem"), "--tls-key",
                       self.cert("server.key"), "--tls-ca", self.cert("ca.pem"),
                       "--tls-client-cert", "optional")
        ca = ["--tls-ca", self.cert("ca.pem")]
        self.assertEqual(self.fg(d, *ca).returncode, 0)
        self.assertEqual(self.fg(d, *ca, "--tls-cert", self.cert("client.pem"), "--tls-key",
                                 self.cert("client.key")).returncode, 0)
        rogue = self.fg(d, *ca, "--tls-cert", self.cert("rogue_client.pem"), "--tls-key",
                        self.cert("rogue_client.key"))
        self.assertNotEqual(rogue.returncode, 0)

    # --- refusals at start ---

    def run_daemon(self, name, *flags):
        data = os.path.join(self.tmp, name)
        return subprocess.run([DAEMON, "--data", data, "--port", "0", *flags],
                              capture_output=True, text=True, timeout=60)

    def test_plain_tcp_off_loopback_needs_insecure(self):
        r = self.run_daemon("public", "--host", "0.0.0.0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("refusing to serve plain TCP on 0.0.0.0", r.stderr)
        self.assertIn("--insecure", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "public")))
        d = self.start("insecure", "--host", "0.0.0.0", "--insecure")
        self.assertIn("--insecure: serving plain TCP on 0.0.0.0", d.log_text())
        ok = self.fg(d)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        d.stop()

    def test_key_must_be_owner_only(self):
        loose = self.cert("server_loose.key")
        shutil.copy(self.cert("server.key"), loose)
        os.chmod(loose, 0o640)
        r = self.run_daemon("loose", "--tls-cert", self.cert("server.pem"), "--tls-key", loose)
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"--tls-key {loose} is open to group or others (mode 0640)", r.stderr)
        r = self.run_daemon("mismatch", "--tls-cert", self.cert("server.pem"), "--tls-key",
                            self.cert("server2.key"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("is not the key of the certificate", r.stderr)
        r = self.run_daemon("no_ca", "--tls-cert", self.cert("server.pem"), "--tls-key",
                            self.cert("server.key"), "--tls-client-cert", "required")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--tls-client-cert needs --tls-ca", r.stderr)

    def wait_log(self, d, text, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if text in d.log_text():
                return
            time.sleep(0.1)
        self.fail(f"'{text}' not in the daemon's log:\n{d.log_text()[-3000:]}")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
