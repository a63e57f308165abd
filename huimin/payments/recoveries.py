"""Recoveries of overpayments (追回): recorded, paid back by instalments, waived.

Only assistance paid in excess is recovered, and only from the same entitlement's monthly line:
never a loan, a debt, a fee or a fine (CQ-DB §22; fraud → repay, SAIM §68). An instalment is
at most `payments.recovery_max_share` (a dated regional parameter) of the month's amount, so
the family keeps at least the rest; the last one is what remains.

Generation plans each chunk's instalments (`instalments_plan`, the recoveries locked), makes
the regular lines pay their amount less them, and records them (`instalments_record`) in the
chunk's transaction: a line made earlier is never deducted afterwards.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.models import Entitlement, EntitlementStatus
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.core.money import format_yuan
from huimin.payments.amounts import amount_histories
from huimin.payments.lines_bulk import EntitlementRow, Instalment, payee_of
from huimin.payments.models import (
    LineKind,
    PaymentLine,
    PayrollCycle,
    Recovery,
    RecoveryDeduction,
    RecoveryReason,
    RecoveryState,
)
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household

SHARE_PARAMETER = "payments.recovery_max_share"


def max_share(village: str, month: dt.date) -> Decimal:
    value = live_parameters().resolve(SHARE_PARAMETER, village, f"{month:%Y-%m}").value
    return Decimal(str(value))


def instalment_cap(amount_fen: int, share: Decimal) -> int:
    """The most an instalment may take from a month's amount: the family keeps the rest."""
    return int((Decimal(amount_fen) * share).to_integral_value(ROUND_FLOOR))


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _clean_months(
    entitlement: Entitlement, first_month: dt.date, last_month: dt.date, today: dt.date
) -> tuple[dt.date, dt.date]:
    first, last = first_month.replace(day=1), last_month.replace(day=1)
    if last < first:
        raise ValidationFailed(
            _("The last month overpaid cannot be before the first."), field="last_month"
        )
    if first < entitlement.start_month:
        raise ValidationFailed(
            _("The entitlement was first paid for %(month)s: no earlier month was overpaid.")
            % {"month": f"{entitlement.start_month:%Y-%m}"},
            field="first_month",
        )
    if entitlement.end_month is not None and last > entitlement.end_month:
        raise ValidationFailed(
            _("The entitlement was last paid for %(month)s: no later month was overpaid.")
            % {"month": f"{entitlement.end_month:%Y-%m}"},
            field="last_month",
        )
    if last > today.replace(day=1):
        raise ValidationFailed(
            _("A month still to come cannot have been overpaid."), field="last_month"
        )
    return first, last


def _check_amounts(
    entitlement: Entitlement,
    first: dt.date,
    last: dt.date,
    amount_fen: int,
    instalment_fen: int,
    on: dt.date,
) -> None:
    if amount_fen <= 0:
        raise ValidationFailed(_("The amount overpaid must be above zero."), field="amount_fen")
    if instalment_fen <= 0:
        raise ValidationFailed(
            _("The monthly instalment must be above zero."), field="instalment_fen"
        )
    if instalment_fen > amount_fen:
        raise ValidationFailed(
            _("The monthly instalment cannot be more than the amount overpaid."),
            field="instalment_fen",
        )
    history = amount_histories([entitlement.pk])[entitlement.pk]
    paid_then = sum(history.amount_in(month).amount_fen for month in _months(first, last))
    if amount_fen > paid_then:
        raise ValidationFailed(
            _(
                "The amount overpaid (%(amount)s yuan) is more than the entitlement paid for "
                "those months (%(paid)s yuan): only assistance paid in excess may be recovered."
            )
            % {"amount": format_yuan(amount_fen), "paid": format_yuan(paid_then)},
            field="amount_fen",
        )
    share = max_share(entitlement.region_code, on)
    cap = instalment_cap(entitlement.monthly_fen, share)
    if instalment_fen > cap:
        raise ValidationFailed(
            _(
                "The monthly instalment may be at most %(cap)s yuan: %(share)s%% of the monthly "
                "amount of %(amount)s yuan, so that the family keeps the rest."
            )
            % {
                "cap": format_yuan(cap),
                "share": f"{float(share) * 100:g}",
                "amount": format_yuan(entitlement.monthly_fen),
            },
            field="instalment_fen",
        )


@transaction.atomic
def recovery_record(
    *,
    actor: User,
    household: Household,
    entitlement: Entitlement,
    first_month: dt.date,
    last_month: dt.date,
    amount_fen: int,
    instalment_fen: int,
    reason: str,
    decision_ref: str,
    note: str = "",
    on: dt.date | None = None,
) -> Recovery:
    """Record an overpayment of `entitlement` to be paid back from its monthly line; `on` is
    the day it is recorded (today): no month after it was overpaid, its share limit holds."""
    if not actor.has_perm("payments.prepare_payroll"):
        raise NotAllowed(_("You may not record the recovery of an overpayment."))
    if entitlement.household_id != household.pk:
        raise ValidationFailed(_("Choose an entitlement of this household."), field="entitlement")
    if reason not in RecoveryReason.values:
        raise ValidationFailed(_("Say why the money was overpaid."), field="reason")
    if not decision_ref.strip():
        raise ValidationFailed(
            _("Give the number of the decision to recover the overpayment."),
            field="decision_ref",
        )
    on = on or timezone.localdate()
    first, last = _clean_months(entitlement, first_month, last_month, on)
    _check_amounts(entitlement, first, last, amount_fen, instalment_fen, on)
    recovery = Recovery.objects.create(
        household=household,
        entitlement=entitlement,
        region_code=household.region_code,
        first_month=first,
        last_month=last,
        amount_fen=amount_fen,
        instalment_fen=instalment_fen,
        reason=reason,
        note=note.strip()[:500],
        decision_ref=decision_ref.strip()[:100],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="payments.recovery_record",
        object_type="recovery",
        object_id=recovery.pk,
        region_code=household.region_code,
        changes={
            "entitlement": entitlement.pk,
            "months": [f"{first:%Y-%m}", f"{last:%Y-%m}"],
            "amount_fen": amount_fen,
            "instalment_fen": instalment_fen,
            "reason": reason,
            "decision_ref": recovery.decision_ref,
        },
    )
    return recovery


@transaction.atomic
def recovery_waive(*, actor: User, recovery: Recovery, reason: str) -> Recovery:
    """Give up what remains of a recovery, with a reason: an approver, not its recorder."""
    if not actor.has_perm("payments.approve_payroll"):
        raise NotAllowed(_("Only an approver may waive a recovery."))
    recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
    if recovery.recorded_by_id == actor.pk:
        raise NotAllowed(_("Whoever recorded a recovery cannot waive it."))
    if recovery.state != RecoveryState.ACTIVE:
        raise Conflict(_("Only a recovery still being paid back can be waived."))
    if not reason.strip():
        raise ValidationFailed(_("Say why the rest is waived."), field="reason")
    waived_fen = recovery.amount_fen - recovery.recovered_fen
    recovery.state = RecoveryState.WAIVED
    recovery.waived_by, recovery.waived_at = actor, timezone.now()
    recovery.waive_reason = reason.strip()[:500]
    recovery.save(update_fields=["state", "waived_by", "waived_at", "waive_reason"])
    audit_record(
        actor=actor,
        action="payments.recovery_waive",
        object_type="recovery",
        object_id=recovery.pk,
        region_code=recovery.region_code,
        changes={"waived_fen": waived_fen, "reason": recovery.waive_reason},
    )
    return recovery


# --- In generation: instalments withheld from the regular lines ----------------------------


class InstalmentPlan(NamedTuple):
    by_entitlement: dict[int, list[Instalment]]
    recoveries: dict[int, Recovery]  # locked, as read


def instalments_plan(cycle: PayrollCycle, rows: Sequence[EntitlementRow]) -> InstalmentPlan:
    """What each active recovery withholds from the regular line this chunk makes for its
    entitlement: its instalment, at most what remains, all of them together at most the
    month's share. Lines already made (a generation run again) and suspended entitlements
    (the check stops their line) are not deducted. Nothing is queried beyond one small query
    when no entitlement of the chunk is being recovered from."""
    payable = {
        row.pk: row
        for row in rows
        if payee_of(row) is not None and row.status != EntitlementStatus.SUSPENDED
    }
    recoveries = list(
        Recovery.objects.select_for_update()
        .filter(entitlement_id__in=payable, state=RecoveryState.ACTIVE)
        .order_by("pk")
    )
    if not recoveries:
        return InstalmentPlan({}, {})
    made = set(
        PaymentLine.objects.filter(
            entitlement_id__in={r.entitlement_id for r in recoveries},
            month=cycle.month,
            kind=LineKind.REGULAR,
        ).values_list("entitlement_id", flat=True)
    )
    plan: dict[int, list[Instalment]] = {}
    room: dict[int, int] = {}
    for recovery in recoveries:
        row = payable[recovery.entitlement_id]
        if row.pk in made:
            continue
        if row.pk not in room:
            room[row.pk] = instalment_cap(row.monthly_fen, max_share(row.region_code, cycle.month))
        amount = min(recovery.instalment_fen, recovery.remaining_fen, room[row.pk])
        if amount > 0:
            room[row.pk] -= amount
            plan.setdefault(row.pk, []).append(Instalment(recovery.pk, amount))
    return InstalmentPlan(plan, {r.pk: r for r in recoveries})


def instalments_record(cycle: PayrollCycle, plan: InstalmentPlan) -> dict[str, object]:
    """Record the planned instalments on the lines just made and add them to what each recovery
    has recovered (completed when nothing remains); what the chunk's audit event says of them."""
    if not plan.by_entitlement:
        return {}
    line_of = dict(
        PaymentLine.objects.filter(
            cycle=cycle, kind=LineKind.REGULAR, entitlement_id__in=plan.by_entitlement
        ).values_list("entitlement_id", "pk")
    )
    deductions = [
        RecoveryDeduction(recovery_id=i.recovery_id, line_id=line_of[pk], amount_fen=i.amount_fen)
        for pk, instalments in plan.by_entitlement.items()
        for i in instalments
    ]
    RecoveryDeduction.objects.bulk_create(deductions)
    now, completed = timezone.now(), []
    changed = []
    for deduction in deductions:
        recovery = plan.recoveries[deduction.recovery_id]
        recovery.recovered_fen += deduction.amount_fen
        if recovery.recovered_fen == recovery.amount_fen:
            recovery.state, recovery.completed_at = RecoveryState.COMPLETED, now
            completed.append(recovery.pk)
        changed.append(recovery)
    Recovery.objects.bulk_update(changed, ["recovered_fen", "state", "completed_at"])
    return {
        "instalments": len(deductions),
        "withheld_fen": sum(d.amount_fen for d in deductions),
        "recoveries_completed": completed,
    }


def deductions_reverse(line: PaymentLine) -> int:
    """A line excluded from payment withheld nothing: its instalments no longer count as
    recovered, and a recovery they had completed is being recovered again. Returns the fen."""
    withheld = dict(line.recovery_deductions.values_list("recovery_id", "amount_fen"))
    if not withheld:
        return 0
    changed = list(Recovery.objects.select_for_update().filter(pk__in=withheld).order_by("pk"))
    for recovery in changed:
        recovery.recovered_fen -= withheld[recovery.pk]
        if recovery.state == RecoveryState.COMPLETED:
            recovery.state, recovery.completed_at = RecoveryState.ACTIVE, None
    Recovery.objects.bulk_update(changed, ["recovered_fen", "state", "completed_at"])
    return sum(withheld.values())


def recoveries_of_household(household_id: int) -> QuerySet[Recovery]:
    return (
        Recovery.objects.filter(household_id=household_id)
        .select_related("entitlement", "recorded_by", "waived_by")
        .order_by("-recorded_at", "-pk")
    )
