"""Changes of circumstance: the registry tells casework, the rules re-run, a task is opened.

The registry's services call `registry_changed` explicitly, inside their own transaction, after
a death, a new income or a move out of the township; `huimin casework_daily` calls it for the
members who turned 16, 18, 60 or 80. Nothing happens for a household that receives nothing. A
death suspends every running entitlement of the household at once, until a caseworker has
looked (`change_close`, which may resume them, after which a review adjusts or stops).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.assessment import application_explain
from huimin.casework.models import (
    ChangeKind,
    ChangeStatus,
    CircumstanceChange,
    Entitlement,
    EntitlementStatus,
)
from huimin.casework.services._common import _require, _today
from huimin.casework.services.reviews import RUNNING
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, HuiminError, ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Household, Person

AGE_THRESHOLDS = (16, 18, 60, 80)  # under 16 and 60+ count for tekun; 18 ends childhood; 80 top-ups


def audit(
    actor: User | None,
    action: str,
    change: CircumstanceChange,
    changes: dict[str, Any],
    request: HttpRequest | None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="casework.circumstancechange",
        object_id=change.pk,
        region_code=change.region_code,
        changes={"kind": change.kind, "household": change.household_id, **changes},
        request=request,
    )


@transaction.atomic
def registry_changed(
    *,
    actor: User | None,
    kind: str,
    household: Household,
    person: Person | None = None,
    on: dt.date,
    age: int | None = None,
    request: HttpRequest | None = None,
) -> CircumstanceChange | None:
    """Re-evaluate the household's running entitlements after a change the registry recorded.

    Called by the registry's services (in their transaction) and by the daily command; the
    actor is whoever recorded the change, or None for the command. Returns the task opened, or
    None when the household receives nothing.
    """
    if kind not in ChangeKind.values:
        raise ValidationFailed(_("Unknown kind of change."))
    running = list(
        Entitlement.objects.select_for_update()
        .select_related("decision__application__household")
        .filter(household_id=household.pk, status__in=RUNNING)
        .order_by("id")
    )
    if not running:
        return None
    evaluation: dict[str, dict[str, Any]] = {}
    for entitlement in running:
        row: dict[str, Any] = {"program": entitlement.program, "was_fen": entitlement.monthly_fen}
        try:
            entry = application_explain(application=entitlement.decision.application, on=on)
            row.update(eligible=entry.eligible, amount_fen=entry.amount_fen)
        except HuiminError as error:  # a household closed by the change: nothing to assess
            row.update(eligible=False, amount_fen=0, problem=str(error))
        if kind == ChangeKind.DEATH:
            entitlement.status = EntitlementStatus.SUSPENDED
            entitlement.suspended_reason = _(
                "A death was recorded in the household on %(date)s."
            ) % {"date": on.isoformat()}
            # held from the month it is recorded: the months before were paid
            entitlement.suspended_from = _today().replace(day=1)
            entitlement.save(update_fields=["status", "suspended_reason", "suspended_from"])
            row["suspended"] = True
            row["suspended_from"] = entitlement.suspended_from.isoformat()[:7]
        evaluation[str(entitlement.pk)] = row
    change = CircumstanceChange.objects.create(
        kind=kind,
        household=household,
        person=person,
        region_code=household.region_code,
        occurred_on=on,
        age=age,
        evaluation=evaluation,
    )
    audit(
        actor,
        "casework.change_record",
        change,
        {"person": person.pk if person else None, "on": on.isoformat(), "entitlements": evaluation},
        request,
    )
    return change


@transaction.atomic
def change_close(
    *,
    actor: User,
    change: CircumstanceChange,
    note: str,
    resume: bool = False,
    request: HttpRequest | None = None,
) -> CircumstanceChange:
    """The caseworker has looked at the change. `resume` starts paying again what the change
    suspended (a review then adjusts or stops it); otherwise it stays suspended."""
    _require(actor, "casework.prepare_application")
    change = CircumstanceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.OPEN:
        raise Conflict(_("This change was already dealt with."))
    if not note.strip():
        raise ValidationFailed(_("Write down what was done."), field="note")
    resumed: list[int] = []
    if resume:
        suspended = [int(pk) for pk, row in change.evaluation.items() if row.get("suspended")]
        for entitlement in Entitlement.objects.select_for_update().filter(
            pk__in=suspended, status=EntitlementStatus.SUSPENDED
        ):
            entitlement.status, entitlement.suspended_reason = EntitlementStatus.ACTIVE, ""
            entitlement.suspended_from = None
            entitlement.save(update_fields=["status", "suspended_reason", "suspended_from"])
            resumed.append(entitlement.pk)
    change.status, change.note = ChangeStatus.DONE, note.strip()
    change.closed_by, change.closed_at = actor, timezone.now()
    change.save(update_fields=["status", "note", "closed_by", "closed_at"])
    audit(actor, "casework.change_close", change, {"resumed": resumed}, request)
    return change


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def ages_reached(*, on: dt.date, window_days: int = 31) -> list[CircumstanceChange]:
    """Members of receiving households who reached 16, 18, 60 or 80 within `window_days`
    before `on` (inclusive): one task each, never twice for the same person and age."""
    receiving = Entitlement.objects.filter(status__in=RUNNING).values("household_id")
    made: list[CircumstanceChange] = []
    for age in AGE_THRESHOLDS:
        latest = _years_before(on, age)
        earliest = latest - dt.timedelta(days=window_days)
        people = (
            Person.objects.filter(
                household_id__in=receiving,
                death_date__isnull=True,
                birth_date__gt=earliest,
                birth_date__lte=latest,
            )
            .exclude(pk__in=CircumstanceChange.objects.filter(kind="age", age=age).values("person"))
            .select_related("household")
            .order_by("id")
        )
        for person in people:
            change = registry_changed(
                actor=None,
                kind=ChangeKind.AGE,
                household=person.household,
                person=person,
                on=on,
                age=age,
            )
            if change is not None:
                made.append(change)
    return made
