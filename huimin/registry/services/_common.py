"""What every registry write does: lock the household, check its version, write the audit event."""

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.audit import audit_record
from huimin.core.errors import Conflict
from huimin.core.models import User
from huimin.registry.models import Household, Person

PERSONAL_FIELDS = ("id_number", "bank_account", "phone")


def lock_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def check_version(household: Household, expected_version: int) -> None:
    if household.version == expected_version:
        return
    last = household.snapshots.select_related("changed_by").first()
    if last is not None and last.changed_by is not None:
        message = _(
            "household %(no)s was changed by %(who)s at %(when)s after you opened this form; "
            "reload the page, check their change and enter yours again"
        )
        values = {
            "no": household.household_no,
            "who": str(last.changed_by),
            "when": timezone.localtime(last.taken_at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        message = _(
            "household %(no)s was changed by someone else after you opened this form; reload the "
            "page and enter your change again"
        )
        values = {"no": household.household_no}
    raise Conflict(message % values, field="version")


def audit(
    actor: User,
    action: str,
    household: Household,
    changes: dict,
    request: HttpRequest | None,
    obj: object = None,
) -> None:
    record = obj if obj is not None else household
    audit_record(
        actor=actor,
        action=action,
        object_type=record._meta.label_lower,  # type: ignore[attr-defined]
        object_id=record.pk,  # type: ignore[attr-defined]
        region_code=household.region_code,
        changes={"household": household.household_no, **changes},
        request=request,
    )


def audit_person(
    actor: User,
    action: str,
    person: Person,
    household: Household,
    changes: dict,
    request: HttpRequest | None,
) -> None:
    audit(actor, action, household, changes, request, obj=person)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def tell_casework(
    *,
    actor: User,
    kind: str,
    household: Household,
    person: Person | None,
    on: date,
    request: HttpRequest | None = None,
) -> None:
    """After a death, a new income or a move out of the township: casework re-evaluates what the
    household receives and opens a task, in this same transaction (an explicit call, no signal).
    Imported here, not at the top: casework reads the registry, so the registry names it late."""
    from django.apps import apps

    if not apps.is_installed("huimin.casework"):
        return
    from huimin.casework.services.changes import registry_changed

    registry_changed(
        actor=actor, kind=kind, household=household, person=person, on=on, request=request
    )
