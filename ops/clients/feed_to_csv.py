#!/usr/bin/env python3
"""Pull faultgraph's R&D feed incrementally into a CSV file.

Each run asks faultgraphd for the items after the cursor kept in
--cursor-file, appends them to --out and then stores the new cursor, so
runs from cron never miss or repeat an item, across server restarts too.
(The cursor is written after the rows are flushed: a crash between the two
re-delivers the last page, which the run skips by sequence number.)

  feed_to_csv.py --server 127.0.0.1:9090 --cursor-file feed.cursor --out feed.csv
                 [--token-file FILE] [--page 500] [--gen-py build/api/gen-py]
                 [--tls-ca FILE [--tls-cert FILE --tls-key FILE]]

It signs in with the API token in --token-file, else $FAULTGRAPH_TOKEN, else
the file named by $FAULTGRAPH_TOKEN_FILE (an rnd or admin principal:
`faultgraph users add feed --role rnd --token-out feed.token`).

With --tls-ca (or $FAULTGRAPH_TLS_CA) it connects with TLS: the server's
certificate must come from that CA and name the host in --server; a server
that asks for client certificates gets --tls-cert/--tls-key
($FAULTGRAPH_TLS_CERT, $FAULTGRAPH_TLS_KEY).

The CSV opens in a spreadsheet as it is: one row per item, times in ISO
8601 UTC, one column per figure (empty where an item of that kind has
none), lists joined with spaces (`chains`: one chain per "; ", cases in a
chain joined by " > ").

Needs Debian's python3-thrift and the generated bindings (the build writes
them to build/api/gen-py; the faultgraph package installs this client and
them under /usr/share/faultgraph).
"""

import argparse
import csv
import datetime
import json
import logging
import os
import ssl
import sys

# The item's own fields, then every figure any kind of item carries.
COLUMNS = ["seq", "kind", "product", "component", "fix", "created_utc", "key",
           "month", "failures", "expected", "installed", "per_1000", "rate_before", "rate_after",
           "p_value", "attempts", "repeats", "rate", "customers", "evidence_cases", "chains"]
# payload field -> column
PAYLOAD = {"month": "month", "failures": "failures", "expected": "expected",
           "installed": "installed", "per1000": "per_1000", "rateBefore": "rate_before",
           "rateAfter": "rate_after", "pValue": "p_value", "attempts": "attempts",
           "repeats": "repeats", "rate": "rate", "customers": "customers",
           "evidence": "evidence_cases", "chains": "chains"}


def iso_utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def flat_row(it):
    """One CSV row of a feed item: its fields and its payload's figures."""
    row = {"seq": it.seq, "kind": it.kind, "product": it.product, "component": it.component,
           "fix": it.fix, "created_utc": iso_utc(it.createdMs), "key": it.key}
    payload = json.loads(it.payload) if it.payload else {}
    for field, column in PAYLOAD.items():
        v = payload.get(field)
        if v is None:
            continue
        if field == "customers" and isinstance(v, list):
            v = len(v)
        elif field == "chains":
            v = "; ".join(" > ".join(str(c) for c in chain) for chain in v)
        elif isinstance(v, list):
            v = " ".join(str(x) for x in v)
        row[column] = v
    return [row.get(c, "") for c in COLUMNS]


def read_token(path):
    """The token from `path`, $FAULTGRAPH_TOKEN or $FAULTGRAPH_TOKEN_FILE."""
    path = path or (None if os.environ.get("FAULTGRAPH_TOKEN")
                    else os.environ.get("FAULTGRAPH_TOKEN_FILE"))
    if not path:
        return os.environ.get("FAULTGRAPH_TOKEN", "").strip()
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--server", required=True, help="HOST:PORT of faultgraphd")
    ap.add_argument("--token-file", help="file holding the API token (mode 0600)")
    ap.add_argument("--cursor-file", required=True)
    ap.add_argument("--out", required=True, help="CSV file, appended to")
    ap.add_argument("--page", type=int, default=500, help="items per request (1..10000)")
    ap.add_argument("--max-pages", type=int, default=0, help="stop after this many pages (0: all)")
    ap.add_argument("--tls-ca", default=os.environ.get("FAULTGRAPH_TLS_CA"),
                    help="connect with TLS; the CA of the server's certificate")
    ap.add_argument("--tls-cert", default=os.environ.get("FAULTGRAPH_TLS_CERT"),
                    help="client certificate (for servers that ask for one)")
    ap.add_argument("--tls-key", default=os.environ.get("FAULTGRAPH_TLS_KEY"),
                    help="its key (mode 0600)")
    # The source tree's build, or the package's /usr/share/faultgraph/gen-py.
    gen_py = os.path.join(here, "..", "..", "build", "api", "gen-py")
    if not os.path.isdir(gen_py):
        gen_py = os.path.join(here, "..", "gen-py")
    ap.add_argument("--gen-py", default=gen_py)
    a = ap.parse_args(argv)
    logging.getLogger("thrift").setLevel(logging.CRITICAL)  # its own lines; ours say it once
    sys.path.insert(0, a.gen_py)
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TSocket, TSSLSocket, TTransport

    from faultgraph_api import FaultGraph
    from faultgraph_api.ttypes import BadRequest, Unauthenticated

    host, _, port = a.server.rpartition(":")
    if a.tls_ca:
        ctx = ssl.create_default_context(cafile=a.tls_ca)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if a.tls_cert:
            if os.stat(a.tls_key).st_mode & 0o077:
                print(f"feed_to_csv: --tls-key {a.tls_key} is open to group or others: "
                      f"chmod 600 {a.tls_key}", file=sys.stderr)
                return 2
            ctx.load_cert_chain(a.tls_cert, a.tls_key)
        sock = TSSLSocket.TSSLSocket(host, int(port), ssl_context=ctx, server_hostname=host)
    else:
        sock = TSocket.TSocket(host, int(port))
    transport = TTransport.TFramedTransport(sock)
    client = FaultGraph.Client(TBinaryProtocol.TBinaryProtocol(transport))
    token = read_token(a.token_file)
    if not token:
        print("feed_to_csv: no API token (--token-file, $FAULTGRAPH_TOKEN or "
              "$FAULTGRAPH_TOKEN_FILE)", file=sys.stderr)
        return 2
    try:
        transport.open()
    except (TTransport.TTransportException, OSError) as e:
        print(f"feed_to_csv: cannot reach faultgraphd at {a.server}: {e}", file=sys.stderr)
        return 2
    try:
        client.authenticate(token)
    except Unauthenticated as e:
        print(f"feed_to_csv: sign-in refused: {e.message}", file=sys.stderr)
        return 2

    cursor = ""
    if os.path.exists(a.cursor_file):
        with open(a.cursor_file, encoding="utf-8") as f:
            cursor = f.read().strip()
    last_seq = -1
    if os.path.exists(a.out) and os.path.getsize(a.out) > 0:
        with open(a.out, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != COLUMNS:
                print(f"feed_to_csv: {a.out} has other columns ({','.join(reader.fieldnames or [])})"
                      f": written by an earlier version; start a new file (and a new cursor "
                      f"file) or move it aside", file=sys.stderr)
                return 2
            for row in reader:
                last_seq = max(last_seq, int(row["seq"]))
    new_file = not os.path.exists(a.out) or os.path.getsize(a.out) == 0
    pages = written = 0
    with open(a.out, "a", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        if new_file:
            w.writerow(COLUMNS)
        while True:
            try:
                page = client.defectFeed(cursor, a.page)
            except BadRequest as e:
                print(f"feed_to_csv: {e.field}: {e.message}", file=sys.stderr)
                return 2
            except (TTransport.TTransportException, OSError) as e:
                print(f"feed_to_csv: lost faultgraphd at {a.server} after {written} new items "
                      f"(kept, with their cursor): {e}", file=sys.stderr)
                return 2
            for it in page.items:
                if it.seq <= last_seq:
                    continue  # delivered before the cursor was saved
                w.writerow(flat_row(it))
                last_seq = it.seq
                written += 1
            out.flush()
            os.fsync(out.fileno())
            cursor = page.nextCursor
            tmp = a.cursor_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(cursor)
            os.replace(tmp, a.cursor_file)
            pages += 1
            if not page.items or (a.max_pages and pages >= a.max_pages):
                break
    transport.close()
    print(f"feed_to_csv: {written} new items, cursor {cursor}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
