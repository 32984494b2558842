"""Technicians' outcomes through the real CLI: `faultgraph outcome`
embedded and against faultgraphd (an agent records as itself, a read-only
role is refused), `faultgraph case` listing them, retraction, the
field-service export through a mapping with its dead letter for an unknown
case, and `dlq retry` once the case is in.

usage: outcome_cli_test.py FAULTGRAPH_CLI FAULTGRAPHD
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import wait_port_file, write_csv  # noqa: E402

CLI = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph")
DAEMON = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/api/faultgraphd")

TICKETS = """[source]
name = "crm"
record = "case"
[key]
columns = ["ticket_no"]
[fields]
case_id = "ticket_no"
product = "model"
opened = "opened_at"
symptom_text = "symptom"
fault_codes = "codes"
components = "component"
fixes = "fix"
"""

JOBS = """[source]
name = "field_app"
record = "outcome"
[key]
columns = ["job"]
[fields]
case_ref = "ticket"
component = "part"
fix = "action"
worked = "fixed"
note = "remarks"
time = "done_at"
by = "technician"
"""


class OutcomeCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg_outcome_")
        self.data = os.path.join(self.tmp, "db")
        self.mapping = os.path.join(self.tmp, "tickets.toml")
        with open(self.mapping, "w") as f:
            f.write(TICKETS)
        tickets = write_csv(
            os.path.join(self.tmp, "tickets.csv"),
            ["ticket_no", "model", "opened_at", "symptom", "codes", "component", "fix"],
            [[f"T{i:03d}", "AC-350", f"2024-06-{i + 1:02d} 10:00", "空调不制冷", "E4", "COMP",
              "FX-COMP"] for i in range(4)])
        self.fg("ingest", "--mapping", self.mapping, tickets)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=60)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_cli(self, *args, data=None):
        where = ["--data", data or self.data] if not args or args[0] != "--server" else []
        return subprocess.run([CLI, *where, *args], capture_output=True, text=True)

    def fg(self, *args, data=None):
        r = self.run_cli(*args, data=data)
        if r.returncode != 0:
            raise AssertionError(f"{args}: exit {r.returncode}: {r.stderr}")
        return r.stdout

    def case(self, case_id, *server):
        return json.loads(self.fg(*server, "--json", "case", case_id))

    def test_embedded_record_show_refuse_and_retract(self):
        o = json.loads(self.fg("--json", "outcome", "T001", "--component", "comp", "--fix",
                               "FX-COMP", "--worked", "no", "--note", "客户电话13812348000 又坏了"))
        self.assertEqual(o["outcomeId"], "T001#local")
        self.assertEqual(o["component"], "COMP")
        self.assertFalse(o["worked"])
        self.assertNotIn("13812348000", o["note"])
        c = self.case("T001")
        self.assertEqual([x["outcomeId"] for x in c["outcomes"]], ["T001#local"])
        self.assertIn("outcomes recorded by technicians", self.fg("case", "T001"))

        for args, field in [(["T001", "--component", "WIDGET", "--worked", "yes"], "component"),
                            (["T001", "--fix", "FX-NONE", "--worked", "yes"], "fix"),
                            (["T404", "--component", "COMP", "--worked", "yes"], "caseId"),
                            (["T001", "--component", "COMP", "--worked", "yes", "--note",
                              "x" * 4001], "note")]:
            r = self.run_cli("outcome", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn(f"bad {field}:", r.stderr)
        r = self.run_cli("outcome", "T001", "--component", "COMP")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--worked yes|no", r.stderr)

        gone = json.loads(self.fg("--json", "outcome", "T001", "--retract"))
        self.assertTrue(gone["retracted"])
        self.assertEqual(self.case("T001")["outcomes"], [])
        r = self.run_cli("outcome", "T001", "--retract")
        self.assertEqual(r.returncode, 2)
        self.assertIn("bad outcomeId:", r.stderr)

    def test_field_service_export_and_its_dead_letter(self):
        jobs_map = os.path.join(self.tmp, "jobs.toml")
        with open(jobs_map, "w") as f:
            f.write(JOBS)
        jobs = write_csv(os.path.join(self.tmp, "jobs.csv"),
                         ["job", "ticket", "part", "action", "fixed", "remarks", "done_at",
                          "technician"],
                         [["J1", "T002", "fan", "FX-FAN", "是", "风扇电容换了", "2024-06-10",
                           "tech-7"],
                          ["J2", "T900", "COMP", "FX-COMP", "no", "", "2024-06-11", "tech-7"]])
        res = json.loads(self.fg("--json", "ingest", "--mapping", jobs_map, jobs))
        self.assertEqual((res[0]["applied"], res[0]["rejected"]), (1, 1), res)
        c = self.case("T002")
        self.assertEqual(len(c["outcomes"]), 1)
        self.assertEqual((c["outcomes"][0]["outcomeId"], c["outcomes"][0]["component"],
                          c["outcomes"][0]["by"], c["outcomes"][0]["worked"]),
                         ("J1", "FAN", "tech-7", True))
        dead = json.loads(self.fg("--json", "dlq", "list"))
        self.assertEqual(len(dead), 1, dead)
        self.assertIn("'T900'", dead[0]["reason"])
        # Retried while the case is still missing: still a dead letter.
        r = self.run_cli("dlq", "retry", dead[0]["id"], "--mapping", jobs_map)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("still rejected", r.stdout)
        self.assertEqual(len(json.loads(self.fg("--json", "dlq", "list"))), 1)
        # Once the ticket is in, the retry applies it.
        more = write_csv(os.path.join(self.tmp, "tickets2.csv"),
                         ["ticket_no", "model", "opened_at", "symptom", "codes", "component",
                          "fix"],
                         [["T900", "AC-350", "2024-06-09 10:00", "不制冷", "E4", "", ""]])
        self.fg("ingest", "--mapping", self.mapping, more)
        self.fg("dlq", "retry", dead[0]["id"], "--mapping", jobs_map)
        self.assertEqual(json.loads(self.fg("--json", "dlq", "list")), [])
        self.assertEqual([x["outcomeId"] for x in self.case("T900")["outcomes"]], ["J2"])

    def test_through_the_daemon_an_agent_records_as_itself(self):
        ann = os.path.join(self.tmp, "ann.token")
        rick = os.path.join(self.tmp, "rick.token")
        self.fg("users", "add", "ann", "--role", "agent", "--token-out", ann)
        self.fg("users", "add", "rick", "--role", "rnd", "--token-out", rick)
        port_file, log = os.path.join(self.tmp, "port"), os.path.join(self.tmp, "daemon.log")
        with open(log, "w") as out:
            p = subprocess.Popen([DAEMON, "--data", self.data, "--port", "0", "--port-file",
                                  port_file], stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(p)
        server = ["--server", f"127.0.0.1:{wait_port_file(port_file, p, log)}"]

        o = json.loads(self.fg(*server, "--token-file", ann, "--json", "outcome", "T003",
                               "--component", "COMP", "--fix", "FX-COMP", "--worked", "yes"))
        self.assertEqual((o["outcomeId"], o["by"]), ("T003#ann", "ann"))
        r = self.run_cli(*server, "--token-file", rick, "outcome", "T003", "--component", "COMP",
                         "--worked", "yes")
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("outcomes.write", r.stderr)
        r = self.run_cli(*server, "--token-file", ann, "outcome", "T003", "--component", "WIDGET",
                         "--worked", "yes")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("bad component:", r.stderr)
        c = self.case("T003", *server, "--token-file", ann)
        self.assertEqual([(x["outcomeId"], x["by"]) for x in c["outcomes"]], [("T003#ann", "ann")])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
