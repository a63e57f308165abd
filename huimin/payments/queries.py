"""Reads that span payments: the ledger check and the ledger per cycle, what each allocation has
committed and disbursed, a recipient's history."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from huimin.core.models import AuditEvent
from huimin.payments.models import (
    Allocation,
    BankFile,
    CycleStatus,
    LineKind,
    LineStatus,
    PaymentLine,
    PayrollCycle,
    Recovery,
    RecoveryDeduction,
)
from huimin.payments.seal import seal_holds


@dataclass
class LedgerReport:
    cycles: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)
    # The lines' amounts before recovery instalments, the instalments, what the lines pay.
    gross_fen: int = 0
    withheld_fen: int = 0
    net_fen: int = 0
    cycles_with_problems: set[int] = field(default_factory=set)

    @property
    def balanced(self) -> bool:
        return not self.problems


def _cycle_name(cycle: PayrollCycle) -> str:
    return _("cycle %(id)s (%(region)s %(month)s)") % {
        "id": cycle.pk,
        "region": cycle.region_code,
        "month": f"{cycle.month:%Y-%m}",
    }


def _latest_bank_files(bank_files: QuerySet[BankFile]) -> dict[int, BankFile]:
    """Cycle id -> its latest bank file (without its bytes)."""
    latest: dict[int, BankFile] = {}
    for bank_file in bank_files.defer("content").order_by("cycle_id", "pk"):
        latest[bank_file.cycle_id] = bank_file
    return latest


def _totals_problems(
    cycles: list[PayrollCycle], lines: QuerySet[PaymentLine], bank_files: QuerySet[BankFile]
) -> dict[int, list[str]]:
    """Cycle id -> what its recorded count and total, and its bank file's total, say wrongly."""
    held = {
        row["cycle_id"]: row
        for row in lines.values("cycle_id").annotate(n=Count("pk"), fen=Sum("amount_fen"))
    }
    sent = dict(
        lines.filter(sent_in__isnull=False)
        .values("cycle_id")
        .annotate(fen=Sum("amount_fen"))
        .values_list("cycle_id", "fen")
    )
    latest = _latest_bank_files(bank_files)
    found: dict[int, list[str]] = defaultdict(list)
    for cycle in cycles:
        name = _cycle_name(cycle)
        count, fen = held.get(cycle.pk, {}).get("n", 0), held.get(cycle.pk, {}).get("fen") or 0
        if cycle.generated and (count != cycle.line_count or fen != cycle.total_fen):
            found[cycle.pk].append(
                _(
                    "%(cycle)s: lines hold %(n)s lines and %(fen)s fen, "
                    "the cycle recorded %(recorded_n)s and %(recorded_fen)s"
                )
                % {
                    "cycle": name,
                    "n": count,
                    "fen": fen,
                    "recorded_n": cycle.line_count,
                    "recorded_fen": cycle.total_fen,
                }
            )
        bank_file = latest.get(cycle.pk)
        if bank_file is not None and (sent.get(cycle.pk) or 0) != bank_file.total_fen:
            found[cycle.pk].append(
                _("%(cycle)s: bank file %(file)s holds %(fen)s fen, its lines %(sent)s")
                % {
                    "cycle": name,
                    "file": bank_file.name,
                    "fen": bank_file.total_fen,
                    "sent": sent.get(cycle.pk) or 0,
                }
            )
    return found


def ledger_verify(cycles: QuerySet[PayrollCycle] | None = None) -> LedgerReport:
    """Totals at every level, no entitlement-month paid twice, every line against its seal.

    Given cycles, only they are checked, and an entitlement-month paid twice only where one of
    its lines is theirs (nothing outside them is named). A few queries however many cycles."""
    if cycles is None:
        cycles = PayrollCycle.objects.all()
        lines, bank_files = PaymentLine.objects.all(), BankFile.objects.all()
        deductions = RecoveryDeduction.objects.all()
    else:
        lines = PaymentLine.objects.filter(cycle__in=cycles)
        bank_files = BankFile.objects.filter(cycle__in=cycles)
        deductions = RecoveryDeduction.objects.filter(line__cycle__in=cycles)
    chosen = list(cycles.order_by("pk"))
    withheld = dict(
        deductions.values("line_id").annotate(fen=Sum("amount_fen")).values_list("line_id", "fen")
    )
    found = _totals_problems(chosen, lines, bank_files)
    names = {cycle.pk: _cycle_name(cycle) for cycle in chosen}
    report = LedgerReport(cycles=len(chosen))
    for line in lines.order_by("cycle_id", "pk").iterator(chunk_size=2000):
        report.lines += 1
        name = names[line.cycle_id]
        if not seal_holds(line):
            found[line.cycle_id].append(
                _(
                    "line %(line)s of %(cycle)s: does not match its frozen record (amount %(fen)s fen)"
                )
                % {"line": line.pk, "cycle": name, "fen": line.amount_fen}
            )
        found[line.cycle_id] += _instalment_problems(report, line, withheld, name)
    for cycle in chosen:
        report.problems += found.get(cycle.pk, [])
    report.cycles_with_problems = {pk for pk, problems in found.items() if problems}
    report.problems += _recovery_problems(cycles)
    twice = (
        PaymentLine.objects.filter(status=LineStatus.PAID, entitlement__isnull=False)
        .exclude(kind=LineKind.ONE_OFF)  # regular, arrears and reissued lines pay months
        .values("entitlement_id", "month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if cycles is not None:
        twice = twice.filter(entitlement_id__in=lines.values("entitlement_id"))
    for row in twice:
        report.problems.append(
            _("entitlement %(entitlement)s paid %(n)s times for %(month)s")
            % {
                "entitlement": row["entitlement_id"],
                "n": row["n"],
                "month": f"{row['month']:%Y-%m}",
            }
        )
    return report


def _instalment_problems(
    report: LedgerReport, line: PaymentLine, withheld: dict[int, int], name: str
) -> list[str]:
    """Gross = instalments + net on a line: its sealed record, and — for the regular line they
    were withheld from (a reissue repeats its record) — the instalments recorded against it."""
    record = line.frozen.get("recovery") if isinstance(line.frozen, dict) else None
    sealed = sum(i["amount_fen"] for i in record["instalments"]) if record else 0
    gross = record["gross_fen"] if record else line.amount_fen + sealed
    report.gross_fen += gross
    report.withheld_fen += sealed
    report.net_fen += line.amount_fen
    problems = []
    if gross != sealed + line.amount_fen:
        problems.append(
            _(
                "line %(line)s of %(cycle)s: pays %(fen)s fen of %(gross)s, but its instalments are %(sealed)s"
            )
            % {
                "line": line.pk,
                "cycle": name,
                "fen": line.amount_fen,
                "gross": gross,
                "sealed": sealed,
            }
        )
    recorded = withheld.get(line.pk, 0)
    if line.kind != LineKind.REISSUE and recorded != sealed:
        problems.append(
            _(
                "line %(line)s of %(cycle)s: %(recorded)s fen of recovery instalments are recorded "
                "against it, its sealed record says %(sealed)s"
            )
            % {"line": line.pk, "cycle": name, "recorded": recorded, "sealed": sealed}
        )
    return problems


def _recovery_problems(cycles: QuerySet[PayrollCycle]) -> list[str]:
    """Each recovery's recovered amount is its instalments on lines not excluded."""
    recoveries = Recovery.objects.filter(deductions__line__cycle__in=cycles).distinct()
    counted = (
        Recovery.objects.filter(pk__in=recoveries.values("pk"))
        .annotate(
            fen=Sum(
                "deductions__amount_fen",
                filter=~Q(deductions__line__status=LineStatus.EXCLUDED),
                default=0,
            )
        )
        .exclude(recovered_fen=F("fen"))
        .order_by("pk")
    )
    return [
        _("recovery %(recovery)s: %(fen)s fen recorded as recovered, its instalments %(counted)s")
        % {
            "recovery": recovery.pk,
            "fen": recovery.recovered_fen,
            "counted": recovery.fen,  # type: ignore[attr-defined]
        }
        for recovery in counted
    ]


def history_of_household(household_id: int) -> QuerySet[PaymentLine]:
    return (
        PaymentLine.objects.filter(Q(household_id=household_id))
        .select_related("cycle")
        .order_by("-month", "-pk")
    )


# --- Allocations: what each budget line has committed and disbursed ------------------------------

# A payroll commits its lines' fen once it is approved; they stay committed through payment.
COMMITTED_CYCLE_STATUSES = (
    CycleStatus.APPROVED,
    CycleStatus.EXPORTED,
    CycleStatus.RECONCILED,
    CycleStatus.CLOSED,
)
# Lines whose fen never leave the fund: not to be paid, or cash handed back unpaid.
UNSPENT_LINE_STATUSES = (LineStatus.EXCLUDED, LineStatus.RETURNED)


def committed_lines(lines: QuerySet[PaymentLine]) -> QuerySet[PaymentLine]:
    """The lines among `lines` whose fen their allocation has committed: in a payroll approved or
    later, not excluded, not cash returned to the fund, and not a failed line whose reissue is
    itself committed (those fen are counted once, on the reissue).

    The one definition of "committed": the approval's overspend check, the allocations pages and
    the API all count through it."""
    return (
        lines.filter(cycle__status__in=COMMITTED_CYCLE_STATUSES)
        .exclude(status__in=UNSPENT_LINE_STATUSES)
        .exclude(reissued_as__cycle__status__in=COMMITTED_CYCLE_STATUSES)
    )


def allocation_lines(allocation: Allocation) -> QuerySet[PaymentLine]:
    """Every line an allocation pays for: its program, its year's months, its region."""
    return PaymentLine.objects.filter(
        program=allocation.program,
        month__year=allocation.year,
        region_code__startswith=allocation.region_code,
    )


@dataclass(frozen=True)
class Spending:
    """What an allocation has committed (approved payrolls) and disbursed (paid: the bank's
    confirmation or a cash receipt), and what remains (negative when overspent by an override)."""

    total_fen: int
    committed_fen: int = 0
    disbursed_fen: int = 0

    @property
    def remaining_fen(self) -> int:
        return self.total_fen - self.committed_fen


def allocations_spending(allocations: Iterable[Allocation]) -> dict[int, Spending]:
    """Allocation id -> its spending, in one query however many allocations are asked for: the
    committed lines grouped by program, village and month, summed under each allocation."""
    chosen = list(allocations)
    if not chosen:
        return {}
    wanted = Q()
    for allocation in chosen:
        wanted |= Q(
            program=allocation.program,
            month__year=allocation.year,
            region_code__startswith=allocation.region_code,
        )
    rows = (
        committed_lines(PaymentLine.objects.filter(wanted))
        .values("program", "region_code", "month")
        .annotate(
            committed=Sum("amount_fen"),
            disbursed=Sum("amount_fen", filter=Q(status=LineStatus.PAID)),
        )
        .order_by()
    )
    by_program_year: dict[tuple[str, int], list[tuple[str, int, int]]] = defaultdict(list)
    for row in rows:
        by_program_year[(row["program"], row["month"].year)].append(
            (row["region_code"], row["committed"] or 0, row["disbursed"] or 0)
        )
    spending = {}
    for allocation in chosen:
        within = [
            (committed, disbursed)
            for village, committed, disbursed in by_program_year[
                (allocation.program, allocation.year)
            ]
            if village.startswith(allocation.region_code)
        ]
        spending[allocation.pk] = Spending(
            total_fen=allocation.total_fen,
            committed_fen=sum(committed for committed, _d in within),
            disbursed_fen=sum(disbursed for _c, disbursed in within),
        )
    return spending


def allocations_of_cycle(cycle: PayrollCycle, programs: Iterable[str]) -> QuerySet[Allocation]:
    """The allocations a payroll draws on: its programs, its year, its region or one above it."""
    code = cycle.region_code
    above = [code[:length] for length in (2, 4, 6, 9, 12) if length <= len(code)]
    return Allocation.objects.filter(
        program__in=list(programs), year=cycle.month.year, region_code__in=above
    ).order_by("region_code", "program")


@dataclass(frozen=True)
class CycleDraw:
    """What one payroll draws on an allocation."""

    cycle: PayrollCycle
    lines: int
    to_pay_fen: int  # its lines of the allocation's program, less those excluded
    committed_fen: int
    disbursed_fen: int


def allocation_cycles(allocation: Allocation, cycles: QuerySet[PayrollCycle]) -> list[CycleDraw]:
    """The payrolls among `cycles` that have lines of the allocation, newest first (the ledger
    from an allocation down to each payroll)."""
    lines = allocation_lines(allocation).filter(cycle__in=cycles)
    planned = {
        row["cycle_id"]: row
        for row in lines.values("cycle_id")
        .annotate(n=Count("pk"), fen=Sum("amount_fen", filter=~Q(status=LineStatus.EXCLUDED)))
        .order_by()
    }
    spent = {
        row["cycle_id"]: row
        for row in committed_lines(lines)
        .values("cycle_id")
        .annotate(
            committed=Sum("amount_fen"),
            disbursed=Sum("amount_fen", filter=Q(status=LineStatus.PAID)),
        )
        .order_by()
    }
    found = cycles.filter(pk__in=list(planned)).order_by("-month", "-pk")
    return [
        CycleDraw(
            cycle=cycle,
            lines=planned[cycle.pk]["n"],
            to_pay_fen=planned[cycle.pk]["fen"] or 0,
            committed_fen=spent.get(cycle.pk, {}).get("committed") or 0,
            disbursed_fen=spent.get(cycle.pk, {}).get("disbursed") or 0,
        )
        for cycle in found
    ]


def allocation_adjustments(allocation: Allocation) -> QuerySet[AuditEvent]:
    """The allocation's budget adjustments as the audit trail recorded them, newest first."""
    return AuditEvent.objects.filter(
        action="payments.allocation_adjust", object_type="allocation", object_id=str(allocation.pk)
    ).order_by("-seq")


# --- The ledger per payroll: where every fen of each cycle went ---------------------------------

# A line the bank has answered for but did not pay: it failed, whatever became of it since.
_FAILED_AT_BANK = Q(sent_in__isnull=False) & (
    Q(
        status__in=(
            LineStatus.FAILED,
            LineStatus.REISSUE,
            LineStatus.CLEARED,
            LineStatus.CASH,
            LineStatus.RETURNED,
        )
    )
    | Q(status=LineStatus.PAID, cash_receipt__isnull=False)
)
# Every line is in exactly one of these (by its status now), so they add up to the total.
LEDGER_OUTCOMES: dict[str, Q] = {
    "paid_by_bank": Q(status=LineStatus.PAID, cash_receipt__isnull=True),
    "paid_in_cash": Q(status=LineStatus.PAID, cash_receipt__isnull=False),
    "reissued": Q(status__in=(LineStatus.REISSUE, LineStatus.CLEARED)),
    "cash_returned": Q(status=LineStatus.RETURNED),
    "excluded": Q(status=LineStatus.EXCLUDED),
    "open": Q(status__in=(LineStatus.PENDING, LineStatus.SENT, LineStatus.FAILED, LineStatus.CASH)),
}
LEDGER_COLUMNS = ("total", "sent_to_bank", "failed", *LEDGER_OUTCOMES)


@dataclass(frozen=True)
class LedgerRow:
    cycle: PayrollCycle | None  # None: the row of totals
    lines: int
    fen: dict[str, int]  # column -> fen


def ledger_by_cycle(cycles: QuerySet[PayrollCycle]) -> tuple[list[LedgerRow], LedgerRow]:
    """Per payroll, in one query: its lines and total, what went to the bank, what failed there,
    and where each fen ended (paid by the bank, paid in cash, reissued later, cash returned,
    excluded, still open); and the row of totals."""
    sums = {
        "total": Sum("amount_fen"),
        "sent_to_bank": Sum("amount_fen", filter=Q(sent_in__isnull=False)),
        "failed": Sum("amount_fen", filter=_FAILED_AT_BANK),
        **{column: Sum("amount_fen", filter=where) for column, where in LEDGER_OUTCOMES.items()},
    }
    by_cycle = {
        row.pop("cycle_id"): row
        for row in PaymentLine.objects.filter(cycle__in=cycles)
        .values("cycle_id")
        .annotate(n=Count("pk"), **sums)
        .order_by()
    }
    rows = []
    for cycle in cycles.order_by("month", "pk"):
        found = by_cycle.get(cycle.pk, {})
        rows.append(
            LedgerRow(
                cycle=cycle,
                lines=found.get("n", 0),
                fen={column: found.get(column) or 0 for column in LEDGER_COLUMNS},
            )
        )
    totals = LedgerRow(
        cycle=None,
        lines=sum(row.lines for row in rows),
        fen={column: sum(row.fen[column] for row in rows) for column in LEDGER_COLUMNS},
    )
    return rows, totals
