"""A private PostgreSQL cluster for tests: initdb in a temporary folder,
listening on 127.0.0.1 at a free port, run as a non-root user (as root the
Debian 'postgres' account runs it), stopped and removed at the end.

    with PgCluster() as pg:
        pg.sql("CREATE TABLE t (...)")
        pg.conninfo  # "host=127.0.0.1 port=... dbname=postgres user=fgtest"
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL server binaries ({name}) not found: "
                           "ops/bootstrap.sh installs the 'postgresql' package")
    return found[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="fg_pg_")
        os.chmod(self.root, 0o755)
        self.data = os.path.join(self.root, "data")
        self.port = free_port()
        self.user = "fgtest"
        self.as_user = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.conninfo = f"host=127.0.0.1 port={self.port} dbname=postgres user={self.user}"

    def run(self, *cmd, **kw):
        return subprocess.run(self.as_user + list(cmd), check=True, capture_output=True,
                              text=True, **kw)

    def __enter__(self):
        self.run(pg_bin("initdb"), "-D", self.data, "-U", self.user, "--auth=trust",
                 "-E", "UTF8", "--locale=C")
        self.run(pg_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.root, "log"),
                 "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} "
                       f"-c unix_socket_directories={self.root} -c fsync=off",
                 "-w", "start")
        return self

    def __exit__(self, *exc):
        try:
            self.run(pg_bin("pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, text, stdin=None):
        """Runs SQL with psql (stops on the first error); returns its output."""
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-h",
                            "127.0.0.1", "-p", str(self.port), "-U", self.user, "-d",
                            "postgres", "-c", text], check=True, capture_output=True,
                           text=True, input=stdin)
        return r.stdout

    def copy_in(self, table, csv_path, columns):
        """COPY a CSV file (with header) into table(columns)."""
        with open(csv_path, encoding="utf-8") as f:
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                            "-p", str(self.port), "-U", self.user, "-d", "postgres", "-c",
                            f"\\copy {table}({','.join(columns)}) FROM STDIN "
                            "WITH (FORMAT csv, HEADER true)"],
                           check=True, capture_output=True, text=True, stdin=f)
