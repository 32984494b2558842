"""The hidden causal model: installed base, component failures over months in
service (Weibull renewal processes), the planted defect, diagnosis, fixes that
hold or not, and the repeat visits a failed fix causes.

Times are days (float) since the start of the simulated period.
"""

import functools
import math
from array import array
from dataclasses import dataclass, field

import catalogue as cat

MONTH_DAYS = 30.4375


@dataclass
class Params:
    seed: int = 42
    cases: int = 1000  # target number of failure/no-fault episodes (tickets)
    start_year: int = 2023
    months: int = 36
    defect: bool = True
    malformed_rate: float = 0.005
    pii_rate: float = 0.15
    revision_rate: float = 0.02
    misdiagnosis_rate: float = 0.03
    no_fault_rate: float = 0.0005  # tickets per unit-month that find no fault
    no_serial_rate: float = 0.03
    no_model_rate: float = 0.10  # serial given, model left for enrichment
    alarm_before_failure: float = 0.6
    false_alarm_rate: float = 0.002  # per unit-month


PRODUCT_MODELS = [m for m, _, _, _, _ in cat.PRODUCTS]
PRODUCT_NO = {m: i for i, m in enumerate(PRODUCT_MODELS)}
FAMILY = {m: f for m, _, f, _, _ in cat.PRODUCTS}


@dataclass(slots=True)
class Unit:
    index: int  # position in the fleet, the number in its serial
    serial: str
    product: str
    family: str
    ship_day: float
    install_day: float
    customer_no: int
    region: str

    @property
    def customer(self):
        return customer_name(self.customer_no)


def unit_serial(family, index):
    return f"{family}{index:08d}"


def customer_name(number):
    return f"CUST-{number:06d}"


class Fleet:
    """The installed base as the passes after the first need it, a few bytes
    a unit (5 M tickets take close to 50 M units): product, install day and
    customer by unit index. Ship days and regions are only in shipments.csv."""

    def __init__(self):
        self.product_no = bytearray()  # index into PRODUCT_MODELS
        self.install_day = array("d")
        self.customer_no = array("i")

    def add(self, unit):
        self.product_no.append(PRODUCT_NO[unit.product])
        self.install_day.append(unit.install_day)
        self.customer_no.append(unit.customer_no)

    def __len__(self):
        return len(self.install_day)

    def product(self, i):
        return PRODUCT_MODELS[self.product_no[i]]

    def serial(self, i):
        return unit_serial(FAMILY[self.product(i)], i)

    def customer(self, i):
        return customer_name(self.customer_no[i])


@dataclass(slots=True)
class Case:
    serial: str
    product: str
    true_component: str  # "" for no fault found
    cause: str
    cause_zh: str
    diagnosed: str
    fix: str
    held: bool
    origin: str  # wear | defect | repeat | no_fault
    renewal: int  # 0 = the original part's first failure
    fail_day: float
    opened_day: float
    closed_day: float  # < 0 = still open at the end of the period
    unit: int  # the unit's index in the fleet
    repeat_of: str = ""  # case_id of the visit whose fix did not hold
    case_id: str = ""
    fields: dict = field(default_factory=dict)  # filled by the text generator


def flat_bom(product):
    out = []
    for item in cat.BOM[product]:
        if item in cat.ASSEMBLIES:
            out.extend(cat.ASSEMBLIES[item][1])
        else:
            out.append(item)
    return out


def ship_weights(months):
    # Shipments grow over the period and stop two months before its end.
    n = max(1, months - 2)
    w = [1.0 + 1.5 * m / n for m in range(n)]
    s = sum(w)
    return [x / s for x in w]


def cum_hazard(component, age_months):
    k, lam = cat.COMPONENTS[component]["weibull"]
    return (max(age_months, 0.0) / lam) ** k if age_months > 0 else 0.0


def expected_cases_per_unit(p):
    """Analytic estimate of tickets per shipped unit, used to size the fleet."""
    end = p.months * MONTH_DAYS
    total = 0.0
    shares = {m: s for m, _, _, _, s in cat.PRODUCTS}
    for month, w in enumerate(ship_weights(p.months)):
        age = (end - (month + 0.5) * MONTH_DAYS - 16) / MONTH_DAYS
        for model, share in shares.items():
            h = sum(cum_hazard(c, age) for c in flat_bom(model))
            if p.defect and model == cat.DEFECT["product"]:
                d0 = max(cat.DEFECT["from_month"], month)
                h += cat.DEFECT["extra_rate_per_unit_month"] * max(0.0, p.months - d0)
            total += w * share * (h * 1.08 + p.no_fault_rate * age)
    return total


def pick(rng, weighted):
    """One item of [(item, weight)], drawn by weight."""
    return _walk(weighted, rng.random() * sum(w for _, w in weighted))


def picker(weighted):
    """pick() bound to one list, for lists drawn from millions of times."""
    total = sum(w for _, w in weighted)
    return lambda rng: _walk(weighted, rng.random() * total)


def _walk(weighted, r):
    for item, w in weighted:
        r -= w
        if r <= 0:
            return item
    return weighted[-1][0]


def build_fleet(rng, p):
    """Yields the installed base in serial order, which is shipping order."""
    n_units = max(10, round(p.cases / expected_cases_per_unit(p)))
    n_customers = max(1, int(n_units * 0.8))
    pick_product = picker([(m, s) for m, _, _, _, s in cat.PRODUCTS])
    for i, ship in enumerate(_sorted_ship_days(rng, n_units, p.months)):
        model = pick_product(rng)
        yield Unit(index=i, serial=unit_serial(FAMILY[model], i), product=model,
                   family=FAMILY[model], ship_day=ship,
                   install_day=ship + rng.uniform(3, 30),
                   customer_no=rng.randrange(n_customers), region=rng.choice(cat.REGIONS))


def _sorted_ship_days(rng, n_units, months):
    """All ship days drawn first, then yielded in ascending order."""
    # A month's days all lie below the next month's, so sorting each month's
    # bucket in turn gives the order of one sort of all days, without a list
    # of tens of millions of floats.
    weights = ship_weights(months)
    pick_month = picker(list(enumerate(weights)))
    buckets = [array("d") for _ in weights]
    for _ in range(n_units):
        month = pick_month(rng)
        buckets[month].append((month + rng.random()) * MONTH_DAYS)
    for month in range(len(buckets)):
        days = sorted(buckets[month])
        buckets[month] = None
        yield from days


def _siblings(component, product):
    """Components of the same product that share a fault code: what a
    technician may blame instead."""
    codes = {c for c, _ in cat.COMPONENTS[component]["codes"]}
    out = [c for c in flat_bom(product) if c != component and
           codes & {x for x, _ in cat.COMPONENTS[c]["codes"]}]
    return out or [c for c in flat_bom(product) if c != component]


def _episode(rng, p, unit, component, t_fail, origin, renewal, end, out):
    """One failure and the visits it takes to fix it, appended to out: each
    repeat visit right after the visit it repeats. Returns the day the part
    was renewed, or None when the period ends first."""
    comp = cat.COMPONENTS[component]
    t = t_fail
    attempt = 0
    while True:
        opened = t + rng.expovariate(2.0)
        if opened >= end:
            return None
        cause, cause_zh = rng.choice(comp["causes"])
        diagnosed = component
        if rng.random() < p.misdiagnosis_rate:
            diagnosed = rng.choice(_siblings(component, unit.product))
        fixes = cat.COMPONENTS[diagnosed]["fixes"]
        if attempt > 0 and len(fixes) > 1:
            # After a repeat the technician mostly picks the thorough fix.
            fixes = [(fixes[0][0], 0.8)] + [(f, 0.2 / (len(fixes) - 1)) for f, _ in fixes[1:]]
        fix = pick(rng, fixes)
        held = diagnosed == component and rng.random() < cat.FIXES[fix][4]
        closed = opened + rng.lognormvariate(math.log(1.5), 0.6)
        if closed >= end - 2:
            closed = -1.0
        out.append(Case(serial=unit.serial, product=unit.product, true_component=component,
                        cause=cause, cause_zh=cause_zh, diagnosed=diagnosed, fix=fix, held=held,
                        origin=origin if attempt == 0 else "repeat", renewal=renewal,
                        fail_day=t, opened_day=opened, closed_day=closed, unit=unit.index))
        if closed < 0:
            return None
        if held:
            return closed
        attempt += 1
        t = closed + rng.uniform(5, 28)
        if t >= end:
            return None


@functools.cache
def _lifetimes(product):
    """(part, Weibull scale, 1 / shape) of each part of a product."""
    return [(c, cat.COMPONENTS[c]["weibull"][1], 1.0 / cat.COMPONENTS[c]["weibull"][0])
            for c in flat_bom(product)]


def simulate_unit(rng, p, unit):
    """One unit's tickets, in the order the model draws them."""
    end = p.months * MONTH_DAYS
    cases = []
    d = cat.DEFECT
    for component, lam, inverse_k in _lifetimes(unit.product):
        t0 = unit.install_day
        renewal = 0
        while True:
            life = lam * (-math.log(1.0 - rng.random())) ** inverse_k * MONTH_DAYS
            t = t0 + life
            if t >= end:
                break
            t0 = _episode(rng, p, unit, component, t, "wear", renewal, end, cases)
            if t0 is None:
                break
            renewal += 1
        if p.defect and unit.product == d["product"] and component == d["component"]:
            t = max(unit.install_day, d["from_month"] * MONTH_DAYS)
            while True:
                t += rng.expovariate(d["extra_rate_per_unit_month"]) * MONTH_DAYS
                if t >= end:
                    break
                _episode(rng, p, unit, component, t, "defect", -1, end, cases)
    # Tickets that find no fault.
    t = unit.install_day
    while True:
        t += rng.expovariate(p.no_fault_rate) * MONTH_DAYS
        if t >= end:
            break
        opened = t
        closed = opened + rng.lognormvariate(math.log(0.5), 0.5)
        cases.append(Case(serial=unit.serial, product=unit.product, true_component="", cause="",
                          cause_zh="", diagnosed="", fix="", held=True, origin="no_fault",
                          renewal=-1, fail_day=t, opened_day=opened,
                          closed_day=closed if closed < end - 2 else -1.0, unit=unit.index))
    return cases


# Tickets are numbered in the order they were opened (ties by serial), across
# all units: the failure pass hands its cases to the ticket pass through an
# external sort of these rows. seq numbers the cases in the order drawn, so a
# repeat visit (drawn right after the visit it repeats) finds that visit's id.

def case_rows(cases, first_seq):
    """Sort rows of one unit's cases, numbered from first_seq."""
    for i, c in enumerate(cases):
        repeated = i + 1 < len(cases) and cases[i + 1].origin == "repeat"
        yield (c.opened_day, c.serial, first_seq + i, repeated, c.unit, c.product,
               c.true_component, c.cause, c.cause_zh, c.diagnosed, c.fix, c.held, c.origin,
               c.renewal, c.fail_day, c.closed_day)


def case_sort_key(row):
    return row[0], row[1]


def numbered_cases(sorted_rows):
    """Cases from rows in case_sort_key order, with their ids and the ids of
    the visits they repeat."""
    ids_of_repeated = {}  # seq -> case_id, until the repeat visit takes it
    for n, row in enumerate(sorted_rows, start=1):
        (opened, serial, seq, repeated, unit, product, component, cause, cause_zh, diagnosed,
         fix, held, origin, renewal, fail_day, closed) = row
        c = Case(serial=serial, product=product, true_component=component, cause=cause,
                 cause_zh=cause_zh, diagnosed=diagnosed, fix=fix, held=held, origin=origin,
                 renewal=renewal, fail_day=fail_day, opened_day=opened, closed_day=closed,
                 unit=unit, case_id=f"T{n:08d}")
        if origin == "repeat":
            # Opened at least five days after the visit it repeats, so numbered after it.
            c.repeat_of = ids_of_repeated.pop(seq - 1)
        if repeated:
            ids_of_repeated[seq] = c.case_id
        yield c
