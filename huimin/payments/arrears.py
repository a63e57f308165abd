"""Arrears (补发): months an entitlement was owed before a payroll first paid it.

A month is owed when a monthly payroll of that month covering the entitlement (its region and
program) was generated without paying it — it was approved late, or with a first month set
back — and no regular or arrears line pays it anywhere. Only payrolls Huimin made count: months
before an office's first payroll in Huimin were paid by the system before it (a caseload
carried over keeps its old first month), and a month no payroll was made for yet is paid by
making that month's payroll.

The next monthly payroll pays each owed month as an arrears line of its own month and of the
amount valid then, back to `payments.arrears_max_months` (a dated regional parameter) before
the payroll's month; older months are not paid automatically — the check lists them
(`arrears_beyond_limit`). Both are one query per chunk or per check, set-based.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from huimin.casework.models import Decision, Entitlement, Review, ReviewProposal, ReviewStatus
from huimin.payments.lines_bulk import Arrear, EntitlementRow
from huimin.payments.models import CycleKind, PayrollCycle
from huimin.programs.parameters import live_parameters

ARREARS_PARAMETER = "payments.arrears_max_months"
REGION_LENGTHS = (2, 4, 6, 9, 12)

# An entitlement whose month `c.month` no line pays yet, though payroll `c` covered it then.
# The entitlements (`{entitlements}`) and the payrolls (`{cycles}`) are lists of parameters.
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


def months_before(month: dt.date, months: int) -> dt.date:
    """The first of the month `months` months before `month`."""
    index = month.year * 12 + month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def earlier_payrolls(cycle: PayrollCycle) -> dict[str, list[int]]:
    """Program -> the generated monthly payrolls of earlier months whose region holds or lies
    within this payroll's region: those that could have paid its entitlements."""
    if cycle.kind != CycleKind.MONTHLY:
        return {}
    code = cycle.region_code
    prefixes = [code[:n] for n in REGION_LENGTHS if n <= len(code)]
    found = PayrollCycle.objects.filter(
        kind=CycleKind.MONTHLY, generated=True, month__lt=cycle.month
    ).filter(Q(region_code__in=prefixes) | Q(region_code__startswith=code))
    by_program: dict[str, list[int]] = {}
    for pk, programs in found.order_by("pk").values_list("pk", "programs"):
        for program in programs:
            if program in cycle.programs:
                by_program.setdefault(program, []).append(pk)
    return by_program


def months_owed(
    entitlements: Iterable[tuple[int, str]], payrolls: dict[str, list[int]]
) -> dict[int, list[dt.date]]:
    """Entitlement -> the months owed (see the module), for (id, program) pairs: one query per
    program among them."""
    by_program: dict[str, list[int]] = {}
    for pk, program in entitlements:
        if payrolls.get(program):
            by_program.setdefault(program, []).append(pk)
    owed: dict[int, list[dt.date]] = {}
    with connection.cursor() as cursor:
        for program, ids in sorted(by_program.items()):
            cycles = payrolls[program]
            sql = OWED_SQL.format(
                cycles=", ".join(["%s"] * len(cycles)), entitlements=", ".join(["%s"] * len(ids))
            )
            cursor.execute(sql, [*cycles, *ids, program])
            for pk, month in cursor.fetchall():
                owed.setdefault(pk, []).append(_as_date(month))
    return owed


def arrears_limit(village: str, month: dt.date) -> dt.date:
    """The oldest month a payroll of `month` pays as arrears in `village`."""
    record = live_parameters().resolve(ARREARS_PARAMETER, village, f"{month:%Y-%m}")
    return months_before(month, int(record.value))


def arrears_limits(villages: Iterable[str], month: dt.date) -> dict[dt.date, list[str]]:
    """The oldest month paid as arrears -> the villages it holds for, in a payroll of `month`."""
    limits: dict[dt.date, list[str]] = {}
    for village in sorted(set(villages)):
        limits.setdefault(arrears_limit(village, month), []).append(village)
    return limits


class AmountThen(NamedTuple):
    amount_fen: int
    source: str  # what set it: "decision 12" or "review 7"


class _Change(NamedTuple):
    start: dt.date
    review_id: int
    amount_fen: int
    was_fen: int | None


def _review_start(facts: dict, decided_at: dt.datetime | None) -> dt.date:
    """The first month a decided review's amount was paid: its letter's, else the month after
    the decision (reviews decided before letters were numbered have no letter facts)."""
    if facts.get("start"):
        return dt.date.fromisoformat(f"{facts['start']}-01")
    day = timezone.localdate(decided_at) if decided_at else timezone.localdate()
    return months_before(day.replace(day=1), -1)


class AmountHistory:
    """The monthly amount an entitlement had in each month: the current amount from its last
    accepted adjustment on, before each adjustment the amount it replaced (the review letter's
    `was_fen`, else the adjustment before it, else the decision's amount)."""

    def __init__(
        self, *, current_fen: int, decision: tuple[int, int], changes: Sequence[_Change]
    ) -> None:
        self.current_fen = current_fen
        self.decision_id, self.decision_fen = decision
        self.changes = sorted(changes)

    def amount_in(self, month: dt.date) -> AmountThen:
        before = [change for change in self.changes if change.start <= month]
        source = f"review {before[-1].review_id}" if before else f"decision {self.decision_id}"
        later = [change for change in self.changes if change.start > month]
        if not later:
            return AmountThen(self.current_fen, source)
        replaced = later[0].was_fen
        if replaced is None:
            replaced = before[-1].amount_fen if before else self.decision_fen
        return AmountThen(replaced, source)


def amount_histories(entitlement_ids: Iterable[int]) -> dict[int, AmountHistory]:
    """The amount history of each entitlement: three queries for them all."""
    ids = sorted(set(entitlement_ids))
    if not ids:
        return {}
    entitlements = Entitlement.objects.filter(pk__in=ids).values_list(
        "pk", "monthly_fen", "decision_id"
    )
    decided = dict(Decision.objects.filter(entitlement__in=ids).values_list("pk", "amount_fen"))
    changes: dict[int, list[_Change]] = {}
    reviews = Review.objects.filter(
        entitlement_id__in=ids,
        status=ReviewStatus.DECIDED,
        accepted=True,
        proposal=ReviewProposal.ADJUST,
    ).values_list("pk", "entitlement_id", "amount_fen", "letter_facts", "decided_at")
    for pk, entitlement_id, amount, facts, decided_at in reviews:
        facts = facts or {}
        changes.setdefault(entitlement_id, []).append(
            _Change(_review_start(facts, decided_at), pk, amount, facts.get("was_fen"))
        )
    return {
        pk: AmountHistory(
            current_fen=monthly,
            decision=(decision, decided.get(decision, monthly)),
            changes=changes.get(pk, []),
        )
        for pk, monthly, decision in entitlements
    }


def arrears_of(cycle: PayrollCycle, rows: Sequence[EntitlementRow]) -> dict[int, list[Arrear]]:
    """Entitlement -> the months this payroll pays it as arrears, each with the amount it had
    then: the months owed back to the village's limit, and not of a zero amount."""
    owed = months_owed(((row.pk, row.program) for row in rows), earlier_payrolls(cycle))
    if not owed:
        return {}
    histories = amount_histories(owed)
    limits: dict[str, dt.date] = {}
    arrears: dict[int, list[Arrear]] = {}
    for row in rows:
        for month in owed.get(row.pk, ()):
            if row.region_code not in limits:
                limits[row.region_code] = arrears_limit(row.region_code, cycle.month)
            then = histories[row.pk].amount_in(month)
            if month >= limits[row.region_code] and then.amount_fen > 0:
                arrears.setdefault(row.pk, []).append(Arrear(month, then.amount_fen, then.source))
    return arrears
