"""Reads that span payments: the ledger check, a recipient's history, a cycle's summary."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum

from huimin.payments.models import (
    LineKind,
    LineStatus,
    PaymentLine,
    PayrollCycle,
    Recovery,
    RecoveryDeduction,
)
from huimin.payments.seal import line_seal


@dataclass
class LedgerReport:
    cycles: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)
    # The lines' amounts before recovery instalments, the instalments, what the lines pay.
    gross_fen: int = 0
    withheld_fen: int = 0
    net_fen: int = 0

    @property
    def balanced(self) -> bool:
        return not self.problems


def ledger_verify(cycles: QuerySet[PayrollCycle] | None = None) -> LedgerReport:
    """Totals at every level, no entitlement-month paid twice (regular, arrears and reissued
    lines alike), every line against its seal, each line's gross = recovery instalments + what
    it pays, each recovery's recovered amount = its instalments."""
    cycles = PayrollCycle.objects.all() if cycles is None else cycles
    report = LedgerReport()
    for cycle in cycles.order_by("pk"):
        report.cycles += 1
        name = f"cycle {cycle.pk} ({cycle.region_code} {cycle.month:%Y-%m})"
        if cycle.generated:
            totals = cycle.lines.aggregate(n=Count("pk"), fen=Sum("amount_fen"))
            if totals["n"] != cycle.line_count or (totals["fen"] or 0) != cycle.total_fen:
                report.problems.append(
                    f"{name}: lines hold {totals['n']} lines and {totals['fen'] or 0} fen, "
                    f"the cycle recorded {cycle.line_count} and {cycle.total_fen}"
                )
        bank_file = cycle.bank_files.order_by("-pk").first()
        if bank_file is not None:
            sent = (
                cycle.lines.filter(sent_in__isnull=False).aggregate(fen=Sum("amount_fen"))["fen"]
                or 0
            )
            if sent != bank_file.total_fen:
                report.problems.append(
                    f"{name}: bank file {bank_file.name} holds {bank_file.total_fen} fen, "
                    f"its lines {sent}"
                )
        withheld = dict(
            RecoveryDeduction.objects.filter(line__cycle=cycle)
            .values("line_id")
            .annotate(fen=Sum("amount_fen"))
            .values_list("line_id", "fen")
        )
        for line in cycle.lines.order_by("pk").iterator(chunk_size=2000):
            report.lines += 1
            if line.frozen_hash != line_seal(line):
                report.problems.append(
                    f"line {line.pk} of {name}: does not match its frozen record "
                    f"(amount {line.amount_fen} fen)"
                )
            report.problems.extend(_instalment_problems(report, line, withheld, name))
    report.problems.extend(_recovery_problems(cycles))
    twice = (
        PaymentLine.objects.filter(status=LineStatus.PAID, entitlement__isnull=False)
        .exclude(kind=LineKind.ONE_OFF)  # regular, arrears and reissued lines pay months
        .values("entitlement_id", "month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in twice:
        report.problems.append(
            f"entitlement {row['entitlement_id']} paid {row['n']} times for {row['month']:%Y-%m}"
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
            f"line {line.pk} of {name}: pays {line.amount_fen} fen of {gross}, "
            f"but its instalments are {sealed}"
        )
    recorded = withheld.get(line.pk, 0)
    if line.kind != LineKind.REISSUE and recorded != sealed:
        problems.append(
            f"line {line.pk} of {name}: {recorded} fen of recovery instalments are recorded "
            f"against it, its sealed record says {sealed}"
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
        f"recovery {recovery.pk}: {recovery.recovered_fen} fen recorded as recovered, "
        f"its instalments {recovery.fen}"  # type: ignore[attr-defined]
        for recovery in counted
    ]


def history_of_household(household_id: int) -> QuerySet[PaymentLine]:
    return (
        PaymentLine.objects.filter(Q(household_id=household_id))
        .select_related("cycle")
        .order_by("-month", "-pk")
    )
