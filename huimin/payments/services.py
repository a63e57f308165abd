"""Every write of payments: cycles made, checked, approved, exported, reconciled, closed; lines paid.

Each service is keyword-only, runs in one transaction with its audit event, and locks the cycle
(`select_for_update`) before a transition. Generation is the exception: it commits chunk by chunk
(each chunk with its own audit event) so that a generation killed half-way keeps what it made, and
the unique constraint on (entitlement, month) makes running it again add only what is missing.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.models import Entitlement, EntitlementStatus, Program
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.core.pii import decrypt_many, stored_rows
from huimin.payments.arrears import arrears_of
from huimin.payments.banking.export import LINE_SCHEMA, CycleInfo, bank_file_build
from huimin.payments.banking.layouts import layout_get
from huimin.payments.banking.returns import ExpectedCycle, return_classify, return_file_read
from huimin.payments.checks import amount_change_limits, cycle_problems_record
from huimin.payments.idsets import update_by_ids
from huimin.payments.lines_bulk import (
    EntitlementRow,
    arrears_line_rows,
    authorizations_valid,
    entitlement_rows,
    line_rows_insert,
    line_statistics_refresh,
    month_partition_ensure,
    payee_of,
    regular_line_rows,
)
from huimin.payments.lines_sql import regular_lines_insert_sql
from huimin.payments.models import (
    Allocation,
    BankFile,
    CashReceipt,
    Channel,
    CollectionAuthorization,
    CollectorKind,
    CycleKind,
    CycleStatus,
    ExceptionStatus,
    LineKind,
    LineStatus,
    PaymentException,
    PaymentLine,
    PayrollCycle,
    PurposeClaim,
    Receiver,
    Recovery,
    RecoveryState,
    ReturnFile,
)
from huimin.payments.queries import (
    allocations_of_cycle,
    allocations_spending,
    committed_lines,
    ledger_verify,
)
from huimin.payments.recoveries import (
    InstalmentPlan,
    deductions_reverse,
    instalments_plan,
    instalments_record,
)
from huimin.payments.seal import line_seal
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Person
from huimin.registry.validation import id_number_is_valid

CHUNK_SIZE = 2_000
# A cycle this big changes the lines table enough that the planner needs fresh statistics before
# the checks join it (without them it nested-loops over every line: a minute at 20,000 lines).
ANALYZE_AFTER_LINES = 5_000
PAYABLE_STATUSES = (
    EntitlementStatus.ACTIVE,
    EntitlementStatus.GRADUAL_EXIT,
    EntitlementStatus.SUSPENDED,  # made into a line so that the check stops it visibly
)
# Outcomes a return file may leave unclear; "all" refuses to apply a file that has any.
UNCLEAR_CLASSES = ("amount_mismatch", "duplicate", "unknown", "missing", "late_return")

Progress = Callable[[int, int], None]


def month_parse(text: str, field: str = "month") -> dt.date:
    """The first day of a month given as YYYY-MM; an error names the form's `field`."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").replace(day=1).date()  # noqa: DTZ007
    except ValueError as bad:
        raise ValidationFailed(_("Give the month as YYYY-MM."), field=field) from bad


def line_hash(line: PaymentLine) -> str:
    """The seal over what a line pays and why; `huimin payments verify` recomputes it."""
    return line_seal(line)


def _lock(cycle: PayrollCycle) -> PayrollCycle:
    return PayrollCycle.objects.select_for_update().get(pk=cycle.pk)


def _expect(cycle: PayrollCycle, *statuses: str) -> None:
    if cycle.status not in statuses:
        raise Conflict(
            _("This payroll is %(status)s; that cannot be done now.")
            % {"status": cycle.get_status_display()}
        )


# An allocation's year: a budget year, not a typing slip.
ALLOCATION_YEARS = range(2000, 2101)
SHARES = ("central_fen", "provincial_fen", "local_fen")


def _shares_check(shares: dict[str, int]) -> None:
    for name, fen in shares.items():
        if fen < 0:
            raise ValidationFailed(_("A share cannot be below zero."), field=name)


@transaction.atomic
def allocation_create(
    *,
    actor: User,
    program: str,
    region_code: str,
    year: int,
    central_fen: int,
    provincial_fen: int,
    local_fen: int,
) -> Allocation:
    """A budget line: what a program may spend in a region in a year, by who pays it."""
    if not actor.has_perm("payments.add_allocation"):
        raise NotAllowed(_("You may not record allocations."))
    if program not in Program.values:
        raise ValidationFailed(_("Choose a program."), field="program")
    if not region_code.isdigit() or len(region_code) not in (2, 4, 6, 9, 12):
        raise ValidationFailed(_("Give a region code of your area."), field="region_code")
    if year not in ALLOCATION_YEARS:
        raise ValidationFailed(_("Give the budget year, such as 2026."), field="year")
    _shares_check(
        {"central_fen": central_fen, "provincial_fen": provincial_fen, "local_fen": local_fen}
    )
    if Allocation.objects.filter(program=program, region_code=region_code, year=year).exists():
        raise Conflict(_("This program already has an allocation for that region and year."))
    allocation = Allocation.objects.create(
        program=program,
        region_code=region_code,
        year=year,
        central_fen=central_fen,
        provincial_fen=provincial_fen,
        local_fen=local_fen,
    )
    audit_record(
        actor=actor,
        action="payments.allocation_create",
        object_type="allocation",
        object_id=allocation.pk,
        region_code=region_code,
        changes={"program": program, "year": year, "total_fen": allocation.total_fen},
    )
    return allocation


@transaction.atomic
def allocation_adjust(
    *,
    actor: User,
    allocation: Allocation,
    central_fen: int,
    provincial_fen: int,
    local_fen: int,
    reason: str,
) -> Allocation:
    """A budget adjustment: new shares, with the reason (the document that changed the budget).
    The audit event keeps the old and new value of each share and what was committed then; an
    allocation may be cut below what is committed (the page then shows it overspent)."""
    if not actor.has_perm("payments.change_allocation"):
        raise NotAllowed(_("You may not adjust allocations."))
    wanted = {"central_fen": central_fen, "provincial_fen": provincial_fen, "local_fen": local_fen}
    _shares_check(wanted)
    if not reason.strip():
        raise ValidationFailed(_("Give the reason for the adjustment."), field="reason")
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    changed = {
        name: [getattr(allocation, name), fen]
        for name, fen in wanted.items()
        if getattr(allocation, name) != fen
    }
    if not changed:
        raise ValidationFailed(_("The shares are the same as before."), field="central_fen")
    total_before = allocation.total_fen
    for name, fen in wanted.items():
        setattr(allocation, name, fen)
    allocation.save(update_fields=list(SHARES))
    audit_record(
        actor=actor,
        action="payments.allocation_adjust",
        object_type="allocation",
        object_id=allocation.pk,
        region_code=allocation.region_code,
        changes={
            **changed,
            "total_fen": [total_before, allocation.total_fen],
            "committed_fen": allocations_spending([allocation])[allocation.pk].committed_fen,
            "reason": reason.strip()[:500],
        },
    )
    return allocation


@transaction.atomic
def cycle_create(
    *, actor: User, region_code: str, month: dt.date, programs: list[str]
) -> PayrollCycle:
    if not programs:
        raise ValidationFailed(_("Choose at least one program."), field="programs")
    if PayrollCycle.objects.filter(
        region_code=region_code, month=month, kind=CycleKind.MONTHLY
    ).exists():
        raise Conflict(_("This region already has a payroll for that month."))
    cycle = PayrollCycle.objects.create(
        region_code=region_code, month=month, programs=sorted(programs), prepared_by=actor
    )
    month_partition_ensure(month)
    audit_record(
        actor=actor,
        action="payments.cycle_create",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=region_code,
        changes={"month": f"{month:%Y-%m}", "programs": cycle.programs},
    )
    return cycle


@transaction.atomic
def one_off_cycle_create(
    *, actor: User, region_code: str, month: dt.date, program: str, purpose: str
) -> PayrollCycle:
    """A one-off run beside the monthly payroll (a price subsidy, a festival payment): its own
    purpose key, which no person can be paid for twice."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed(_("Name the purpose of this payment."), field="purpose")
    if PayrollCycle.objects.filter(
        region_code=region_code, month=month, kind=CycleKind.ONE_OFF, purpose=purpose
    ).exists():
        raise Conflict(_("This region already has a run for that purpose this month."))
    cycle = PayrollCycle.objects.create(
        region_code=region_code,
        month=month,
        kind=CycleKind.ONE_OFF,
        purpose=purpose[:60],
        programs=[program],
        prepared_by=actor,
    )
    month_partition_ensure(month)
    audit_record(
        actor=actor,
        action="payments.cycle_create",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=region_code,
        changes={"month": f"{month:%Y-%m}", "purpose": cycle.purpose, "programs": cycle.programs},
    )
    return cycle


@transaction.atomic
def one_off_lines_add(
    *, actor: User, cycle: PayrollCycle, amounts_fen: dict[int, int]
) -> PayrollCycle:
    """Lines of a one-off run, person id -> amount. A person already paid for this purpose (in
    this run or any other) is skipped: their claim for the purpose is another run's, or this
    run has their line already."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.DRAFT)
    if cycle.kind != CycleKind.ONE_OFF:
        raise Conflict(_("Only a one-off run takes lines one by one."))
    if any(fen < 0 for fen in amounts_fen.values()):
        raise ValidationFailed(_("An amount cannot be below zero."), field="amounts_fen")
    persons = Person.objects.filter(
        pk__in=_claimed(cycle, amounts_fen), household__region_code__startswith=cycle.region_code
    ).select_related("household")
    lines = []
    for person in persons.exclude(payment_lines__cycle=cycle):
        line = PaymentLine(
            cycle=cycle,
            kind=LineKind.ONE_OFF,
            month=cycle.month,
            purpose_key=cycle.purpose,
            program=cycle.programs[0],
            household_id=person.household_id,
            payee_id=person.pk,
            region_code=person.household.region_code,
            amount_fen=amounts_fen[person.pk],
            frozen={"purpose": cycle.purpose, "amount_fen": amounts_fen[person.pk]},
        )
        line.frozen_hash = line_hash(line)
        lines.append(line)
    made = PaymentLine.objects.bulk_create(lines, ignore_conflicts=True)
    totals = cycle.lines.aggregate(n=Count("pk"), fen=Sum("amount_fen"))
    cycle.line_count, cycle.total_fen, cycle.generated = totals["n"], totals["fen"] or 0, True
    cycle.save(update_fields=["line_count", "total_fen", "generated"])
    audit_record(
        actor=actor,
        action="payments.one_off_lines_add",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={"asked": len(amounts_fen), "lines": cycle.line_count, "tried": len(made)},
    )
    return cycle


def _claimed(cycle: PayrollCycle, amounts_fen: dict[int, int]) -> set[int]:
    """The persons this run may pay: a claim for the purpose is made for each one who has none,
    and those whose claim is this run's are returned (the claim's unique key decides, in any
    month and against a run at the same moment)."""
    persons = Person.objects.filter(
        pk__in=amounts_fen, household__region_code__startswith=cycle.region_code
    ).values_list("pk", flat=True)
    PurposeClaim.objects.bulk_create(
        [PurposeClaim(payee_id=pk, purpose_key=cycle.purpose, cycle=cycle) for pk in persons],
        ignore_conflicts=True,
    )
    return set(
        PurposeClaim.objects.filter(
            cycle=cycle, purpose_key=cycle.purpose, payee_id__in=amounts_fen
        ).values_list("payee_id", flat=True)
    )


def _entitlements_due(cycle: PayrollCycle) -> "Any":
    return (
        Entitlement.objects.filter(
            region_code__startswith=cycle.region_code,
            program__in=cycle.programs,
            status__in=PAYABLE_STATUSES,
            start_month__lte=cycle.month,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=cycle.month))
        .order_by("pk")
    )


def entitlements_due_count(cycle: PayrollCycle) -> int:
    return _entitlements_due(cycle).count()


class ChunkLines(NamedTuple):
    lines: list[tuple[Any, ...]]
    instalments: InstalmentPlan  # to record once the lines are written


def chunk_lines(cycle: PayrollCycle, rows: list[EntitlementRow]) -> ChunkLines:
    """The prepared lines of one chunk of entitlements (nothing written): the regular lines,
    less what recoveries withhold, and the months owed as arrears. Who collects for the chunk's
    payees is one query; the recoveries and the months owed one or two more each."""
    payees = {payee for payee in map(payee_of, rows) if payee is not None}
    authorizations = authorizations_valid(payees, cycle.month)
    now = timezone.now()
    plan = instalments_plan(cycle, rows)
    lines = regular_line_rows(
        cycle_id=cycle.pk,
        month=cycle.month,
        rows=rows,
        now=now,
        authorizations=authorizations,
        instalments=plan.by_entitlement,
    )
    lines += arrears_line_rows(
        cycle_id=cycle.pk,
        rows=rows,
        owed=arrears_of(cycle, rows),
        now=now,
        authorizations=authorizations,
    )
    return ChunkLines(lines, plan)


def _chunk_write(
    cycle: PayrollCycle, chunk: "QuerySet[Entitlement]", ids: tuple[int, int]
) -> tuple[int, dict[str, object]]:
    """Write a chunk's lines; returns how many were new and what recoveries withheld.

    On PostgreSQL only the entitlements owed arrears or being recovered from are made in
    Python; the database makes every other regular line itself (`lines_sql`)."""
    if connection.vendor != "postgresql":
        prepared = chunk_lines(cycle, entitlement_rows(chunk))
        made = line_rows_insert(prepared.lines)
        return made, instalments_record(cycle, prepared.instalments)
    owed = arrears_of(cycle, entitlement_rows(chunk, with_snapshot=False))
    recovered = Recovery.objects.filter(
        entitlement_id__in=chunk.values("pk"), state=RecoveryState.ACTIVE
    ).values_list("entitlement_id", flat=True)
    special = set(owed) | set(recovered)
    made, withheld = 0, {}
    if special:
        prepared = chunk_lines(cycle, entitlement_rows(chunk.filter(pk__in=special)))
        made = line_rows_insert(prepared.lines)
        withheld = instalments_record(cycle, prepared.instalments)
    made += regular_lines_insert_sql(
        cycle_id=cycle.pk, month=cycle.month, entitlements=chunk, ids=ids, now=timezone.now()
    )
    return made, withheld


def _reissue_lines(cycle: PayrollCycle) -> list[PaymentLine]:
    waiting = PaymentLine.objects.filter(
        region_code__startswith=cycle.region_code,
        status=LineStatus.REISSUE,
        reissued_as__isnull=True,
    ).exclude(cycle=cycle)
    lines = []
    for old in waiting:
        line = PaymentLine(
            cycle=cycle,
            kind=LineKind.REISSUE,
            entitlement_id=old.entitlement_id,
            month=old.month,
            reissue_of=old,
            program=old.program,
            household_id=old.household_id,
            payee_id=old.payee_id,
            collector=old.collector,
            authorization_id=old.authorization_id,
            region_code=old.region_code,
            amount_fen=old.amount_fen,
            channel=Channel.BANK,
            frozen=old.frozen,
        )
        line.frozen_hash = line_hash(line)
        lines.append(line)
    return lines


def cycle_generate(
    *,
    actor: User,
    cycle: PayrollCycle,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> PayrollCycle:
    """Make the cycle's lines from the active entitlements, chunk by chunk; safe to run again.

    Each chunk commits alone. A second line for an entitlement and month cannot be written (the
    unique constraint; `ignore_conflicts` skips it), so a generation that died after some chunks
    and is run again makes only the missing lines and ends with the same lines and totals.
    """
    _expect(cycle, CycleStatus.DRAFT)
    month_partition_ensure(cycle.month)
    ids = list(_entitlements_due(cycle).values_list("pk", flat=True))
    total = len(ids)
    for start in range(0, total, chunk_size):
        chunk_ids = ids[start : start + chunk_size]
        # The chunk as a range of ids, not a list of them: the same entitlements, one condition.
        chunk = _entitlements_due(cycle).filter(pk__gte=chunk_ids[0], pk__lte=chunk_ids[-1])
        with transaction.atomic():
            _expect(_lock(cycle), CycleStatus.DRAFT)
            made, withheld = _chunk_write(cycle, chunk, (chunk_ids[0], chunk_ids[-1]))
            audit_record(
                actor=actor,
                action="payments.lines_generate",
                object_type="payroll_cycle",
                object_id=cycle.pk,
                region_code=cycle.region_code,
                changes={"from_entitlement": chunk_ids[0], "lines": made, **withheld},
            )
        if progress is not None:
            progress(min(start + chunk_size, total), total)
    with transaction.atomic():
        locked = _lock(cycle)
        PaymentLine.objects.bulk_create(_reissue_lines(locked), ignore_conflicts=True)
        totals = locked.lines.aggregate(n=Count("pk"), fen=Sum("amount_fen"))
        locked.line_count, locked.total_fen = totals["n"], totals["fen"] or 0
        locked.generated = True
        locked.save(update_fields=["line_count", "total_fen", "generated"])
        if locked.line_count >= ANALYZE_AFTER_LINES:
            line_statistics_refresh(locked.month)
        audit_record(
            actor=actor,
            action="payments.cycle_generate",
            object_type="payroll_cycle",
            object_id=cycle.pk,
            region_code=cycle.region_code,
            changes={"lines": locked.line_count, "total_fen": locked.total_fen},
        )
    return locked


def cycle_check(*, actor: User, cycle: PayrollCycle) -> PayrollCycle:
    """Run every pre-payment check; each failure becomes an exception that someone must decide."""
    with transaction.atomic():
        cycle = _lock(cycle)
        _expect(cycle, CycleStatus.DRAFT, CycleStatus.CHECKED)
        if not cycle.generated:
            raise Conflict(_("Make the payment lines first."))
        limits = amount_change_limits(cycle)
        found = cycle_problems_record(cycle, change_limits=limits)
        cycle.status = CycleStatus.CHECKED
        cycle.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="payments.cycle_check",
            object_type="payroll_cycle",
            object_id=cycle.pk,
            region_code=cycle.region_code,
            changes={
                "exceptions": found,
                # limit (share of last month's amount) -> how many villages it held for
                "amount_change_limits": {
                    f"{millionths / 1_000_000:g}": len(villages)
                    for millionths, villages in sorted(limits.items())
                },
            },
        )
    return cycle


OUTCOMES = {"resolved", "excluded", "cash"}


@transaction.atomic
def exception_decide(
    *, actor: User, exception: PaymentException, outcome: str, reason: str
) -> PaymentException:
    """Resolve (pay as it is, or pay in cash) or exclude the line, always with a reason."""
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Choose what to do with this line."), field="outcome")
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), field="reason")
    cycle = _lock(exception.cycle)
    _expect(cycle, CycleStatus.CHECKED)
    exception = PaymentException.objects.select_for_update().get(pk=exception.pk)
    if exception.status != ExceptionStatus.OPEN:
        raise Conflict(_("This exception has been decided already."))
    line = exception.line
    reversed_fen = 0
    if outcome == "excluded":
        exception.status = ExceptionStatus.EXCLUDED
        if line.status != LineStatus.EXCLUDED:
            reversed_fen = deductions_reverse(line)
        line.status = LineStatus.EXCLUDED
        line.save(update_fields=["status"])
    else:
        exception.status = ExceptionStatus.RESOLVED
        if outcome == "cash":
            line.channel = Channel.CASH
            line.save(update_fields=["channel"])
    exception.reason = reason.strip()[:500]
    exception.decided_by, exception.decided_at = actor, timezone.now()
    exception.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="payments.exception_decide",
        object_type="payment_exception",
        object_id=exception.pk,
        region_code=line.region_code,
        changes={
            "kind": exception.kind,
            "outcome": outcome,
            "line": line.pk,
            # what the line's recovery instalments no longer recover
            **({"instalments_reversed_fen": reversed_fen} if reversed_fen else {}),
        },
    )
    return exception


def allocation_shortfalls(cycle: PayrollCycle) -> list[tuple[str, int, int]]:
    """(program, available fen, needed fen) for every program this cycle would overspend:
    what its allocations hold, less what they have committed (`queries.committed_lines`).

    A reissue takes over the fen its failed line has already committed, so approving it needs
    only the rest."""
    short = []
    to_pay = dict(
        cycle.lines.exclude(status=LineStatus.EXCLUDED)
        .values("program")
        .annotate(fen=Sum("amount_fen"))
        .values_list("program", "fen")
    )
    carried = dict(
        committed_lines(
            PaymentLine.objects.filter(reissued_as__cycle=cycle).exclude(
                reissued_as__status=LineStatus.EXCLUDED
            )
        )
        .values("program")
        .annotate(fen=Sum("amount_fen"))
        .values_list("program", "fen")
    )
    for program, fen in sorted(to_pay.items()):
        needed = fen - carried.get(program, 0)
        spending = allocations_spending(allocations_of_cycle(cycle, [program])).values()
        available = sum(spent.total_fen for spent in spending)
        committed = sum(spent.committed_fen for spent in spending)
        if committed + needed > available:
            short.append((program, available - committed, needed))
    return short


@transaction.atomic
def cycle_approve(*, actor: User, cycle: PayrollCycle, override_reason: str = "") -> PayrollCycle:
    """Approve a checked payroll: not by its preparer, with every exception decided, within the
    allocation (or beyond it, by someone allowed, with a reason). The row lock makes two
    approvals at once queue; the second finds the cycle approved and is refused."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.CHECKED)
    if cycle.prepared_by_id == actor.pk:
        raise NotAllowed(_("Whoever prepared a payroll cannot approve it."))
    if not actor.has_perm("payments.approve_payroll"):
        raise NotAllowed(_("You may not approve payrolls."))
    open_count = cycle.exceptions.filter(status=ExceptionStatus.OPEN).count()
    if open_count:
        raise Conflict(
            _("%(n)d exceptions are still open: resolve or exclude each, with a reason.")
            % {"n": open_count}
        )
    short = allocation_shortfalls(cycle)
    if short:
        if not override_reason.strip():
            raise Conflict(
                _("This payroll would overspend its allocation (%(programs)s).")
                % {"programs": ", ".join(program for program, _a, _n in short)}
            )
        if not actor.has_perm("payments.override_allocation"):
            raise NotAllowed(_("You may not approve a payroll beyond its allocation."))
        cycle.overspend_reason = override_reason.strip()[:500]
    totals = cycle.lines.exclude(status=LineStatus.EXCLUDED).aggregate(fen=Sum("amount_fen"))
    cycle.status = CycleStatus.APPROVED
    cycle.approved_by, cycle.approved_at = actor, timezone.now()
    cycle.save(update_fields=["status", "approved_by", "approved_at", "overspend_reason"])
    audit_record(
        actor=actor,
        action="payments.cycle_approve",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={
            "total_fen": totals["fen"] or 0,
            "overspend": [{"program": p, "available_fen": a, "needed_fen": n} for p, a, n in short],
            "override_reason": cycle.overspend_reason,
        },
    )
    return cycle


def _bank_frame(cycle: PayrollCycle, *, with_id_numbers: bool) -> pl.DataFrame:
    """The cycle's bank lines as a frame, in one query; only the account is decrypted, and the
    payee's identity number only when the layout writes it, each column in one pass."""
    fields = [
        "pk",
        "payee__name",
        "household__bank_account",
        "amount_fen",
        "program",
        "household__household_no",
        "region_code",
        "collector",
    ]
    if with_id_numbers:
        fields.append("payee__id_number")
    rows = stored_rows(
        cycle.lines.filter(channel=Channel.BANK)
        .exclude(status=LineStatus.EXCLUDED)
        .order_by("pk")
        .values_list(*fields)
    )
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    return pl.DataFrame(
        {
            "line_id": columns[0],
            "payee_name": columns[1],
            "account_number": [account.replace(" ", "") for account in decrypt_many(columns[2])],
            "bank_code": [""] * len(rows),
            "amount_fen": columns[3],
            "program": columns[4],
            "household_number": columns[5],
            "id_number": decrypt_many(columns[8]) if with_id_numbers else [""] * len(rows),
            "village_code": columns[6],
            "collector_name": columns[7],
        },
        schema=LINE_SCHEMA,
    )


@transaction.atomic
def cycle_export(
    *, actor: User, cycle: PayrollCycle, layout_key: str, bank: str = "BANK"
) -> BankFile:
    """The cycle's bank file in a layout, recorded with its name, SHA-256, count and total."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.APPROVED, CycleStatus.EXPORTED)
    layout = layout_get(layout_key)
    info = CycleInfo(
        region=cycle.region_code,
        month=f"{cycle.month:%Y-%m}",
        sequence=1,  # one file per cycle: exporting again gives the same bytes
        bank=bank,
        pay_date=cycle.month,
    )
    writes_id_numbers = any(column.source == "id_number" for column in layout.columns)
    frame = _bank_frame(cycle, with_id_numbers=writes_id_numbers)
    built = bank_file_build(layout, frame, cycle=info)
    bank_file = BankFile.objects.create(
        cycle=cycle,
        layout=layout_key,
        name=built.name,
        sha256=built.sha256,
        count=built.count,
        total_fen=built.total_fen,
        content=built.content,
        created_by=actor,
    )
    cycle.lines.filter(channel=Channel.BANK, status=LineStatus.PENDING).update(
        status=LineStatus.SENT, sent_in=bank_file
    )
    cycle.lines.filter(channel=Channel.CASH, status=LineStatus.PENDING).update(
        status=LineStatus.CASH, cash_since=timezone.localdate()
    )
    cycle.status = CycleStatus.EXPORTED
    cycle.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="payments.cycle_export",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={
            "file": built.name,
            "sha256": built.sha256,
            "count": built.count,
            "total_fen": built.total_fen,
        },
    )
    return bank_file


@transaction.atomic
def return_apply(
    *, actor: User, cycle: PayrollCycle, content: bytes, file_name: str, apply: str = "all"
) -> ReturnFile:
    """Read and classify a bank return, then apply it: whole (refused if any line is unclear) or
    only its clear lines (paid, rejected), the rest kept as they are for follow-up."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.EXPORTED)
    bank_file = cycle.bank_files.order_by("-pk").first()
    if bank_file is None:
        raise Conflict(_("No bank file has been made for this payroll."))
    layout = layout_get(bank_file.layout)
    info = CycleInfo(
        region=cycle.region_code, month=f"{cycle.month:%Y-%m}", sequence=1, bank="BANK"
    )
    reading = return_file_read(layout, content, expected=ExpectedCycle(info), file_name=file_name)
    expected = pl.DataFrame(
        list(
            cycle.lines.filter(channel=Channel.BANK)
            .exclude(status=LineStatus.EXCLUDED)
            .values_list("pk", "amount_fen")
        ),
        schema={"line_id": pl.Int64, "amount_fen": pl.Int64},
        orient="row",
    )
    already = set(cycle.lines.filter(status=LineStatus.PAID).values_list("pk", flat=True))
    result = return_classify(reading, expected, already_paid=already)
    unclear = {c: n for c, n in result.counts.items() if c in UNCLEAR_CLASSES and n}
    if apply == "all" and unclear:
        raise Conflict(
            _(
                "Some lines are not clear (%(classes)s): nothing was applied. Apply only the clear lines, or ask the bank."
            )
            % {"classes": ", ".join(f"{c} {n}" for c, n in sorted(unclear.items()))}
        )
    paid = result.of("paid")["line_id"].to_list()
    update_by_ids(cycle.lines.all(), paid, status=LineStatus.PAID, outcome="paid")
    rejected = result.of("rejected")
    for kind in sorted(set(rejected["reason_kind"].to_list()), key=str):
        ids = rejected.filter(pl.col("reason_kind") == kind)["line_id"].to_list()
        update_by_ids(
            cycle.lines.all(), ids, status=LineStatus.FAILED, outcome="rejected", reason=kind or ""
        )
    tell_citizens_payments_failed(rejected["line_id"].to_list())
    record = ReturnFile.objects.create(
        cycle=cycle,
        name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        counts=dict(result.counts),
        totals_fen=dict(result.totals_fen),
        applied=apply,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="payments.return_apply",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={
            "file": file_name,
            "sha256": record.sha256,
            "counts": record.counts,
            "applied": apply,
        },
    )
    return record


def tell_citizens_payments_failed(line_ids: list[int]) -> None:
    """The families of failed lines are told by SMS, in this transaction (an explicit call, no
    signal). Named late: the citizens app reads payments' lines for its status page."""
    from django.apps import apps

    if line_ids and apps.is_installed("huimin.citizens"):
        from huimin.citizens.services.notices import notify_payments_failed

        notify_payments_failed(line_ids=line_ids)


@transaction.atomic
def line_follow_up(*, actor: User, line: PaymentLine, action: str, reason: str) -> PaymentLine:
    """A failed line: reissue it in the next cycle (once the account is corrected), or pay cash."""
    line = PaymentLine.objects.select_for_update().select_related("cycle").get(pk=line.pk)
    _expect_open(line)
    if line.status != LineStatus.FAILED:
        raise Conflict(_("Only a failed payment can be followed up."))
    if action not in ("reissue", "cash"):
        raise ValidationFailed(_("Choose reissue or cash."), field="action")
    if not reason.strip():
        raise ValidationFailed(_("Give a reason."), field="reason")
    if action == "reissue":
        line.status = LineStatus.REISSUE
    else:
        line.status, line.channel = LineStatus.CASH, Channel.CASH
        line.cash_since = timezone.localdate()
    line.reason = reason.strip()[:200]
    line.save(update_fields=["status", "channel", "reason", "cash_since"])
    audit_record(
        actor=actor,
        action="payments.line_follow_up",
        object_type="payment_line",
        object_id=line.pk,
        region_code=line.region_code,
        changes={"action": action},
    )
    return line


@transaction.atomic
def cash_receipt_record(
    *,
    actor: User,
    line: PaymentLine,
    confirmation: str,
    witness: str,
    paid_on: dt.date,
    received_by: str = Receiver.PAYEE,
) -> CashReceipt:
    line = PaymentLine.objects.select_for_update().select_related("cycle").get(pk=line.pk)
    _expect_open(line)
    if line.status != LineStatus.CASH:
        raise Conflict(_("This payment is not waiting to be paid in cash."))
    if confirmation not in ("signature", "thumbprint"):
        raise ValidationFailed(_("Say how the recipient confirmed."), field="confirmation")
    if not witness.strip():
        raise ValidationFailed(_("Name the witness."), field="witness")
    if witness.strip() in (actor.get_username(), actor.full_name):
        raise ValidationFailed(
            _("The witness cannot be who handed over the cash."), field="witness"
        )
    if received_by not in Receiver.values:
        raise ValidationFailed(_("Say who received the cash."), field="received_by")
    if received_by == Receiver.COLLECTOR and line.authorization_id is None:
        raise ValidationFailed(
            _("Nobody is authorized to collect this payment for the payee."), field="received_by"
        )
    receipt = CashReceipt.objects.create(
        line=line,
        confirmation=confirmation,
        handed_over_by=actor,
        witness=witness.strip(),
        paid_on=paid_on,
        received_by=received_by,
    )
    line.status, line.outcome = LineStatus.PAID, "cash"
    line.save(update_fields=["status", "outcome"])
    audit_record(
        actor=actor,
        action="payments.cash_receipt_record",
        object_type="payment_line",
        object_id=line.pk,
        region_code=line.region_code,
        changes={
            "confirmation": confirmation,
            "paid_on": paid_on.isoformat(),
            "received_by": received_by,
        },
    )
    return receipt


@transaction.atomic
def cycle_reconcile(*, actor: User, cycle: PayrollCycle) -> PayrollCycle:
    """Every line paid, excluded, or handed on to follow-up: the cycle balances."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.EXPORTED)
    waiting = cycle.lines.filter(status__in=(LineStatus.SENT, LineStatus.FAILED, LineStatus.CASH))
    if waiting.exists():
        raise Conflict(
            _("%(n)d lines are still waiting for the bank, a follow-up or cash.")
            % {"n": waiting.count()}
        )
    cycle.status = CycleStatus.RECONCILED
    cycle.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="payments.cycle_reconcile",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
    )
    return cycle


@transaction.atomic
def cycle_close(*, actor: User, cycle: PayrollCycle) -> PayrollCycle:
    """The last step: a reconciled payroll whose ledger balances is closed, and nothing of it
    may change afterwards (its lines take no follow-up, no cash receipt, no second return)."""
    cycle = _lock(cycle)
    _expect(cycle, CycleStatus.RECONCILED)
    report = ledger_verify(PayrollCycle.objects.filter(pk=cycle.pk))
    if not report.balanced:
        raise Conflict(
            _("The ledger of this payroll does not balance; it cannot be closed: %(problems)s")
            % {"problems": "; ".join(report.problems[:5])}
        )
    outcomes = dict(
        cycle.lines.values("status").annotate(fen=Sum("amount_fen")).values_list("status", "fen")
    )
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="payments.cycle_close",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={"lines": report.lines, "fen_by_status": outcomes},
    )
    return cycle


def _expect_open(line: PaymentLine) -> None:
    if line.cycle.status == CycleStatus.CLOSED:
        raise Conflict(_("This payroll is closed: nothing of it may change."))


CASH_RETURN_PARAMETER = "payments.cash_return_days"


def _cash_overdue(today: dt.date) -> dict[int, list[int]]:
    """Cycle -> its cash lines still unpaid past their village's `payments.cash_return_days`."""
    parameters = live_parameters()
    waiting = PaymentLine.objects.filter(status=LineStatus.CASH, cash_since__isnull=False)
    overdue: dict[int, list[int]] = {}
    days_of: dict[str, int] = {}
    for line_id, cycle_id, village, since in waiting.order_by("pk").values_list(
        "pk", "cycle_id", "region_code", "cash_since"
    ):
        if village not in days_of:
            record = parameters.resolve(CASH_RETURN_PARAMETER, village, f"{today:%Y-%m}")
            days_of[village] = int(record.value)
        if since is not None and since + dt.timedelta(days=days_of[village]) < today:
            overdue.setdefault(cycle_id, []).append(line_id)
    return overdue


@transaction.atomic
def cash_unpaid_return(*, actor: User | None, today: dt.date) -> dict[int, int]:
    """Return to the fund the cash not handed over in time (the daily command): each such line
    ends as returned, counted out of what its allocation has committed; one audit event per
    payroll with the lines and fen returned. Returns payroll id -> lines returned."""
    returned: dict[int, int] = {}
    for cycle_id, line_ids in sorted(_cash_overdue(today).items()):
        cycle = PayrollCycle.objects.select_for_update().get(pk=cycle_id)
        lines = cycle.lines.filter(pk__in=line_ids, status=LineStatus.CASH)
        fen = lines.aggregate(fen=Sum("amount_fen"))["fen"] or 0
        count = lines.update(status=LineStatus.RETURNED, outcome="returned")
        returned[cycle_id] = count
        audit_record(
            actor=actor,
            action="payments.cash_unpaid_return",
            object_type="payroll_cycle",
            object_id=cycle_id,
            region_code=cycle.region_code,
            changes={"lines": count, "fen": fen, "on": today.isoformat()},
        )
    return returned


# --- Who collects: proxies (代领) and guardians -------------------------------------------------


@transaction.atomic
def authorization_record(
    *,
    actor: User,
    payee: Person,
    collector_name: str,
    collector_id_number: str,
    relation: str,
    kind: str,
    document_ref: str,
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> CollectionAuthorization:
    """Record who may collect a payee's money: a proxy for a stated time, or a guardian."""
    if not actor.has_perm("payments.record_authorization"):
        raise NotAllowed(_("You may not record who collects for a payee."))
    name, number = collector_name.strip(), collector_id_number.strip().upper()
    if not name:
        raise ValidationFailed(_("Give the collector's name."), field="collector_name")
    if not id_number_is_valid(number):
        raise ValidationFailed(
            _("The collector's identity number is not valid."), field="collector_id_number"
        )
    if not relation.strip():
        raise ValidationFailed(
            _("Say how the collector is related to the payee."), field="relation"
        )
    if kind not in CollectorKind.values:
        raise ValidationFailed(
            _("Say whether the collector is a proxy or a guardian."), field="kind"
        )
    if not document_ref.strip():
        raise ValidationFailed(
            _("Give the number of the signed authorization or the guardianship certificate."),
            field="document_ref",
        )
    if kind == CollectorKind.PROXY and valid_until is None:
        raise ValidationFailed(_("A proxy's authorization needs an end date."), field="valid_until")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(
            _("The authorization cannot end before it begins."), field="valid_until"
        )
    if payee.death_date is not None:
        raise Conflict(_("The payee has died: nobody can collect for them."))
    authorization = CollectionAuthorization.objects.create(
        household_id=payee.household_id,
        payee=payee,
        collector_name=name,
        collector_id_number=number,
        relation=relation.strip(),
        kind=kind,
        document_ref=document_ref.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="payments.authorization_record",
        object_type="collection_authorization",
        object_id=authorization.pk,
        region_code=payee.household.region_code,
        # The identity number is personal data: the audit trail names the record, not the number.
        changes={
            "payee": payee.pk,
            "kind": kind,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return authorization


@transaction.atomic
def authorization_revoke(
    *, actor: User, authorization: CollectionAuthorization, reason: str
) -> CollectionAuthorization:
    """End an authorization now, with a reason; the lines it was on are caught by the check."""
    if not actor.has_perm("payments.record_authorization"):
        raise NotAllowed(_("You may not record who collects for a payee."))
    authorization = (
        CollectionAuthorization.objects.select_for_update()
        .select_related("household")
        .get(pk=authorization.pk)
    )
    if authorization.revoked_at is not None:
        raise Conflict(_("This authorization is already revoked."))
    if not reason.strip():
        raise ValidationFailed(_("Say why the authorization is revoked."), field="reason")
    authorization.revoked_at = timezone.now()
    authorization.revoked_by = actor
    authorization.revoke_reason = reason.strip()
    authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="payments.authorization_revoke",
        object_type="collection_authorization",
        object_id=authorization.pk,
        region_code=authorization.household.region_code,
        changes={"reason": authorization.revoke_reason},
    )
    return authorization


# --- end of who collects ------------------------------------------------------------------------
