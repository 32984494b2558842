#!/usr/bin/python3
"""Writes the seed corpora under tests/fuzz/corpus/<target>/ (docs/FUZZING.md).

Seeds come from ops/sample, ops/simulator/mappings, ops/config and small
inputs of the unit tests, each cut to a few KB. Run from anywhere; needs the
Thrift compiler and python3-thrift for the API seeds. Re-running rewrites the
seeds (named seed_*) and leaves other files (kept crash inputs) alone.
Usage: make_seeds.py [SOURCE_DIR] (with Debian's python3, where python3-thrift is)
"""
import csv
import io
import itertools
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_SEED = 4096


def read(rel):
    with open(os.path.join(ROOT, rel), "rb") as f:
        return f.read()


def head_lines(data, limit=2048):
    """The first whole lines of `data` within `limit` bytes."""
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    return data[: cut + 1]


def write(target, name, data):
    assert len(data) <= MAX_SEED, (target, name, len(data))
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed_" + name), "wb") as f:
        f.write(data)


def csv_seeds():
    # First byte: the delimiter (0 = ',', 1 = ';', 2 = tab, 3 = '|').
    for rel in ["ops/sample/erp/products.csv", "ops/sample/erp/bom.csv",
                "ops/sample/erp/components.csv", "ops/sample/crm/fixes.csv"]:
        write("csv_reader", os.path.basename(rel), b"\0" + head_lines(read(rel)))
    write("csv_reader", "tickets_head.csv", b"\0" + head_lines(read("ops/sample/crm/tickets.csv")))
    # From connectors/csv_reader_test.cc.
    write("csv_reader", "quotes_crlf_bom.csv",
          b"\0\xef\xbb\xbfid,text\r\n1,\"say \"\"hi\"\"\r\nline2\"\r\n\r\n2,plain\n")
    write("csv_reader", "unterminated_quote.csv", b"\0" + b"1,ok\n2,\"broken\n3,fine\n4,also fine\n")
    write("csv_reader", "semicolon.csv", b"\1a;b;\"c;d\"\n1;;\"\"\n")


def jsonl_seeds():
    # First byte: even = the alarms mapping, odd = the tickets mapping.
    alarms = head_lines(read("ops/sample/iot/alarms.jsonl"), 1024)
    write("jsonl_source", "alarms.jsonl", b"\0" + alarms)
    write("jsonl_source", "alarm_nested_types.jsonl",
          b"\0" + b'{"id":"AL1","unit":{"serial":"AC1"},"ts":1,"alarm":"X","value":1e3,'
          b'"severity":null,"measurement":true}\n{"id":"AL2"}\nnot json\n')
    # Arrays in unmapped keys: material for the mutator to put one in a
    # mapped key (the SIGSEGV of issue 14).
    write("jsonl_source", "unmapped_arrays.jsonl",
          b"\0" + b'{"id":"AL9","unit":{"serial":"AC9","tags":["a",2]},"ts":5,"alarm":"Y",'
          b'"value":3,"history":[1,2]}\n')
    # The sample's first tickets as JSON objects (the tickets mapping's columns).
    rows = csv.DictReader(io.StringIO(head_lines(read("ops/sample/crm/tickets.csv")).decode()))
    lines = [json.dumps(r, ensure_ascii=False) for r in itertools.islice(rows, 4)]
    write("jsonl_source", "tickets.jsonl", b"\1" + "\n".join(lines).encode() + b"\n")


def toml_seeds():
    for name in sorted(os.listdir(os.path.join(ROOT, "ops/simulator/mappings"))):
        write("mapping_toml", name, read("ops/simulator/mappings/" + name))
    # From connectors/mapping_test.cc: every field form.
    write("mapping_toml", "every_form.toml", b'''[source]
name = "crm"
record = "case"
encoding = "GBK"
batch_size = 50
[key]
columns = ["ticket"]
[version]
column = "updated"
format = "%Y-%m-%d %H:%M"
[fields]
case_id = "ticket"
opened = { column = "opened_at", format = "%Y/%m/%d" }
channel = { const = "phone" }
fault_codes = { column = "codes", split = "/" }
notes = { columns = ["n1", "n2"], join = " | " }
''')
    write("connectors_toml", "connectors.example.toml", read("ops/config/connectors.example.toml"))
    write("connectors_toml", "folder.toml", b'''[[connector]]
name = "calls"
type = "folder"
mapping = "../simulator/mappings/calls.toml"
schedule = "*/5 * * * *"
error_budget = 0.1
[connector.folder]
path = "/tmp/calls"
pattern = "*.csv"
''')
    # The shipped rules outgrew a seed: their first tables, cut at a line.
    rules = read("ops/config/text_rules.toml")
    write("text_rules_toml", "text_rules.toml", rules[:rules.rfind(b"\n[", 0, MAX_SEED) + 1])
    # From ingest/text_rules_test.cc.
    write("text_rules_toml", "bad_pattern.toml", b"[codes]\nAC = ['(E[0-9']\n")
    write("text_rules_toml", "symptom.toml",
          "[[symptom]]\nid = \"noise\"\npatterns = [\"异响\", \"rattl(e|ing)\"]\n"
          "[pii]\nname_labels = [\"联系人\"]\n".encode())


def cron_seeds():
    # First four bytes: seconds since 1970 (little-endian); 2026-11-23 10:07 UTC.
    t = struct.pack("<I", 1795428420)
    for i, expr in enumerate(["*/15 * * * *", "0 3 1 1 *", "30 9 * * 1-5", "0 0 29 2 *",
                              "0 12 * * 7", "0 0 1 * 1", "5,35 22-23 * 12 *", "0 0 31 2 *"]):
        write("cron", "expr%d" % i, t + expr.encode())


def text_fold_seeds():
    write("text_fold", "mixed.txt", "空调不制冷，报Ｅ４ Compressor 壓縮機過熱。".encode())
    write("text_fold", "combining.txt", "cafe\u0301 空\u3099 Ａ\u0308".encode())
    write("text_fold", "phrase.txt", "空调 乾燥機 著名".encode())
    write("text_fold", "cut_utf8.txt", "制冷".encode()[:-1] + b"ABC")


def encoding_seeds():
    write("encoding", "utf8.txt", "空调不制冷 not cooling E4\n".encode())
    write("encoding", "gb18030.txt", "空调不制冷 壓縮機 €\n".encode("gb18030"))
    write("encoding", "gb18030_4byte.txt", "\u00e9\U0001f600 ok".encode("gb18030"))
    write("encoding", "cut_utf8.txt", "制冷".encode()[:-1])
    write("encoding", "name_gbk.txt", b"GBK")


def key_seeds():
    # First byte: the decoding layout; the rest a key (tag, string, u64).
    key = b"\x03" + b"AC-200\x00\x01" + b"a\x00\xffb\x00\x01" + struct.pack(">Q", 42)
    write("key_codec", "tag_str_u64", bytes([0b11011101]) + key)
    write("key_codec", "escaped_zero", b"\x05" + b"\x00\xff\x00\xff\x00\x01")
    write("key_codec", "short", b"\x02\x00")


def thrift_seeds():
    """Requests the CLI makes, serialised with the Thrift compiler's Python."""
    out = tempfile.mkdtemp(prefix="fg_seeds_")
    subprocess.run(["thrift", "--gen", "py", "-out", out,
                    os.path.join(ROOT, "api/faultgraph.thrift")], check=True)
    sys.path.insert(0, out)
    from thrift.protocol import TBinaryProtocol, TCompactProtocol
    from thrift.transport import TTransport
    from faultgraph_api import FaultGraph, ttypes as t

    calls = {
        "ingestStatus": lambda c: c.send_ingestStatus(),
        "getProduct": lambda c: c.send_getProduct("AC-200"),
        "neighbours": lambda c: c.send_neighbours(t.NeighboursRequest(edgeType="in_family", id="AC")),
        "getCase": lambda c: c.send_getCase("T00000002"),
        "assetHistory": lambda c: c.send_assetHistory("AC00000337", 10),
        "assetView": lambda c: c.send_assetView("AC00000337", 10),
        "deadLetters": lambda c: c.send_deadLetters("crm", 10),
        "searchFixes": lambda c: c.send_searchFixes("not cooling 不制冷", t.SearchFilters(), 0, 10),
        "similarCases": lambda c: c.send_similarCases("T00000002", "", t.SearchFilters(), 5),
        "rootCause": lambda c: c.send_rootCause(t.RootCauseRequest(product="AC-500",
                                                                   text="not cooling E4")),
        "defectFeed": lambda c: c.send_defectFeed("", 10),
        "connectorRuns": lambda c: c.send_connectorRuns("crm", 5),
        "connectorStatus": lambda c: c.send_connectorStatus("crm"),
    }
    for proto, selector, factory in [("binary", b"\0", TBinaryProtocol.TBinaryProtocol),
                                     ("compact", b"\1", TCompactProtocol.TCompactProtocol)]:
        for name, send in calls.items():
            buf = TTransport.TMemoryBuffer()
            send(FaultGraph.Client(factory(buf)))
            write("thrift_processor", "%s_%s" % (proto, name), selector + buf.getvalue())


if __name__ == "__main__":
    csv_seeds()
    jsonl_seeds()
    toml_seeds()
    cron_seeds()
    encoding_seeds()
    text_fold_seeds()
    key_seeds()
    thrift_seeds()
