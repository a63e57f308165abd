"""Casework services a supervisor uses: whose case it is, and more time for the whole procedure."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.models import Application, ApplicationStatus
from huimin.casework.procedure_limit import extended_due
from huimin.casework.services._common import _lock, _require, _today, audit
from huimin.casework.services.decisions import preparers_of
from huimin.core.access import covers
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User

_OPEN = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)


def _check_area(actor: User, application: Application) -> None:
    if not covers(actor, application.region_code):
        raise NotAllowed(_("This application is outside your area."))


@transaction.atomic
def application_reassign(
    *,
    actor: User,
    application: Application,
    to: User,
    reason: str,
    request: HttpRequest | None = None,
) -> Application:
    """Make someone else responsible for an open case: a member of staff who takes or prepares
    cases and whose area includes the household."""
    from huimin.casework.supervision import team_of

    _require(actor, "casework.decide_application")
    application = _lock(application, *_OPEN)
    _check_area(actor, application)
    if not reason.strip():
        raise ValidationFailed(_("Write down why the case changes hands."), field="reason")
    if to.pk == application.responsible_id:
        raise ValidationFailed(_("This person is already responsible for it."), field="to")
    if not team_of(actor).filter(pk=to.pk).exists() or not covers(to, application.region_code):
        raise ValidationFailed(
            _("Choose someone of your team who works in the household's area."), field="to"
        )
    was = application.responsible
    application.responsible = to
    application.save(update_fields=["responsible"])
    audit(
        actor,
        "casework.application_reassign",
        application,
        {"from": was.username if was else "", "to": to.username, "reason": reason.strip()},
        request,
    )
    return application


@transaction.atomic
def procedure_extend(
    *,
    actor: User,
    application: Application,
    reason: str,
    request: HttpRequest | None = None,
) -> Application:
    """Once per application, with a reason: the whole procedure may take the extension's
    working days longer (ZJ-SA §11). An approver who did not prepare the case grants it."""
    _require(actor, "casework.decide_application")
    application = _lock(application, *_OPEN)
    _check_area(actor, application)
    if application.procedure_extended_at is not None:
        raise Conflict(_("The procedure was already extended once; it cannot be extended again."))
    if not reason.strip():
        raise ValidationFailed(_("Write down why the procedure needs more time."), field="reason")
    if actor.pk in preparers_of(application):
        raise NotAllowed(_("You prepared this case, so someone else must extend its time."))
    if application.procedure_due is None:
        raise Conflict(_("This application has no time limit to extend."))
    was = application.procedure_due
    due = extended_due(region_code=application.region_code, due=was, on=_today())
    application.procedure_due, application.procedure_due_provisional = due.day, due.provisional
    application.procedure_extended_by, application.procedure_extended_at = actor, timezone.now()
    application.procedure_extension_reason = reason.strip()[:500]
    application.save(
        update_fields=[
            "procedure_due",
            "procedure_due_provisional",
            "procedure_extended_by",
            "procedure_extended_at",
            "procedure_extension_reason",
        ]
    )
    audit(
        actor,
        "casework.procedure_extend",
        application,
        {"was": was.isoformat(), "due": due.day.isoformat(), "reason": reason.strip()},
        request,
    )
    return application
