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
    def __init__(self, start_year):
        self.t0 = datetime(start_year, 1, 1, tzinfo=timezone.utc)

    def at(self, day):
        # Whole minutes, so every export format shows the same instant.
        return self.t0 + timedelta(minutes=round(day * 1440))

    def minute(self, day, fmt="%Y-%m-%d %H:%M"):
        return self.at(day).strftime(fmt)

    def date(self, day):
        return self.at(day).strftime("%Y-%m-%d")

    def epoch_ms(self, day):
        return int(self.at(day).timestamp()) * 1000

    def month(self, day):
        return self.at(day).strftime("%Y-%m")


def _csv_line(values, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(values)
    return buf.getvalue()


class CsvExport:
    """Rows of one CSV file; `corrupt` damages some of them on the way out."""

    def __init__(self, path, header, encoding="utf-8"):
        self.path = path
        self.header = header
        self.encoding = encoding
        self.rows = []  # (values, key)

    def add(self, values, key):
        self.rows.append(([str(v) for v in values], key))

    def write(self, rng, rate, kinds, log, date_col=None, key_col=0):
        out = io.BytesIO()
        out.write(_csv_line(self.header).encode(self.encoding))
        line = 1
        for values, key in self.rows:
            line += 1
            if rng.random() < rate / 2:
                out.write(b"\n")  # an empty row: skipped by readers, not an error
                line += 1
            kind = rng.choice(kinds) if rate > 0 and rng.random() < rate else None
            data = self._damage(rng, values, kind, date_col, key_col)
            if kind:
                log.append({"file": self.path, "line": line, "kind": kind, "key": key})
            out.write(data)
        return out.getvalue()

    def _damage(self, rng, values, kind, date_col, key_col):
        v = list(values)
        if kind == "bad_date":
            v[date_col] = rng.choice(["2024-13-45 25:61", "yesterday", "31/02/2024"])
        elif kind == "missing_key":
            v[key_col] = ""
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


def erp(p, units, clock):
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


def shipments(units, clock):
    """The installed base, rendered at once: at benchmark scale it is
    millions of rows and is never damaged."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["serial", "model", "ship_date", "install_date", "customer", "region"])
    for u in units:
        w.writerow([u.serial, u.product, clock.date(u.ship_day), clock.date(u.install_day),
                    u.customer, u.region])
    return buf.getvalue().encode("utf-8")


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


def tickets(rng, p, cases, units_by_serial, clock):
    """CRM tickets, ordered by last modification as an incremental export is;
    a few appear twice: first while open, then closed with the diagnosis."""
    rows = []
    for c in cases:
        u = units_by_serial[c.serial]
        codes = _codes(rng, c)
        text, lang = tt.symptom_text(rng, p, c, codes)
        notes = tt.agent_notes(rng, c, lang) if c.closed_day >= 0 else ""
        channel = model.pick(rng, cat.CHANNELS)
        c.fields = {"codes": codes, "lang": lang, "channel": channel}
        serial = "" if rng.random() < p.no_serial_rate else u.serial
        model_col = u.product if not serial or rng.random() >= p.no_model_rate else ""
        closed = c.closed_day >= 0
        parts, labour, cost, csat = "", "", "", ""
        if closed and c.fix:
            fparts = cat.FIXES[c.fix][2]
            parts = ";".join(cat.FIX_PART_OVERRIDE.get((c.fix, c.diagnosed), x) for x in fparts)
            labour = max(10, round(cat.FIXES[c.fix][3] * rng.lognormvariate(0, 0.3)))
            cost = f"{labour * 1.5 + 180 * len(fparts):.2f}"
        if closed and rng.random() < 0.6:
            score = 5 - (2 if c.repeat_of is not None else 0) - (1 if c.closed_day - c.opened_day > 3 else 0)
            csat = max(1, min(5, score + rng.choice([-1, 0, 0, 1])))
        diagnosed = c.diagnosed if closed else ""
        cause = c.cause if closed and c.diagnosed == c.true_component else ""
        modified = c.closed_day if closed else c.opened_day
        final = [c.case_id, serial, model_col, clock.minute(c.opened_day),
                 clock.minute(c.closed_day) if closed else "", channel, text, notes,
                 ";".join(codes), diagnosed, cause, c.fix if closed else "", parts, labour, cost,
                 csat, "closed" if closed else "open", clock.minute(modified, "%Y-%m-%d %H:%M:%S")]
        if closed and rng.random() < p.revision_rate:
            first = final[:4] + ["", channel, text, ""] + [";".join(codes)] + [""] * 7 + \
                    ["open", clock.minute(c.opened_day, "%Y-%m-%d %H:%M:%S")]
            rows.append((c.opened_day, first, c.case_id))
        rows.append((modified, final, c.case_id))
    rows.sort(key=lambda r: (r[0], r[2]))
    out = CsvExport("crm/tickets.csv", TICKET_HEADER)
    for _, values, key in rows:
        out.add(values, key)
    return out


CALL_HEADER = ["呼叫编号", "来电时间", "客户", "机身号", "工单号", "时长秒", "坐席备注"]


def calls(rng, p, cases, units, units_by_serial, clock):
    """Call-centre CDRs (GB18030, as a Chinese Excel saves them): the call that
    opened a ticket, repeat calls chasing an open ticket, and plain questions."""
    items = []
    end = p.months * model.MONTH_DAYS
    for c in cases:
        u = units_by_serial[c.serial]
        if c.fields.get("channel") == "phone":
            items.append((c.opened_day - 0.01, u, c, "report"))
        if rng.random() < 0.15:
            stop = c.closed_day if c.closed_day >= 0 else end
            for _ in range(rng.randint(1, 3)):
                items.append((rng.uniform(c.opened_day, stop), u, c, "chase"))
    for _ in range(len(cases) // 10):
        u = rng.choice(units)
        items.append((rng.uniform(u.install_day, end), u, None, "question"))
    items = [it for it in items if 0 <= it[0] < end]
    items.sort(key=lambda it: (it[0], it[1].serial))
    out = CsvExport("callcenter/calls.csv", CALL_HEADER, encoding="gb18030")
    for i, (day, u, c, kind) in enumerate(items):
        note = tt.call_note(rng, kind)
        if rng.random() < p.pii_rate / 2:
            note += "，回拨" + tt.mobile(rng)
        key = f"CDR{i + 1:08d}"
        out.add([key, clock.minute(day), u.customer, u.serial, c.case_id if c else "",
                 max(20, round(rng.lognormvariate(math.log(180), 0.6))), note], key)
    return out


def alarms(rng, p, cases, units, units_by_serial, clock):
    """Sensor alarms as JSON Lines: some precede failures, some are noise."""
    end = p.months * model.MONTH_DAYS
    items = []
    for c in cases:
        if not c.true_component or c.origin == "repeat":
            continue
        spec = cat.COMPONENTS[c.true_component]["alarms"]
        if spec and rng.random() < p.alarm_before_failure:
            code, meas, (lo, hi) = rng.choice(spec)
            for _ in range(rng.randint(1, 3)):
                items.append((c.fail_day - rng.uniform(0.5, 10), c.serial, code, meas,
                              round(rng.uniform(lo, hi), 1), "critical"))
    for u in units:
        specs = [s for comp in model.flat_bom(u.product) for s in cat.COMPONENTS[comp]["alarms"]]
        if not specs:
            continue
        t = u.install_day
        while True:
            t += rng.expovariate(p.false_alarm_rate) * model.MONTH_DAYS
            if t >= end:
                break
            code, meas, (lo, hi) = rng.choice(specs)
            items.append((t, u.serial, code, meas, round(rng.uniform(lo, hi), 1), "warning"))
    items = [it for it in items if 0 <= it[0] < end]
    items.sort(key=lambda it: (it[0], it[1]))
    lines = []
    for i, (day, serial, code, meas, value, sev) in enumerate(items):
        obj = {"id": f"AL{i + 1:09d}",
               "unit": {"serial": serial, "model": units_by_serial[serial].product},
               "ts": clock.epoch_ms(day), "alarm": code, "measurement": meas, "value": value,
               "severity": sev}
        lines.append((obj["id"], obj))
    return lines


def write_jsonl(rng, path, lines, rate, log):
    out = io.BytesIO()
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
        out.write(text.encode("utf-8") + b"\n")
    return out.getvalue()
