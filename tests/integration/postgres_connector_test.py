"""The PostgreSQL connector against a real server (a private cluster started
here, see pg_cluster.py), through `faultgraph connectors run`:

- a clean run reads every row once, though many rows share one updated_at
  and the pages are 7 rows long; bad rows go to the dead-letter store with
  the connector, the row's key and cursor, and the reason;
- killed with SIGKILL at random points at least 10 times and resumed, the
  graph equals the clean run's (digest);
- rows updated at the source after a pull are picked up by the next run,
  their old contributions retracted: the graph equals a fresh full load of
  the updated table;
- `reset` then a run reads everything again and changes nothing; history
  shows the interrupted runs; a run over the error budget fails.

usage: postgres_connector_test.py FAULTGRAPH_CLI SOURCE_DIR
"""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from connector_test_util import Cli, copy_dir  # noqa: E402
from pg_cluster import PgCluster  # noqa: E402

T = Cli(sys.argv[1] if len(sys.argv) > 1 else "build/api/faultgraph",
        sys.argv[2] if len(sys.argv) > 2 else ".")
COLUMNS = ["ticket_no", "serial", "model", "opened_at", "closed_at", "channel", "symptom",
           "agent_notes", "fault_codes", "diagnosed_part", "failure_cause", "fix_code",
           "parts_replaced", "labour_min", "cost", "csat", "status", "last_modified"]
BAD_ROWS = 3


def fg(data, *args, check=True):
    return T.fg(data, *args, check=check)


def run(data, config, *extra, check=True):
    return T.run(data, config, "crm_pg", *extra, check=check)


def digest(data):
    return T.digest(data)


class PostgresConnector(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fg_pgtest_")
        sim, cls.erp = T.simulate(cls.tmp, 1500, 5)
        cls.pg = PgCluster().__enter__()
        cols = ", ".join(f"{c} text" for c in COLUMNS)
        cls.pg.sql(f"CREATE TABLE staging ({cols})")
        cls.pg.copy_in("staging", os.path.join(sim, "crm", "tickets.csv"), COLUMNS)
        # One row per ticket (its latest state); updated_at to the day, so
        # that many rows share one value and ties cross page boundaries.
        cls.pg.sql("CREATE TABLE tickets AS SELECT DISTINCT ON (ticket_no) *, "
                   "date_trunc('day', last_modified::timestamp) AT TIME ZONE 'UTC' "
                   "AS updated_at FROM staging ORDER BY ticket_no, last_modified DESC; "
                   "ALTER TABLE tickets ADD PRIMARY KEY (ticket_no)")
        cls.pg.sql("INSERT INTO tickets (ticket_no, model, opened_at, labour_min, updated_at) "
                   "VALUES ('BAD-DATE', 'AC-350', 'yesterday at noon', '30', '2024-06-01'), "
                   "('BAD-NUMBER', 'AC-350', '2024-06-01 10:00', 'lots', '2024-06-01'), "
                   "('BAD-NO-OPEN', 'AC-350', NULL, '10', '2024-06-02')")
        cls.rows = int(cls.pg.sql("SELECT count(*) FROM tickets"))
        cls.config = cls.write_config(page_size=7, budget=0.5)

    @classmethod
    def tearDownClass(cls):
        cls.pg.__exit__(None, None, None)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def write_config(cls, page_size, budget, name="connectors.toml"):
        path = os.path.join(cls.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'''[[connector]]
name = "crm_pg"
type = "postgres"
mapping = "{os.path.join(T.mappings, "tickets.toml")}"
schedule = "*/10 * * * *"
error_budget = {budget}

[connector.postgres]
conninfo = "{cls.pg.conninfo}"
table = "tickets"
cursor_column = "updated_at"
key_column = "ticket_no"
page_size = {page_size}
''')
        return path

    def data_dir(self, name):
        return copy_dir(self.erp, os.path.join(self.tmp, name))

    def test_1_clean_run_kill9_resume_updates_and_reset(self):
        clean = self.data_dir("clean")
        started = time.monotonic()
        r = run(clean, self.config)
        clean_seconds = time.monotonic() - started
        self.assertEqual(r["status"], "ok", r)
        self.assertEqual(r["read"], self.rows, "every row once, ties across pages included")
        self.assertEqual(r["rejected"], BAD_ROWS)
        self.assertEqual(r["written"], self.rows - BAD_ROWS)
        again = run(clean, self.config)
        self.assertEqual((again["read"], again["written"]), (0, 0), again)
        dlq = json.loads(fg(clean, "--json", "dlq", "list", "--source", "crm_tickets").stdout)
        self.assertEqual(len(dlq), BAD_ROWS, dlq)
        where = " ".join(d["position"] + " " + d["reason"] for d in dlq)
        for key in ("BAD-DATE", "BAD-NUMBER", "BAD-NO-OPEN"):
            self.assertIn(key, where)
        self.assertTrue(all(d["stream"] == "pg:crm_pg" for d in dlq), dlq)
        self.assertIn("yesterday at noon", where)
        want = digest(clean)

        # kill -9 at random points, then resume.
        crashed = self.data_dir("crashed")
        # Kills within the first half of a clean run's time (at least 0.6 s):
        # a slow build (the sanitizers') takes longer to start.
        kills = T.kill_until(crashed, self.config, "crm_pg", 12, seed=11,
                             max_delay=max(0.6, clean_seconds / 2))
        self.assertGreaterEqual(kills, 10)
        final = run(crashed, self.config)
        self.assertEqual(final["status"], "ok", final)
        self.assertEqual(digest(crashed), want)
        T.assert_index_complete(self, crashed)
        history = json.loads(fg(crashed, "--json", "connectors", "history", "crm_pg",
                                "--limit", "100", "--config", self.config).stdout)
        self.assertEqual(history[0]["status"], "ok")
        self.assertGreaterEqual(sum(h["status"] == "interrupted" for h in history), 1, history)

        # Updates at the source: picked up, the old contributions retracted.
        self.pg.sql("UPDATE tickets SET diagnosed_part = 'FAN-MOTOR', fix_code = 'FX-FAN', "
                    "updated_at = now() WHERE ticket_no IN (SELECT ticket_no FROM tickets "
                    "WHERE diagnosed_part <> '' ORDER BY ticket_no LIMIT 25)")
        upd = run(crashed, self.config)
        self.assertEqual((upd["read"], upd["written"]), (25, 25), upd)
        fresh = self.data_dir("fresh")
        self.assertEqual(run(fresh, self.config)["status"], "ok")
        self.assertEqual(digest(crashed), digest(fresh))

        # reset: everything read again, nothing changes.
        before = digest(crashed)
        fg(crashed, "connectors", "reset", "crm_pg", "--config", self.config)
        again = run(crashed, self.config)
        self.assertEqual(again["read"], self.rows)
        self.assertEqual(again["written"], 0, again)
        self.assertEqual(digest(crashed), before)
        # A backfill of one month: only its rows, the position untouched.
        start = self.pg.sql("SELECT to_char(date_trunc('month', percentile_disc(0.5) WITHIN "
                            "GROUP (ORDER BY updated_at)), 'YYYY-MM-DD') FROM tickets").strip()
        end = self.pg.sql(f"SELECT to_char(date '{start}' + interval '1 month', "
                          "'YYYY-MM-DD')").strip()
        window = (start, end)
        in_window = int(self.pg.sql(f"SELECT count(*) FROM tickets WHERE updated_at >= "
                                    f"'{window[0]}' AND updated_at < '{window[1]}'"))
        self.assertGreater(in_window, 10)
        back = fg(self.data_dir("backfill"), "--json", "connectors", "backfill", "crm_pg",
                  "--from", window[0], "--to", window[1], "--no-index", "--config", self.config)
        back = json.loads(back.stdout)
        self.assertEqual((back["status"], back["read"]), ("ok", in_window), back)
        self.assertEqual(back["written"], in_window)
        back = json.loads(fg(crashed, "--json", "connectors", "backfill", "crm_pg", "--from",
                             window[0], "--to", window[1], "--no-index", "--config",
                             self.config).stdout)
        self.assertEqual((back["read"], back["written"]), (in_window, 0), back)
        # The history marks the backfill with its window; the run after it is a plain run.
        self.assertEqual(back["backfill"], f"[{window[0]}, {window[1]})", back)
        table = fg(crashed, "connectors", "history", "crm_pg", "--config", self.config).stdout
        self.assertIn(f"backfill [{window[0]}, {window[1]})", table)
        self.assertEqual(run(crashed, self.config)["read"], 0)
        status = json.loads(fg(crashed, "--json", "connectors", "status", "--config",
                               self.config).stdout)
        self.assertEqual(status[0]["connector"], "crm_pg")
        self.assertEqual(status[0]["last"]["status"], "ok")
        self.assertEqual(status[0]["last"]["backfill"], "")

    def test_2_error_budget_fails_the_run(self):
        strict = self.write_config(page_size=500, budget=0.001, name="strict.toml")
        d = self.data_dir("strict")
        r = run(d, strict, check=False)
        self.assertEqual(r["status"], "failed", r)
        self.assertIn("error budget exceeded", r["error"])

    def test_3_unreachable_server_and_bad_column_fail_with_a_message(self):
        bad = os.path.join(self.tmp, "bad.toml")
        with open(self.config, encoding="utf-8") as f:
            text = f.read()
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace(f"port={self.pg.port}", "port=1"))
        r = run(self.data_dir("unreachable"), bad, check=False)
        self.assertEqual(r["status"], "failed")
        self.assertIn("cannot connect to PostgreSQL", r["error"])
        with open(bad, "w", encoding="utf-8") as f:
            f.write(text.replace('table = "tickets"',
                                 'query = "SELECT ticket_no, updated_at FROM tickets"'))
        r = run(self.data_dir("narrow"), bad, check=False)
        self.assertEqual(r["status"], "failed")
        self.assertIn("reads column 'serial'", r["error"])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
