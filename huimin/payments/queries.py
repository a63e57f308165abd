"""Reads that span payments: the ledger check, a recipient's history, a cycle's summary."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from huimin.payments.models import (
    LineKind,
    LineStatus,
    PaymentLine,
    PayrollCycle,
)
from huimin.payments.seal import line_seal


@dataclass
class LedgerReport:
    cycles: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.problems


def ledger_verify(cycles: QuerySet[PayrollCycle] | None = None) -> LedgerReport:
    """Totals at every level, no entitlement-month paid twice, every line against its seal."""
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
        for line in cycle.lines.order_by("pk").iterator(chunk_size=2000):
            report.lines += 1
            if line.frozen_hash != line_seal(line):
                report.problems.append(
                    f"line {line.pk} of {name}: does not match its frozen record "
                    f"(amount {line.amount_fen} fen)"
                )
    twice = (
        PaymentLine.objects.filter(status=LineStatus.PAID, entitlement__isnull=False)
        .exclude(kind=LineKind.ONE_OFF)
        .values("entitlement_id", "month")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for row in twice:
        report.problems.append(
            f"entitlement {row['entitlement_id']} paid {row['n']} times for {row['month']:%Y-%m}"
        )
    return report


def history_of_household(household_id: int) -> QuerySet[PaymentLine]:
    return (
        PaymentLine.objects.filter(Q(household_id=household_id))
        .select_related("cycle")
        .order_by("-month", "-pk")
    )
