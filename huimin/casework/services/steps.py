"""Casework services: steps."""

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework import procedure
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Notice,
    NoticeStatus,
    Objection,
    Step,
    StepKind,
    StepStatus,
)
from huimin.casework.services._common import (
    _finish,
    _lock,
    _open_next,
    _open_step,
    _require,
    _today,
    audit,
)
from huimin.core.access import covers
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User

# Home visit, appraisal, township opinion ---------------------------------------------------


HOME_VISIT_ITEMS = ("housing", "income", "assets", "members", "health")


@transaction.atomic
def home_visit_record(
    *,
    actor: User,
    application: Application,
    second_staff: User,
    visited_on: dt.date,
    items: dict[str, str],
    family_confirmed: bool,
    staff_confirmed: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> Step:
    _require(actor, "casework.prepare_application")
    application = _lock(application)
    step = _open_step(application, StepKind.HOME_VISIT)
    if second_staff.pk == actor.pk:
        raise ValidationFailed(_("A home visit needs two different staff."), field="second_staff")
    if not second_staff.has_perm("casework.prepare_application") or not covers(
        second_staff, application.region_code
    ):
        raise ValidationFailed(
            _("The second visitor must be staff working in this area."), field="second_staff"
        )
    if visited_on > _today():
        raise ValidationFailed(_("The visit cannot be in the future."), field="visited_on")
    empty = [item for item in HOME_VISIT_ITEMS if not items.get(item, "").strip()]
    if empty:
        raise ValidationFailed(
            _("Write what was found for: %(items)s.") % {"items": ", ".join(empty)},
            field=empty[0],
        )
    if not (family_confirmed and staff_confirmed):
        raise ValidationFailed(
            _("The family and both staff must confirm the form."), field="family_confirmed"
        )
    findings = {
        "visited_on": visited_on.isoformat(),
        "items": {item: items[item].strip() for item in HOME_VISIT_ITEMS},
        "family_confirmed": True,
        "staff_confirmed": True,
    }
    _finish(step, actor=actor, findings=findings, note=note, second_staff=second_staff)
    audit(
        actor,
        "casework.home_visit_record",
        application,
        {"second_staff": second_staff.get_username()},
        request,
        step,
    )
    return step


@transaction.atomic
def appraisal_record(
    *,
    actor: User,
    application: Application,
    held_on: dt.date,
    present: int,
    in_favour: int,
    note: str = "",
    request: HttpRequest | None = None,
) -> Step:
    _require(actor, "casework.record_appraisal")
    application = _lock(application)
    step = _open_step(application, StepKind.APPRAISAL)
    if present <= 0 or not 0 <= in_favour <= present:
        raise ValidationFailed(
            _("Those in favour cannot be more than those present."), field="in_favour"
        )
    outcome = "agree" if in_favour * 2 > present else "disagree"
    findings = {"held_on": held_on.isoformat(), "present": present, "in_favour": in_favour}
    _finish(step, actor=actor, outcome=outcome, findings=findings, note=note)
    audit(actor, "casework.appraisal_record", application, {"outcome": outcome}, request, step)
    return step


@transaction.atomic
def township_opinion_record(
    *,
    actor: User,
    application: Application,
    recommend: bool,
    note: str,
    request: HttpRequest | None = None,
) -> Step:
    _require(actor, "casework.prepare_application")
    application = _lock(application)
    step = _open_step(application, StepKind.TOWNSHIP_OPINION)
    if not note.strip():
        raise ValidationFailed(_("Write the township's opinion."), field="note")
    outcome = "recommend" if recommend else "not_recommend"
    _finish(step, actor=actor, outcome=outcome, note=note.strip())
    audit(
        actor, "casework.township_opinion_record", application, {"outcome": outcome}, request, step
    )
    return step


# Public notice and objections --------------------------------------------------------------


@transaction.atomic
def notice_publish(
    *, actor: User, village_code: str, starts_on: dt.date, request: HttpRequest | None = None
) -> Notice:
    """Post one notice in a village listing every application waiting for its notice there."""
    _require(actor, "casework.record_appraisal")
    if len(village_code) != 12 or not covers(actor, village_code):
        raise NotAllowed(_("This village is outside your area."))
    steps = list(
        Step.objects.select_for_update()
        .filter(
            application__region_code=village_code,
            application__status=ApplicationStatus.IN_PROGRESS,
            kind=StepKind.PUBLIC_NOTICE,
            status=StepStatus.OPEN,
        )
        .exclude(notices__status=NoticeStatus.POSTED)
        .select_related("application")
    )
    if not steps:
        raise Conflict(_("No application in this village is waiting for a public notice."))
    # A new notice after an objection is shorter; the notice lasts as long as its longest.
    days = max(
        procedure.limit_days(
            limit=step.findings.get("limit")
            or procedure.spec_of(step.kind, step.application.program).limit,
            region_code=village_code,
            on=starts_on,
        )
        for step in steps
    )
    notice = Notice.objects.create(
        region_code=village_code,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days),
        posted_by=actor,
    )
    notice.steps.set(steps)
    Step.objects.filter(pk__in=[s.pk for s in steps]).update(due_date=notice.ends_on)
    audit_record(
        actor=actor,
        action="casework.notice_publish",
        object_type="casework.notice",
        object_id=notice.pk,
        region_code=village_code,
        changes={"applications": [s.application_id for s in steps], "days": days},
        request=request,
    )
    return notice


@transaction.atomic
def notice_close(
    *, actor: User, notice: Notice, on: dt.date | None = None, request: HttpRequest | None = None
) -> Notice:
    """After the notice period: each application without an open objection moves on."""
    _require(actor, "casework.record_appraisal")
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    on = on or _today()
    if notice.status != NoticeStatus.POSTED:
        raise Conflict(_("This notice is already closed."))
    if on < notice.ends_on:
        raise Conflict(
            _("The notice stays up until %(date)s.") % {"date": notice.ends_on.isoformat()}
        )
    passed = []
    for step in notice.steps.select_related("application").order_by("pk"):
        application = _lock(step.application, *ApplicationStatus.values)
        if application.status != ApplicationStatus.IN_PROGRESS:
            continue
        locked = Step.objects.select_for_update().get(pk=step.pk)
        if locked.status != StepStatus.OPEN:
            continue  # sent back by an objection
        if application.objections.filter(notice=notice, answered_at__isnull=True).exists():
            continue
        _finish(locked, actor=actor, outcome="no_objection", findings={"notice": notice.pk})
        passed.append(application.pk)
    notice.status = NoticeStatus.CLOSED
    notice.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="casework.notice_close",
        object_type="casework.notice",
        object_id=notice.pk,
        region_code=notice.region_code,
        changes={"passed": passed},
        request=request,
    )
    return notice


@transaction.atomic
def objection_record(
    *,
    actor: User,
    application: Application,
    notice: Notice,
    text: str,
    objector: str = "",
    received_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Objection:
    _require(actor, "casework.record_appraisal")
    application = _lock(application)
    received_on = received_on or _today()
    if not notice.steps.filter(application=application).exists():
        raise ValidationFailed(_("This application is not on that notice."), field="notice")
    if not notice.starts_on <= received_on <= notice.ends_on:
        raise ValidationFailed(
            _("An objection is received while the notice is up."), field="received_on"
        )
    if not text.strip():
        raise ValidationFailed(_("Write down the objection."), field="text")
    objection = Objection.objects.create(
        application=application,
        notice=notice,
        received_on=received_on,
        objector=objector.strip()[:100],
        text=text.strip(),
        recorded_by=actor,
    )
    audit(actor, "casework.objection_record", application, {}, request, objection)
    return objection


@transaction.atomic
def objection_answer(
    *, actor: User, objection: Objection, answer: str, request: HttpRequest | None = None
) -> Objection:
    """Answer an objection: the case goes back for a new home visit and a new, shorter notice."""
    _require(actor, "casework.prepare_application")
    application = _lock(objection.application)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_at is not None:
        raise Conflict(_("This objection was already answered."))
    if not answer.strip():
        raise ValidationFailed(_("Write the answer to the objection."), field="answer")
    objection.answer, objection.answered_by = answer.strip(), actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    notice_step = (
        Step.objects.select_for_update()
        .filter(application=application, notices=objection.notice)
        .first()
    )
    if notice_step is not None and notice_step.status == StepStatus.OPEN:
        _reinvestigate(application, notice_step)
    audit(actor, "casework.objection_answer", application, {}, request, objection)
    return objection


def _reinvestigate(application: Application, notice_step: Step) -> None:
    notice_step.status = StepStatus.CANCELLED
    notice_step.save(update_fields=["status"])
    taken = set(application.steps.values_list("position", flat=True))
    position = notice_step.position
    new = []
    for spec in procedure.REINVESTIGATION:
        position += 1
        if position in taken or position % 10 == 0:
            raise Conflict(_("Too many objections to this case; ask the county to review it."))
        new.append(
            Step(
                application=application,
                position=position,
                kind=spec.kind,
                findings={"limit": spec.limit, "after_objection": True},
            )
        )
    Step.objects.bulk_create(new)
    _open_next(application, on=_today())
