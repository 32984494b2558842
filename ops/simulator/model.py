"""The hidden causal model: installed base, component failures over months in
service (Weibull renewal processes), the planted defect, diagnosis, fixes that
hold or not, and the repeat visits a failed fix causes.

Times are days (float) since the start of the simulated period.
"""

import math
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


@dataclass(slots=True)
class Unit:
    serial: str
    product: str
    family: str
    ship_day: float
    install_day: float
    customer: str
    region: str


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
    repeat_of: "Case|None" = None
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
    r = rng.random() * sum(w for _, w in weighted)
    for item, w in weighted:
        r -= w
        if r <= 0:
            return item
    return weighted[-1][0]


def build_fleet(rng, p):
    n_units = max(10, round(p.cases / expected_cases_per_unit(p)))
    weights = ship_weights(p.months)
    products = [(m, s) for m, _, _, _, s in cat.PRODUCTS]
    family = {m: f for m, _, f, _, _ in cat.PRODUCTS}
    n_customers = max(1, int(n_units * 0.8))
    units = []
    month_items = list(enumerate(weights))
    ship_days = sorted(
        (pick(rng, month_items) + rng.random()) * MONTH_DAYS for _ in range(n_units))
    for i, ship in enumerate(ship_days):
        model = pick(rng, products)
        units.append(
            Unit(serial=f"{family[model]}{i:08d}", product=model, family=family[model],
                 ship_day=ship, install_day=ship + rng.uniform(3, 30),
                 customer=f"CUST-{rng.randrange(n_customers):06d}",
                 region=rng.choice(cat.REGIONS)))
    return units


def _siblings(component, product):
    """Components of the same product that share a fault code: what a
    technician may blame instead."""
    codes = {c for c, _ in cat.COMPONENTS[component]["codes"]}
    out = [c for c in flat_bom(product) if c != component and
           codes & {x for x, _ in cat.COMPONENTS[c]["codes"]}]
    return out or [c for c in flat_bom(product) if c != component]


def _episode(rng, p, unit, component, t_fail, origin, renewal, end, out):
    """One failure and the visits it takes to fix it. Returns the day the part
    was renewed, or None when the period ends first."""
    comp = cat.COMPONENTS[component]
    prev = None
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
        case = Case(serial=unit.serial, product=unit.product, true_component=component,
                    cause=cause, cause_zh=cause_zh, diagnosed=diagnosed, fix=fix, held=held,
                    origin=origin if attempt == 0 else "repeat", renewal=renewal,
                    fail_day=t, opened_day=opened, closed_day=closed, repeat_of=prev)
        out.append(case)
        if closed < 0:
            return None
        if held:
            return closed
        prev = case
        attempt += 1
        t = closed + rng.uniform(5, 28)
        if t >= end:
            return None


def simulate_cases(rng, p, units):
    end = p.months * MONTH_DAYS
    cases = []
    d = cat.DEFECT
    for u in units:
        for component in flat_bom(u.product):
            k, lam = cat.COMPONENTS[component]["weibull"]
            t0 = u.install_day
            renewal = 0
            while True:
                life = lam * (-math.log(1.0 - rng.random())) ** (1.0 / k) * MONTH_DAYS
                t = t0 + life
                if t >= end:
                    break
                t0 = _episode(rng, p, u, component, t, "wear", renewal, end, cases)
                if t0 is None:
                    break
                renewal += 1
            if p.defect and u.product == d["product"] and component == d["component"]:
                t = max(u.install_day, d["from_month"] * MONTH_DAYS)
                while True:
                    t += rng.expovariate(d["extra_rate_per_unit_month"]) * MONTH_DAYS
                    if t >= end:
                        break
                    _episode(rng, p, u, component, t, "defect", -1, end, cases)
        # Tickets that find no fault.
        t = u.install_day
        while True:
            t += rng.expovariate(p.no_fault_rate) * MONTH_DAYS
            if t >= end:
                break
            opened = t
            closed = opened + rng.lognormvariate(math.log(0.5), 0.5)
            cases.append(Case(serial=u.serial, product=u.product, true_component="", cause="",
                              cause_zh="", diagnosed="", fix="", held=True, origin="no_fault",
                              renewal=-1, fail_day=t, opened_day=opened,
                              closed_day=closed if closed < end - 2 else -1.0))
    cases.sort(key=lambda c: (c.opened_day, c.serial))
    for i, c in enumerate(cases):
        c.case_id = f"T{i + 1:08d}"
    return cases
