#!/usr/bin/env python3
"""Pull faultgraph's R&D feed incrementally into a CSV file.

Each run asks faultgraphd for the items after the cursor kept in
--cursor-file, appends them to --out and then stores the new cursor, so
runs from cron never miss or repeat an item, across server restarts too.
(The cursor is written after the rows are flushed: a crash between the two
re-delivers the last page, which the run skips by sequence number.)

  feed_to_csv.py --server 127.0.0.1:9090 --cursor-file feed.cursor --out feed.csv
                 [--token-file FILE] [--page 500] [--gen-py build/api/gen-py]

It signs in with the API token in --token-file, else $FAULTGRAPH_TOKEN, else
the file named by $FAULTGRAPH_TOKEN_FILE (an rnd or admin principal:
`faultgraph users add feed --role rnd --token-out feed.token`).

Needs Debian's python3-thrift and the generated bindings (the build writes
them to build/api/gen-py).
"""

import argparse
import csv
import json
import os
import sys


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
    ap.add_argument("--gen-py", default=os.path.join(here, "..", "..", "build", "api", "gen-py"))
    a = ap.parse_args(argv)
    sys.path.insert(0, a.gen_py)
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TSocket, TTransport

    from faultgraph_api import FaultGraph
    from faultgraph_api.ttypes import BadRequest, Unauthenticated

    host, _, port = a.server.rpartition(":")
    transport = TTransport.TFramedTransport(TSocket.TSocket(host, int(port)))
    client = FaultGraph.Client(TBinaryProtocol.TBinaryProtocol(transport))
    transport.open()
    token = read_token(a.token_file)
    if not token:
        print("feed_to_csv: no API token (--token-file, $FAULTGRAPH_TOKEN or "
              "$FAULTGRAPH_TOKEN_FILE)", file=sys.stderr)
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
    if os.path.exists(a.out):
        with open(a.out, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                last_seq = max(last_seq, int(row["seq"]))
    new_file = not os.path.exists(a.out)
    pages = written = 0
    with open(a.out, "a", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        if new_file:
            w.writerow(["seq", "kind", "product", "component", "fix", "created_ms", "key",
                        "payload"])
        while True:
            try:
                page = client.defectFeed(cursor, a.page)
            except BadRequest as e:
                print(f"feed_to_csv: {e.field}: {e.message}", file=sys.stderr)
                return 2
            for it in page.items:
                if it.seq <= last_seq:
                    continue  # delivered before the cursor was saved
                w.writerow([it.seq, it.kind, it.product, it.component, it.fix, it.createdMs,
                            it.key, json.dumps(json.loads(it.payload), ensure_ascii=False)])
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
