"""Arrears (补发): months an entitlement was owed before a payroll paid it.

A month is owed when a monthly payroll of that month covering the entitlement (its region and
program) was generated without paying it — it was approved late, or with a first month set
back — and no regular or arrears line pays it anywhere. Only payrolls Huimin made count: months
before an office's first payroll in Huimin were paid by the system before it (a caseload
carried over keeps its old first month), and a month no payroll was made for yet is paid by
making that month's payroll.

The next monthly payroll pays each owed month as an arrears line of its own month and of the
amount valid then, back to `payments.arrears_max_months` (a dated regional parameter) before
the payroll's month; older months are not paid automatically — the check lists them
(`arrears_beyond_limit`).

Set-based, and cheap where nothing is owed (every month but a few): a chunk's lines within the
limit are counted per entitlement in one index range scan and compared with the months the
earlier payrolls covered; only an entitlement with fewer lines than months is looked at month by
month (`OWED_SQL`).
"""

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q

from huimin.payments.amounts import amount_histories, months_before
from huimin.payments.lines_bulk import Arrear, EntitlementRow
from huimin.payments.models import CycleKind, LineKind, LineStatus, PayrollCycle
from huimin.programs.parameters import live_parameters

ARREARS_PARAMETER = "payments.arrears_max_months"
REGION_LENGTHS = (2, 4, 6, 9, 12)
IDS_PER_QUERY = 2000

# Each entitlement's months that payroll `c` covered but no line pays. The entitlements
# (`{entitlements}`) and the payrolls (`{cycles}`) are lists of parameters.
OWED_SQL = """
SELECT e.id, c.month FROM casework_entitlement e
JOIN payments_payrollcycle c ON c.id IN ({cycles})
WHERE e.id IN ({entitlements}) AND e.program = %s
AND c.month >= e.start_month AND (e.end_month IS NULL OR c.month <= e.end_month)
AND e.region_code LIKE c.region_code || '%%'
AND NOT EXISTS (
    SELECT 1 FROM payments_paymentline x WHERE x.entitlement_id = e.id AND x.month = c.month
    AND x.kind IN ('regular', 'arrears'))
ORDER BY e.id, c.month
"""

# How many months from `since` to before `until` (and within its own months) each entitlement
# has a regular or arrears line for: at most one a month, by the unique constraint.
COUNT_SQL = """
SELECT x.entitlement_id, COUNT(*) FROM payments_paymentline x
JOIN casework_entitlement e ON e.id = x.entitlement_id
WHERE x.entitlement_id IN ({entitlements}) AND x.kind IN ('regular', 'arrears')
AND x.month >= %s AND x.month < %s
AND x.month >= e.start_month AND (e.end_month IS NULL OR x.month <= e.end_month)
GROUP BY x.entitlement_id
"""

# The first month each entitlement has a regular or arrears line for.
FIRST_PAID_SQL = """
SELECT x.entitlement_id, MIN(x.month) FROM payments_paymentline x
WHERE x.entitlement_id IN ({entitlements}) AND x.kind IN ('regular', 'arrears')
GROUP BY x.entitlement_id
"""


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _places(values: Sequence[int]) -> tuple[str, list[Any]]:
    """What goes inside `IN (…)` for these ids, and its parameters: on PostgreSQL one array (a
    list of thousands of placeholders costs more to bind than the query costs to run)."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [list(values)]
    return ", ".join(["%s"] * len(values)), list(values)


def _in_batches(sql: str, ids: Sequence[int], *after: dt.date) -> list[tuple]:
    """`sql` run for the ids `IDS_PER_QUERY` at a time (`{entitlements}` is their place)."""
    found: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), IDS_PER_QUERY):
            places, batch = _places(ids[start : start + IDS_PER_QUERY])
            dates = [connection.ops.adapt_datefield_value(day) for day in after]
            cursor.execute(sql.format(entitlements=places), [*batch, *dates])
            found.extend(cursor.fetchall())
    return found


class Coverage:
    """The generated monthly payrolls of months before a payroll's, whose region holds or lies
    within its region: the months they covered, per program and village."""

    def __init__(self, cycle: PayrollCycle) -> None:
        self.rows: list[tuple[int, str, dt.date, list[str]]] = []
        if cycle.kind == CycleKind.MONTHLY:
            code = cycle.region_code
            prefixes = [code[:n] for n in REGION_LENGTHS if n <= len(code)]
            found = PayrollCycle.objects.filter(
                kind=CycleKind.MONTHLY, generated=True, month__lt=cycle.month
            ).filter(Q(region_code__in=prefixes) | Q(region_code__startswith=code))
            self.rows = list(
                found.order_by("month", "pk").values_list("pk", "region_code", "month", "programs")
            )
        self._months: dict[tuple[str, str], list[dt.date]] = {}

    def __bool__(self) -> bool:
        return bool(self.rows)

    def payrolls(self, program: str) -> list[int]:
        return [pk for pk, _region, _month, programs in self.rows if program in programs]

    def months(self, program: str, village: str) -> list[dt.date]:
        key = (program, village)
        if key not in self._months:
            self._months[key] = sorted(
                {
                    month
                    for _pk, region, month, programs in self.rows
                    if program in programs and village.startswith(region)
                }
            )
        return self._months[key]

    def count(self, program: str, village: str, first: dt.date, before: dt.date) -> int:
        """How many months from `first` to before `before` a payroll covered."""
        months = self.months(program, village)
        return max(0, bisect_left(months, before) - bisect_left(months, first))


def months_owed(
    entitlements: Iterable[tuple[int, str]], coverage: Coverage
) -> dict[int, list[dt.date]]:
    """Entitlement -> its months owed (see the module), for (id, program) pairs, month by month:
    one query per program among them."""
    by_program: dict[str, list[int]] = {}
    for pk, program in entitlements:
        by_program.setdefault(program, []).append(pk)
    owed: dict[int, list[dt.date]] = {}
    for program, ids in sorted(by_program.items()):
        cycles = coverage.payrolls(program)
        if not cycles:
            continue
        cycle_places, cycle_params = _places(cycles)
        sql = OWED_SQL.replace("{cycles}", cycle_places)
        for start in range(0, len(ids), IDS_PER_QUERY):
            places, batch = _places(ids[start : start + IDS_PER_QUERY])
            with connection.cursor() as cursor:
                cursor.execute(sql.format(entitlements=places), [*cycle_params, *batch, program])
                for pk, month in cursor.fetchall():
                    owed.setdefault(pk, []).append(_as_date(month))
    return owed


def arrears_limits(villages: Iterable[str], month: dt.date) -> dict[str, dt.date]:
    """Village -> the oldest month a payroll of `month` pays there as arrears."""
    parameters = live_parameters()
    return {
        village: months_before(
            month, int(parameters.resolve(ARREARS_PARAMETER, village, f"{month:%Y-%m}").value)
        )
        for village in set(villages)
    }


def arrears_of(cycle: PayrollCycle, rows: Sequence[EntitlementRow]) -> dict[int, list[Arrear]]:
    """Entitlement -> the months this payroll pays it as arrears, each with the amount it had
    then: the months owed back to the village's limit, and not of a zero amount."""
    coverage = Coverage(cycle)
    if not coverage or not rows:
        return {}
    limits = arrears_limits((row.region_code for row in rows), cycle.month)
    since = min(limits.values())
    covered = {
        row.pk: n
        for row in rows
        if (
            n := coverage.count(
                row.program, row.region_code, max(row.start_month, since), cycle.month
            )
        )
    }
    if not covered:
        return {}
    paid = dict(_in_batches(COUNT_SQL, sorted(covered), since, cycle.month))
    short = [(row.pk, row.program) for row in rows if paid.get(row.pk, 0) < covered.get(row.pk, 0)]
    owed = months_owed(short, coverage)
    histories = amount_histories(owed)
    arrears: dict[int, list[Arrear]] = {}
    for row in rows:
        for month in owed.get(row.pk, ()):
            then = histories[row.pk].amount_in(month)
            if month >= limits[row.region_code] and then.amount_fen > 0:
                arrears.setdefault(row.pk, []).append(Arrear(month, then.amount_fen, then.source))
    return arrears


def months_beyond_limit(cycle: PayrollCycle) -> dict[int, list[dt.date]]:
    """The payroll's regular line -> the months its entitlement is owed from before the
    village's limit, which arrears do not pay.

    Only months before the entitlement's first month paid are looked for: a month missed later
    (a gap) was within the limit of a payroll since, which paid it."""
    coverage = Coverage(cycle)
    if not coverage:
        return {}
    lines = list(
        cycle.lines.filter(kind=LineKind.REGULAR, entitlement__isnull=False)
        .exclude(status=LineStatus.EXCLUDED)
        .values_list("pk", "entitlement_id", "program", "region_code", "entitlement__start_month")
    )
    limits = arrears_limits((line[3] for line in lines), cycle.month)
    old = [line for line in lines if coverage.count(line[2], line[3], line[4], limits[line[3]])]
    if not old:
        return {}
    first_paid = {
        pk: _as_date(month) for pk, month in _in_batches(FIRST_PAID_SQL, [line[1] for line in old])
    }
    before = [
        line
        for line in old
        if coverage.count(
            line[2], line[3], line[4], min(limits[line[3]], first_paid.get(line[1], cycle.month))
        )
    ]
    owed = months_owed([(line[1], line[2]) for line in before], coverage)
    beyond: dict[int, list[dt.date]] = {}
    for line_id, entitlement_id, _program, village, _start in before:
        months = [month for month in owed.get(entitlement_id, ()) if month < limits[village]]
        if months:
            beyond[line_id] = months
    return beyond
