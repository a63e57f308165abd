"""Staff relatives (近亲属备案, CQ-DB §33): declared, flagged on their applications, re-checked by
the county before any approval, and listed for auditors.

An application is flagged when a member of its household was declared by a member of staff
("declared"), or when it lives at the same address in the same village as a declared relative
without being declared itself ("same_address": an undeclared relation, found by the data). A
flagged dibao or tekun case is always visited at home (its procedure has the visit); a flagged
case cannot be approved until a county approver, who did not prepare it, has re-checked it.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huimin.casework.models import (
    Application,
    ApplicationStatus,
    RelativeDeclaration,
    RelativeFlag,
)
from huimin.casework.services._common import _lock, _require, _today, audit
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Household, Person

OPEN = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)


def relative_flag_for(household: Household) -> tuple[str, RelativeDeclaration | None]:
    """How an application of this household is flagged, and the declaration behind it."""
    declared = (
        RelativeDeclaration.objects.filter(
            Q(person__household_id=household.pk)
            | Q(
                person__household__region_code=household.region_code,
                person__household__address=household.address,
            )
        )
        .select_related("person")
        .order_by("id")
    )
    same_address = None
    for declaration in declared:
        if declaration.person.household_id == household.pk:
            return RelativeFlag.DECLARED, declaration
        same_address = same_address or declaration
    if same_address is not None:
        return RelativeFlag.SAME_ADDRESS, same_address
    return "", None


def flag_application(application: Application) -> None:
    """Set the flag on a new or open application (called inside the caller's transaction)."""
    flag, declaration = relative_flag_for(application.household)
    if not flag or application.relative_flag == RelativeFlag.DECLARED:
        return
    application.relative_flag = flag
    application.relative_staff = declaration.staff if declaration else None
    application.save(update_fields=["relative_flag", "relative_staff"])


@transaction.atomic
def relative_declare(
    *,
    actor: User,
    person: Person,
    relation: str,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> RelativeDeclaration:
    """The actor declares `person` a close relative. Open applications of the relative's
    household, and of households at the same address, are flagged at once."""
    _require(actor, "casework.view_application")
    if not relation.strip():
        raise ValidationFailed(_("Say how the person is related to you."), field="relation")
    if RelativeDeclaration.objects.filter(staff=actor, person=person).exists():
        raise Conflict(_("You have already declared this person."))
    household = person.household
    declaration = RelativeDeclaration.objects.create(
        staff=actor,
        person=person,
        relation=relation.strip(),
        region_code=household.region_code,
        declared_on=on or _today(),
    )
    for application in Application.objects.select_for_update().filter(
        Q(household_id=household.pk)
        | Q(household__region_code=household.region_code, household__address=household.address),
        status__in=OPEN,
    ):
        flag_application(application)
    audit_record(
        actor=actor,
        action="casework.relative_declare",
        object_type="casework.relativedeclaration",
        object_id=declaration.pk,
        region_code=declaration.region_code,
        changes={"person": person.pk, "relation": declaration.relation},
        request=request,
    )
    return declaration


@transaction.atomic
def relative_review_record(
    *, actor: User, application: Application, note: str, request: HttpRequest | None = None
) -> Application:
    """The county's re-check of a flagged case: an approver who did not prepare it."""
    from huimin.casework.services.decisions import preparers_of

    _require(actor, "casework.decide_application")
    application = _lock(application)
    if not application.relative_flag:
        raise Conflict(_("This application is not from a relative of staff."))
    if application.relative_reviewed_by_id is not None:
        raise Conflict(_("The county has already re-checked this application."))
    if actor.pk in preparers_of(application) or actor.pk == application.relative_staff_id:
        raise NotAllowed(
            _("You worked on this case or declared the relative: someone else checks.")
        )
    if not note.strip():
        raise ValidationFailed(_("Write down what the re-check found."), field="note")
    application.relative_reviewed_by, application.relative_review_note = actor, note.strip()
    application.save(update_fields=["relative_reviewed_by", "relative_review_note"])
    audit(
        actor, "casework.relative_review", application, {"flag": application.relative_flag}, request
    )
    return application


def check_relative_reviewed(application: Application) -> None:
    """decision_approve calls this: a flagged case needs the county's re-check first."""
    if application.relative_flag and application.relative_reviewed_by_id is None:
        raise Conflict(
            _("This application is from a relative of staff: the county must re-check it first.")
        )
