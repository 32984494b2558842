"""The four source systems' exports, in the shapes real systems produce, with
malformed rows injected at the configured rate (each one recorded, so tests
know exactly which rows the dead-letter store must hold)."""

import csv
import io
import json
import math
from datetime import datetime, timedelta, timezone

import catalogue as cat
import model
import ticket_text as tt


class Clock:
    """Days since the start of the period as the exports show them: whole
    minutes, so every export format shows the same instant."""

    def __init__(self, start_year):
        self.t0 = datetime(start_year, 1, 1, tzinfo=timezone.utc)
        self.t0_seconds = int(self.t0.timestamp())
        self.dates = {}  # whole days since t0 -> "YYYY-MM-DD"; strftime is slow

    def at(self, day):
        return self.t0 + timedelta(minutes=round(day * 1440))

    def minute(self, day, seconds=False):
        days, minutes = divmod(round(day * 1440), 1440)
        text = f"{self._date(days)} {minutes // 60:02d}:{minutes % 60:02d}"
        return text + ":00" if seconds else text

    def date(self, day):
        return self._date(round(day * 1440) // 1440)

    def epoch_ms(self, day):
        return (self.t0_seconds + round(day * 1440) * 60) * 1000

    def month(self, day):
        return self.at(day).strftime("%Y-%m")

    def _date(self, days):
        text = self.dates.get(days)
        if text is None:
            text = self.dates[days] = (self.t0 + timedelta(days=days)).strftime("%Y-%m-%d")
        return text


def _csv_line(values, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(values)
    return buf.getvalue()


class DamagingCsvWriter:
    """Writes one CSV file row by row to a binary file, damaging some rows on
    the way out (each one logged with its line)."""

    def __init__(self, f, path, header, rng, rate, kinds, log, encoding="utf-8", date_col=None,
                 key_col=0):
        self.f = f
        self.path = path
        self.encoding = encoding
        self.rng = rng
        self.rate = rate
        self.kinds = kinds
        self.log = log
        self.date_col = date_col
        self.key_col = key_col
        self.line = 1
        self.rows = 0
        f.write(_csv_line(header).encode(encoding))

    def write(self, values, key):
        rng, rate = self.rng, self.rate
        self.rows += 1
        self.line += 1
        if rng.random() < rate / 2:
            self.f.write(b"\n")  # an empty row: skipped by readers, not an error
            self.line += 1
        kind = rng.choice(self.kinds) if rate > 0 and rng.random() < rate else None
        data = self._damage([str(v) for v in values], kind)
        if kind:
            self.log.append({"file": self.path, "line": self.line, "kind": kind, "key": key})
        self.f.write(data)

    def _damage(self, v, kind):
        rng = self.rng
        if kind == "bad_date":
            v[self.date_col] = rng.choice(["2024-13-45 25:61", "yesterday", "31/02/2024"])
        elif kind == "missing_key":
            v[self.key_col] = ""
        elif kind == "column_count":
            v = v[:-3]
        text = _csv_line(v).encode(self.encoding)
        if kind == "unbalanced_quote":
            # An opening quote nobody closes: the classic hand-edited export.
            cut = text.index(b",") + 1
            text = text[:cut] + b'"' + text[cut:].replace(b'"', b"")
        elif kind == "invalid_utf8":
            cut = text.index(b",") + 1
            text = text[:cut] + b"\xff\xfe" + text[cut:]
        return text


class CsvExport:
    """Rows of one small CSV file, held until written."""

    def __init__(self, path, header, encoding="utf-8"):
        self.path = path
        self.header = header
        self.encoding = encoding
        self.rows = []  # (values, key)

    def add(self, values, key):
        self.rows.append((values, key))

    def write(self, rng, rate, kinds, log):
        out = io.BytesIO()
        w = DamagingCsvWriter(out, self.path, self.header, rng, rate, kinds, log, self.encoding)
        for values, key in self.rows:
            w.write(values, key)
        return out.getvalue()


def erp():
    products = CsvExport("erp/products.csv",
                         ["model", "name", "family", "category", "warranty_months"])
    for m, name, fam, category, _ in cat.PRODUCTS:
        products.add([m, name, fam, category, str(cat.WARRANTY_MONTHS[fam])], m)
    components = CsvExport("erp/components.csv", ["part_number", "name", "category"])
    for asm, (name, _) in cat.ASSEMBLIES.items():
        components.add([asm, name, "assembly"], asm)
    for pn, c in cat.COMPONENTS.items():
        components.add([pn, c["name"], c["category"]], pn)
    bom = CsvExport("erp/bom.csv", ["parent", "component", "qty"])
    for m, items in cat.BOM.items():
        for it in items:
            bom.add([m, it, 1], f"{m}|{it}")
    for asm, (_, parts) in cat.ASSEMBLIES.items():
        for it in parts:
            bom.add([asm, it, 1], f"{asm}|{it}")
    return [products, components, bom]


SHIPMENT_HEADER = ["serial", "model", "ship_date", "install_date", "customer", "region"]


def shipment_row(u, clock):
    """The installed base is never damaged."""
    return [u.serial, u.product, clock.date(u.ship_day), clock.date(u.install_day), u.customer,
            u.region]


def fixes_catalogue():
    out = CsvExport("crm/fixes.csv", ["action", "title", "steps", "parts", "labour", "applies_to"])
    for action, (title, steps, parts, labour, _) in cat.FIXES.items():
        applies = sorted({pn for pn, c in cat.COMPONENTS.items()
                          if any(f == action for f, _ in c["fixes"])})
        out.add([action, title, steps, ";".join(parts), labour, ";".join(applies)], action)
    return out


TICKET_HEADER = ["ticket_no", "serial", "model", "opened_at", "closed_at", "channel", "symptom",
                 "agent_notes", "fault_codes", "diagnosed_part", "failure_cause", "fix_code",
                 "parts_replaced", "labour_min", "cost", "csat", "status", "last_modified"]


def _codes(rng, case):
    if not case.true_component:
        return []
    return [c for c, prob in cat.COMPONENTS[case.true_component]["codes"] if rng.random() < prob]


def ticket_rows(rng, p, c, clock):
    """One case's CRM rows as (last modified, case_id, values, revised). The
    export is ordered by last modification, as an incremental export is; a
    few tickets (revised) appear twice: first while open, then closed with
    the diagnosis."""
    codes = _codes(rng, c)
    text, lang = tt.symptom_text(rng, p, c, codes)
    notes = tt.agent_notes(rng, c, lang) if c.closed_day >= 0 else ""
    channel = model.pick(rng, cat.CHANNELS)
    c.fields = {"codes": codes, "lang": lang, "channel": channel}
    serial = "" if rng.random() < p.no_serial_rate else c.serial
    model_col = c.product if not serial or rng.random() >= p.no_model_rate else ""
    closed = c.closed_day >= 0
    parts, labour, cost, csat = "", "", "", ""
    if closed and c.fix:
        fparts = cat.FIXES[c.fix][2]
        parts = ";".join(cat.FIX_PART_OVERRIDE.get((c.fix, c.diagnosed), x) for x in fparts)
        labour = max(10, round(cat.FIXES[c.fix][3] * rng.lognormvariate(0, 0.3)))
        cost = f"{labour * 1.5 + 180 * len(fparts):.2f}"
    if closed and rng.random() < 0.6:
        score = 5 - (2 if c.repeat_of else 0) - (1 if c.closed_day - c.opened_day > 3 else 0)
        csat = max(1, min(5, score + rng.choice([-1, 0, 0, 1])))
    diagnosed = c.diagnosed if closed else ""
    cause = c.cause if closed and c.diagnosed == c.true_component else ""
    modified = c.closed_day if closed else c.opened_day
    final = [c.case_id, serial, model_col, clock.minute(c.opened_day),
             clock.minute(c.closed_day) if closed else "", channel, text, notes,
             ";".join(codes), diagnosed, cause, c.fix if closed else "", parts, labour, cost,
             csat, "closed" if closed else "open", clock.minute(modified, seconds=True)]
    if closed and rng.random() < p.revision_rate:
        first = final[:4] + ["", channel, text, ""] + [";".join(codes)] + [""] * 7 + \
                ["open", clock.minute(c.opened_day, seconds=True)]
        return [(c.opened_day, c.case_id, first, True), (modified, c.case_id, final, True)]
    return [(modified, c.case_id, final, False)]


def ticket_sort_key(row):
    return row[0], row[1]


CALL_HEADER = ["呼叫编号", "来电时间", "客户", "机身号", "工单号", "时长秒", "坐席备注"]

# Call-centre CDRs (GB18030, as a Chinese Excel saves them): the call that
# opened a ticket, repeat calls chasing an open ticket, and plain questions.
# Calls are drawn as (day, serial, unit index, case_id, kind), sorted by day
# and serial, then given their text.


def case_calls(rng, c, end):
    calls = []
    if c.fields.get("channel") == "phone":
        calls.append((c.opened_day - 0.01, c.serial, c.unit, c.case_id, "report"))
    if rng.random() < 0.15:
        stop = c.closed_day if c.closed_day >= 0 else end
        for _ in range(rng.randint(1, 3)):
            calls.append((rng.uniform(c.opened_day, stop), c.serial, c.unit, c.case_id, "chase"))
    return calls


def question_calls(rng, n, fleet, end):
    units = range(len(fleet))
    for _ in range(n):
        i = rng.choice(units)  # the same draw as choosing from a list of all units
        yield rng.uniform(fleet.install_day[i], end), fleet.serial(i), i, "", "question"


def call_sort_key(call):
    return call[0], call[1]


def call_rows(rng, p, sorted_calls, fleet, clock):
    """(values, key) of each CDR."""
    for i, (day, serial, unit, case_id, kind) in enumerate(sorted_calls):
        note = tt.call_note(rng, kind)
        if rng.random() < p.pii_rate / 2:
            note += "，回拨" + tt.mobile(rng)
        key = f"CDR{i + 1:08d}"
        yield [key, clock.minute(day), fleet.customer(unit), serial, case_id,
               max(20, round(rng.lognormvariate(math.log(180), 0.6))), note], key


# Sensor alarms as JSON Lines: some precede failures, some are noise. Alarms
# are drawn as (day, serial, unit index, code, measurement, value, severity),
# then sorted by day and serial.


def failure_alarms(rng, p, c):
    if not c.true_component or c.origin == "repeat":
        return []
    spec = cat.COMPONENTS[c.true_component]["alarms"]
    alarms = []
    if spec and rng.random() < p.alarm_before_failure:
        code, meas, (lo, hi) = rng.choice(spec)
        for _ in range(rng.randint(1, 3)):
            alarms.append((c.fail_day - rng.uniform(0.5, 10), c.serial, c.unit, code, meas,
                           round(rng.uniform(lo, hi), 1), "critical"))
    return alarms


def noise_alarms(rng, p, fleet):
    end = p.months * model.MONTH_DAYS
    specs_of_product = [[s for comp in model.flat_bom(m) for s in cat.COMPONENTS[comp]["alarms"]]
                        for m in model.PRODUCT_MODELS]
    for i, product_no in enumerate(fleet.product_no):
        specs = specs_of_product[product_no]
        if not specs:
            continue
        t = fleet.install_day[i]
        while True:
            t += rng.expovariate(p.false_alarm_rate) * model.MONTH_DAYS
            if t >= end:
                break
            code, meas, (lo, hi) = rng.choice(specs)
            yield t, fleet.serial(i), i, code, meas, round(rng.uniform(lo, hi), 1), "warning"


def alarm_sort_key(alarm):
    return alarm[0], alarm[1]


def alarm_objects(sorted_alarms, fleet, clock):
    """(key, JSON object) of each alarm."""
    for i, (day, serial, unit, code, meas, value, sev) in enumerate(sorted_alarms):
        obj = {"id": f"AL{i + 1:09d}",
               "unit": {"serial": serial, "model": fleet.product(unit)},
               "ts": clock.epoch_ms(day), "alarm": code, "measurement": meas, "value": value,
               "severity": sev}
        yield obj["id"], obj


def write_jsonl(rng, f, path, lines, rate, log):
    """Writes (key, object) lines to a binary file, damaging some; returns
    how many."""
    n = 0
    for n, (key, obj) in enumerate(lines, start=1):
        kind = rng.choice(["broken_json", "missing_serial", "bad_time"]) \
            if rate > 0 and rng.random() < rate else None
        if kind == "missing_serial":
            obj = dict(obj, unit={"model": obj["unit"]["model"]})
        elif kind == "bad_time":
            obj = dict(obj, ts="yesterday")
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        if kind == "broken_json":
            text = text[: len(text) // 2]
        if kind:
            log.append({"file": path, "line": n, "kind": kind, "key": key})
        f.write(text.encode("utf-8") + b"\n")
    return n
