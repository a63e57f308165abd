"""What every casework write does: check the role, lock the application, open the next step."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework import procedure
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Step,
    StepKind,
    StepStatus,
)
from huimin.casework.services._citizens import tell_citizens_step_opened
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed
from huimin.core.models import User

if TYPE_CHECKING:
    from huimin.citizens.models import CitizenAccount

OFFICE_DIGITS = 6  # a decision is the county's
TOWNSHIP_DIGITS = 9


def audit(
    actor: User | None,
    action: str,
    application: Application,
    changes: dict[str, Any],
    request: HttpRequest | None = None,
    obj: object = None,
) -> None:
    record = obj if obj is not None else application
    audit_record(
        actor=actor,
        action=action,
        object_type=record._meta.label_lower,  # type: ignore[attr-defined]
        object_id=record.pk,  # type: ignore[attr-defined]
        region_code=application.region_code,
        changes={"application": application.pk, "program": application.program, **changes},
        request=request,
    )


@dataclass(frozen=True)
class Taker:
    """Who takes an application or attaches a document: a member of staff, or the resident
    applying online with their confirmed account. A resident's events have no staff actor;
    they name the account (`citizen_account`)."""

    staff: User | None = None
    resident: "CitizenAccount | None" = None

    def audit(
        self,
        action: str,
        application: Application,
        changes: dict[str, Any],
        request: HttpRequest | None = None,
        obj: object = None,
    ) -> None:
        if self.resident is not None:
            changes = {**changes, "citizen_account": self.resident.pk}
        audit(self.staff, action, application, changes, request, obj)


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise NotAllowed(_("Your role does not allow this step."))


def _lock(application: Application, *statuses: str) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    allowed = statuses or (ApplicationStatus.IN_PROGRESS,)
    if locked.status not in allowed:
        raise Conflict(
            _("This application is %(status)s; the step cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _open_step(application: Application, kind: str) -> Step:
    """The application's open step, which must be of this kind."""
    step = (
        Step.objects.select_for_update()
        .filter(application=application, status=StepStatus.OPEN)
        .first()
    )
    if step is None or step.kind != kind:
        current = step.get_kind_display() if step is not None else _("none")
        raise Conflict(
            _("The application is at the step “%(current)s”, not “%(wanted)s”.")
            % {"current": current, "wanted": StepKind(kind).label}
        )
    return step


def _today() -> dt.date:
    return timezone.localdate()


def _open_next(application: Application, *, on: dt.date) -> Step | None:
    step = (
        Step.objects.filter(application=application, status=StepStatus.WAITING)
        .order_by("position")
        .first()
    )
    if step is None:
        return None
    spec = procedure.spec_of(step.kind, application.program)
    limit = step.findings.get("limit") or spec.limit
    due = procedure.step_due(limit=limit, region_code=application.region_code, opened_on=on)
    step.status, step.opened_on = StepStatus.OPEN, on
    step.due_date, step.due_provisional = due.day, due.provisional
    step.save(update_fields=["status", "opened_on", "due_date", "due_provisional"])
    tell_citizens_step_opened(application, step)
    return step


def _finish(
    step: Step,
    *,
    actor: User,
    outcome: str = "",
    findings: dict[str, Any] | None = None,
    note: str = "",
    second_staff: User | None = None,
) -> None:
    step.status, step.done_by, step.done_at = StepStatus.DONE, actor, timezone.now()
    step.outcome, step.note, step.second_staff = outcome, note, second_staff
    step.findings = {**step.findings, **(findings or {})}
    step.save(
        update_fields=[
            "status",
            "done_by",
            "done_at",
            "outcome",
            "note",
            "second_staff",
            "findings",
        ]
    )
    _open_next(step.application, on=_today())


def _cancel_remaining(application: Application) -> None:
    application.steps.filter(status__in=[StepStatus.OPEN, StepStatus.WAITING]).update(
        status=StepStatus.CANCELLED
    )
