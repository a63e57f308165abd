"""Every write of casework: one function per change, each in one transaction with its audit event.

An application moves through the steps its program's procedure lists (`procedure.py`). Each step
function locks the application (`select_for_update`) before it reads the open step, so two staff
acting at once queue and the second sees the first's result. Whoever prepared any step of a case
cannot decide it (separation of duties, DESIGN.md).
"""

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework import files, procedure
from huimin.casework.assessment import application_explain
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    Decision,
    DecisionOutcome,
    Document,
    DocumentKind,
    EmergencyKind,
    Entitlement,
    EntitlementStatus,
    Finding,
    FindingStatus,
    LetterSequence,
    Notice,
    NoticeStatus,
    Objection,
    Program,
    Step,
    StepKind,
    StepStatus,
    VerificationAuthorization,
)
from huimin.core.access import covers, region_codes_of
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.registry import services as registry
from huimin.registry.models import Household, Person

OFFICE_DIGITS = 6  # a decision is the county's
TOWNSHIP_DIGITS = 9


def _audit(
    actor: User,
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


# Applications -------------------------------------------------------------------------------


def _check_program_facts(
    program: str, *, help_first: bool, emergency_kind: str, expense_fen: int, disaster_event: str
) -> None:
    if expense_fen < 0:
        raise ValidationFailed(_("An amount cannot be negative."), field="emergency_expense_fen")
    if program == Program.TEMPORARY:
        if emergency_kind == EmergencyKind.NONE:
            raise ValidationFailed(
                _("Say whether this is an emergency or a large expense."), field="emergency_kind"
            )
        if expense_fen <= 0:
            raise ValidationFailed(
                _("Give the amount of the expense or the loss."), field="emergency_expense_fen"
            )
        if help_first and emergency_kind != EmergencyKind.URGENT:
            raise ValidationFailed(
                _("Help first, verify later is only for an emergency."), field="help_first"
            )
    elif help_first or emergency_kind != EmergencyKind.NONE or expense_fen:
        raise ValidationFailed(
            _("An emergency or expense belongs to an application for temporary assistance."),
            field="emergency_kind",
        )
    if program == Program.DISASTER and not disaster_event.strip():
        raise ValidationFailed(_("Name the disaster and what it damaged."), field="disaster_event")


@transaction.atomic
def application_create(
    *,
    actor: User,
    household: Household,
    applicant: Person,
    program: str,
    channel: str,
    statement: str,
    help_first: bool = False,
    emergency_kind: str = EmergencyKind.NONE,
    emergency_expense_fen: int = 0,
    disaster_event: str = "",
    disaster_deaths: int = 0,
    disaster_home_destroyed: bool = False,
    disaster_transitional_days: int = 0,
    request: HttpRequest | None = None,
) -> Application:
    _require(actor, "casework.take_application")
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not covers(actor, household.region_code):
        raise NotAllowed(_("This household is outside your area."))
    if program not in Program.values:
        raise ValidationFailed(_("Choose a program."), field="program")
    if channel not in Channel.values:
        raise ValidationFailed(_("Say how the application was taken."), field="channel")
    if applicant.household_id != household.pk:
        raise ValidationFailed(_("The applicant must be a member of the household."), "applicant")
    registry.person_assert_alive_for_application(applicant)
    if not statement.strip():
        raise ValidationFailed(_("Write down what the applicant says."), field="statement")
    _check_program_facts(
        program,
        help_first=help_first,
        emergency_kind=emergency_kind,
        expense_fen=emergency_expense_fen,
        disaster_event=disaster_event,
    )
    if Application.objects.filter(
        household=household,
        program=program,
        status__in=[ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED],
    ).exists():
        raise Conflict(_("This household already has an open application for this program."))
    application = Application.objects.create(
        program=program,
        household=household,
        applicant=applicant,
        region_code=household.region_code,
        channel=channel,
        statement=statement.strip(),
        help_first=help_first,
        emergency_kind=emergency_kind,
        emergency_expense_fen=emergency_expense_fen,
        disaster_event=disaster_event.strip(),
        disaster_deaths=disaster_deaths,
        disaster_home_destroyed=disaster_home_destroyed,
        disaster_transitional_days=disaster_transitional_days,
        created_by=actor,
    )
    specs = procedure.steps_for(program, help_first=help_first)
    Step.objects.bulk_create(
        Step(application=application, position=10 * (i + 1), kind=spec.kind)
        for i, spec in enumerate(specs)
    )
    _open_next(application, on=_today())
    _audit(
        actor,
        "casework.application_create",
        application,
        {"household": household.household_no, "channel": channel, "help_first": help_first},
        request,
    )
    return application


@transaction.atomic
def application_withdraw(
    *, actor: User, application: Application, reason: str, request: HttpRequest | None = None
) -> Application:
    _require(actor, "casework.take_application")
    application = _lock(application, ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)
    if not reason.strip():
        raise ValidationFailed(_("Write down why the application is withdrawn."), field="reason")
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    _cancel_remaining(application)
    _audit(actor, "casework.application_withdraw", application, {"reason": reason}, request)
    return application


def _cancel_remaining(application: Application) -> None:
    application.steps.filter(status__in=[StepStatus.OPEN, StepStatus.WAITING]).update(
        status=StepStatus.CANCELLED
    )


@transaction.atomic
def procedure_suspend(
    *, actor: User, application: Application, reason: str, request: HttpRequest | None = None
) -> Application:
    _require(actor, "casework.prepare_application")
    application = _lock(application)
    if not reason.strip():
        raise ValidationFailed(_("Write down why the procedure is suspended."), field="reason")
    application.status, application.suspended_reason = ApplicationStatus.SUSPENDED, reason.strip()
    application.save(update_fields=["status", "suspended_reason"])
    _audit(actor, "casework.procedure_suspend", application, {"reason": reason}, request)
    return application


@transaction.atomic
def procedure_resume(
    *, actor: User, application: Application, request: HttpRequest | None = None
) -> Application:
    _require(actor, "casework.prepare_application")
    application = _lock(application, ApplicationStatus.SUSPENDED)
    application.status, application.suspended_reason = ApplicationStatus.IN_PROGRESS, ""
    application.save(update_fields=["status", "suspended_reason"])
    # The open step's time starts again from today: the suspension stopped the clock.
    step = application.steps.filter(status=StepStatus.OPEN).first()
    if step is not None:
        spec = procedure.spec_of(step.kind, application.program)
        limit = step.findings.get("limit") or spec.limit
        due = procedure.step_due(
            limit=limit, region_code=application.region_code, opened_on=_today()
        )
        step.due_date, step.due_provisional = due.day, due.provisional
        step.save(update_fields=["due_date", "due_provisional"])
    _audit(actor, "casework.procedure_resume", application, {}, request)
    return application


# Documents and the verification ---------------------------------------------------------------


@transaction.atomic
def document_attach(
    *,
    actor: User,
    application: Application,
    kind: str,
    file_name: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> Document:
    _require(actor, "casework.take_application")
    application = _lock(application, ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose what kind of document this is."), field="kind")
    content_type = files.checked_type(data)
    stored_name, sha256 = files.store(data)
    document = Document.objects.create(
        application=application,
        kind=kind,
        file_name=(file_name or "document")[:200],
        content_type=content_type,
        size=len(data),
        stored_name=stored_name,
        sha256=sha256,
        uploaded_by=actor,
    )
    _audit(
        actor,
        "casework.document_attach",
        application,
        {"kind": kind, "size": len(data)},
        request,
        document,
    )
    return document


@transaction.atomic
def document_read(*, actor: User, document: Document, request: HttpRequest | None = None) -> bytes:
    """The clear bytes of an attachment; every read is audited (it holds personal data)."""
    _audit(actor, "casework.document_read", document.application, {"kind": document.kind}, request)
    return files.load(document.stored_name)


@transaction.atomic
def authorization_record(
    *,
    actor: User,
    application: Application,
    signers: list[Person],
    signed_on: dt.date,
    document: Document,
    request: HttpRequest | None = None,
) -> VerificationAuthorization:
    _require(actor, "casework.take_application")
    application = _lock(application, ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)
    if document.application_id != application.pk or document.kind != DocumentKind.AUTHORIZATION:
        raise ValidationFailed(
            _("Attach the scanned authorization to this application first."), field="document"
        )
    if signed_on > _today():
        raise ValidationFailed(_("The date of signing cannot be in the future."), "signed_on")
    adults = _adult_members(application.household, on=signed_on)
    signer_ids = {p.pk for p in signers}
    missing = [p.name for p in adults if p.pk not in signer_ids]
    if application.applicant_id not in signer_ids:
        missing.insert(0, application.applicant.name)
    if missing:
        raise ValidationFailed(
            _("These family members have not signed: %(names)s.") % {"names": "、".join(missing)},
            field="signers",
        )
    strangers = signer_ids - set(application.household.members.values_list("pk", flat=True))
    if strangers:
        raise ValidationFailed(_("Only members of the household sign."), field="signers")
    authorization = VerificationAuthorization.objects.create(
        application=application, signed_on=signed_on, document=document, recorded_by=actor
    )
    authorization.signers.set(signers)
    _audit(
        actor,
        "casework.authorization_record",
        application,
        {"signers": len(signers), "signed_on": signed_on.isoformat()},
        request,
        authorization,
    )
    return authorization


def _adult_members(household: Household, *, on: dt.date) -> list[Person]:
    adult_born_before = on.replace(year=on.year - 18)
    return list(
        household.members.filter(death_date__isnull=True, birth_date__lte=adult_born_before)
    )


def has_authorization(application: Application) -> bool:
    return application.authorizations.exists()


@transaction.atomic
def findings_record(
    *,
    actor: User,
    application: Application,
    purpose: str,
    found: dict[str, list[dict[str, Any]]],
    request: HttpRequest | None = None,
) -> list[Finding]:
    """Record what each source of the verification answered (the adapters' findings)."""
    _require(actor, "casework.prepare_application")
    application = _lock(application)
    step = _open_step(application, StepKind.VERIFICATION)
    if not has_authorization(application):
        raise NotAllowed(
            _("No verification without the family's signed authorization: record it first.")
        )
    rows = [
        Finding(
            step=step,
            source=source,
            kind=str(item.get("kind", "")),
            summary=str(item.get("summary", ""))[:300],
            data=dict(item.get("data", {})),
        )
        for source, items in found.items()
        for item in items
    ]
    Finding.objects.bulk_create(rows)
    step.findings = {**step.findings, "sources": sorted(found), "purpose": purpose}
    step.save(update_fields=["findings"])
    _audit(
        actor,
        "casework.verification_run",
        application,
        {"purpose": purpose, "sources": sorted(found), "findings": len(rows)},
        request,
        step,
    )
    return rows


def _lock_finding(finding: Finding) -> tuple[Application, Finding]:
    application = _lock(finding.step.application)
    finding = Finding.objects.select_for_update().select_related("step").get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise Conflict(_("This finding was already dealt with."))
    return application, finding


@transaction.atomic
def finding_accept(*, actor: User, finding: Finding, request: HttpRequest | None = None) -> Finding:
    """Take a finding into the registry, through the registry's own services."""
    _require(actor, "casework.prepare_application")
    _require(actor, "registry.change_household")
    application, finding = _lock_finding(finding)
    data = finding.data
    if finding.kind == "death":
        person = application.household.members.get(pk=data["person_id"])
        registry.person_record_death(
            actor=actor,
            person=person,
            death_date=dt.date.fromisoformat(data["death_date"]),
            request=request,
        )
    elif finding.kind == "asset":
        registry.asset_add(
            actor=actor,
            household=application.household,
            kind=data["asset_kind"],
            value_fen=int(data["value_fen"]),
            valid_from=dt.date.fromisoformat(data["valid_from"]),
            description=str(data.get("description", ""))[:200],
            request=request,
        )
    elif finding.kind == "income":
        registry.income_add(
            actor=actor,
            person=application.household.members.get(pk=data["person_id"]),
            income_type=data["income_type"],
            monthly_fen=int(data["monthly_fen"]),
            valid_from=dt.date.fromisoformat(data["valid_from"]),
            verified=True,
            note=finding.source,
            request=request,
        )
    else:
        raise ValidationFailed(
            _("This finding cannot be taken into the registry; note why it does not apply.")
        )
    finding.status, finding.decided_by, finding.decided_at = (
        FindingStatus.ACCEPTED,
        actor,
        timezone.now(),
    )
    finding.save(update_fields=["status", "decided_by", "decided_at"])
    _audit(actor, "casework.finding_accept", application, {"source": finding.source}, request)
    return finding


@transaction.atomic
def finding_dismiss(
    *, actor: User, finding: Finding, reason: str, request: HttpRequest | None = None
) -> Finding:
    _require(actor, "casework.prepare_application")
    application, finding = _lock_finding(finding)
    if not reason.strip():
        raise ValidationFailed(_("Write down why the finding does not apply."), field="reason")
    finding.status, finding.reason = FindingStatus.DISMISSED, reason.strip()[:300]
    finding.decided_by, finding.decided_at = actor, timezone.now()
    finding.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _audit(
        actor,
        "casework.finding_dismiss",
        application,
        {"source": finding.source, "reason": reason},
        request,
    )
    return finding


@transaction.atomic
def verification_complete(
    *, actor: User, application: Application, note: str = "", request: HttpRequest | None = None
) -> Step:
    _require(actor, "casework.prepare_application")
    application = _lock(application, ApplicationStatus.IN_PROGRESS, ApplicationStatus.APPROVED)
    step = _open_step(application, StepKind.VERIFICATION)
    if "sources" not in step.findings:
        raise Conflict(_("Run the verification before closing it."))
    if step.found.filter(status=FindingStatus.OPEN).exists():
        raise Conflict(_("Take every finding into the registry or note why not, then close."))
    _finish(step, actor=actor, note=note)
    _audit(actor, "casework.verification_complete", application, {}, request, step)
    return step


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
    _audit(
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
    _audit(actor, "casework.appraisal_record", application, {"outcome": outcome}, request, step)
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
    _audit(
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
    _audit(actor, "casework.objection_record", application, {}, request, objection)
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
    _audit(actor, "casework.objection_answer", application, {}, request, objection)
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


# Decisions ----------------------------------------------------------------------------------


def preparers_of(application: Application) -> set[int]:
    """Everyone who did any part of the case: none of them may decide it."""
    ids = {application.created_by_id}
    for done_by, second in application.steps.filter(status=StepStatus.DONE).values_list(
        "done_by", "second_staff"
    ):
        ids |= {done_by, second}
    ids |= set(application.authorizations.values_list("recorded_by", flat=True))
    ids |= set(
        Finding.objects.filter(step__application=application).values_list("decided_by", flat=True)
    )
    ids.discard(None)
    return ids  # type: ignore[return-value]


def _deciding_step(actor: User, application: Application) -> Step:
    _require(actor, "casework.decide_application")
    step = _open_step(application, StepKind.DECISION)
    if actor.pk in preparers_of(application):
        raise NotAllowed(_("You prepared this case, so someone else must decide it."))
    return step


def _next_letter_serial(office_code: str, year: int) -> int:
    sequence, _created = LetterSequence.objects.select_for_update().get_or_create(
        office_code=office_code, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _decide(
    *,
    actor: User,
    application: Application,
    step: Step,
    outcome: str,
    office_name: str,
    on: dt.date,
    explanation: dict[str, Any],
    amount_fen: int,
    reasons: list[dict[str, Any]],
) -> Decision:
    office_code = application.region_code[:OFFICE_DIGITS]
    serial = _next_letter_serial(office_code, on.year)
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                application=application,
                outcome=outcome,
                period=explanation["period"],
                amount_fen=amount_fen,
                reasons=reasons,
                explanation=explanation,
                office_code=office_code,
                office_name=office_name,
                letter_year=on.year,
                letter_serial=serial,
                letter_number=f"{office_name}〔{on.year}〕{serial}号",
                decided_by=actor,
                decided_on=on,
            )
    except IntegrityError as clash:
        raise Conflict(_("This application was decided a moment ago by someone else.")) from clash
    application.status = (
        ApplicationStatus.APPROVED
        if outcome == DecisionOutcome.APPROVED
        else ApplicationStatus.REFUSED
    )
    application.save(update_fields=["status"])
    _finish(step, actor=actor, outcome=outcome, findings={"decision": decision.pk})
    if outcome == DecisionOutcome.REFUSED:
        application.steps.filter(kind=StepKind.ENTITLEMENT, status=StepStatus.WAITING).update(
            status=StepStatus.CANCELLED
        )
    return decision


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    """The explanation as JSON keeps it: dates as ISO text, decimals as text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))  # type: ignore[no-any-return]


def _failed_criteria(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": c["name"],
            "value": c["value"],
            "threshold": c["threshold"],
            "clause": c["clause"],
            "zh": c["zh"],
            "en": c["en"],
        }
        for c in explanation["criteria"]
        if not c["passed"]
    ]


def _office_name(application: Application) -> str:
    from huimin.core.models import Region

    county = Region.objects.filter(code=application.region_code[:OFFICE_DIGITS]).first()
    return f"{county.name_zh}民政局" if county is not None else "民政局"


def _check_approval_level(actor: User, application: Application, outputs: dict[str, Any]) -> None:
    """A township may approve temporary assistance only up to its limit (SAIM §48)."""
    codes = region_codes_of(actor)
    township_only = bool(codes) and all(len(code) >= TOWNSHIP_DIGITS for code in codes)
    if township_only and outputs.get("approval_level") != "township":
        raise NotAllowed(_("This amount is above the township's limit: the county must decide."))


@transaction.atomic
def decision_approve(
    *,
    actor: User,
    application: Application,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Approve with the amount the rules compute on the facts as verified."""
    application = _lock(application)
    step = _deciding_step(actor, application)
    on = on or _today()
    entry = application_explain(application=application, on=on)
    if not entry.eligible:
        raise Conflict(
            _("On the facts as verified the household does not qualify; refuse instead.")
        )
    _check_approval_level(actor, application, entry.outputs)
    explanation = _plain(asdict(entry))
    decision = _decide(
        actor=actor,
        application=application,
        step=step,
        outcome=DecisionOutcome.APPROVED,
        office_name=_office_name(application),
        on=on,
        explanation=explanation,
        amount_fen=entry.amount_fen,
        reasons=[],
    )
    _audit(
        actor,
        "casework.decision_approve",
        application,
        {"amount_fen": entry.amount_fen, "number": decision.letter_number},
        request,
        decision,
    )
    return decision


@transaction.atomic
def decision_refuse(
    *,
    actor: User,
    application: Application,
    note: str = "",
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Decision:
    """Refuse, citing the criteria the facts fail; a refusal the rules do not support needs a
    written reason (for instance what the home visit found)."""
    application = _lock(application)
    step = _deciding_step(actor, application)
    on = on or _today()
    entry = application_explain(application=application, on=on)
    explanation = _plain(asdict(entry))
    reasons = _failed_criteria(explanation)
    if not reasons and not note.strip():
        raise ValidationFailed(
            _("The rules find the household eligible: write the reason for refusing."),
            field="note",
        )
    if note.strip():
        reasons.append({"name": "note", "zh": note.strip(), "en": note.strip()})
    decision = _decide(
        actor=actor,
        application=application,
        step=step,
        outcome=DecisionOutcome.REFUSED,
        office_name=_office_name(application),
        on=on,
        explanation=explanation,
        amount_fen=0,
        reasons=reasons,
    )
    _audit(
        actor,
        "casework.decision_refuse",
        application,
        {"reasons": [r["name"] for r in reasons], "number": decision.letter_number},
        request,
        decision,
    )
    return decision


def current_decision(application: Application) -> Decision | None:
    return application.decisions.filter(superseded_at__isnull=True).first()


@transaction.atomic
def letter_issue(
    *,
    actor: User,
    application: Application,
    delivered_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Step:
    """Record that the letter was handed or sent to the applicant."""
    _require(actor, "casework.decide_application")
    application = _lock(application, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)
    step = _open_step(application, StepKind.LETTER)
    decision = current_decision(application)
    assert decision is not None  # a letter step opens only after a decision
    delivered_on = delivered_on or _today()
    _finish(
        step,
        actor=actor,
        findings={"decision": decision.pk, "delivered_on": delivered_on.isoformat()},
    )
    _audit(actor, "casework.letter_issue", application, {"number": decision.letter_number}, request)
    return step


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


REVIEW_MONTHS_STABLE = 12
REVIEW_MONTHS_CHANGING = 6


@transaction.atomic
def entitlement_create(
    *, actor: User, application: Application, request: HttpRequest | None = None
) -> Entitlement:
    """The entitlement of an approval: paid from the month after the approval."""
    _require(actor, "casework.decide_application")
    application = _lock(application, ApplicationStatus.APPROVED)
    step = _open_step(application, StepKind.ENTITLEMENT)
    decision = current_decision(application)
    if decision is None or decision.outcome != DecisionOutcome.APPROVED:
        raise Conflict(_("Only an approval creates an entitlement."))
    start = _month_after(decision.decided_on)
    one_off = application.program in (Program.TEMPORARY, Program.DISASTER)
    stable = (
        application.household.members.filter(death_date__isnull=True, serious_illness=True).exists()
        or application.household.members.filter(
            death_date__isnull=True, disability_grade__in=[1, 2]
        ).exists()
    )
    review_months = REVIEW_MONTHS_STABLE if stable else REVIEW_MONTHS_CHANGING
    explanation = decision.explanation
    person = application.applicant if explanation.get("person_id") else None
    entitlement = Entitlement.objects.create(
        program=application.program,
        household=application.household,
        person=person,
        region_code=application.region_code,
        decision=decision,
        monthly_fen=decision.amount_fen,
        category=str(explanation.get("outputs", {}).get("coverage", ""))[:100],
        start_month=start,
        end_month=start if one_off else None,
        review_due=None if one_off else _add_months(start, review_months),
        snapshot={
            "decision": decision.letter_number,
            "period": decision.period,
            "criteria": explanation["criteria"],
            "parameters": explanation["parameters"],
            "outputs": explanation["outputs"],
            "computation_zh": explanation["computation_zh"],
            "computation_en": explanation["computation_en"],
            "application_facts": {
                "emergency_kind": application.emergency_kind,
                "emergency_expense_fen": application.emergency_expense_fen,
                "disaster_event": application.disaster_event,
            },
        },
    )
    _finish(step, actor=actor, findings={"entitlement": entitlement.pk})
    _audit(
        actor,
        "casework.entitlement_create",
        application,
        {"monthly_fen": entitlement.monthly_fen, "start_month": start.isoformat()[:7]},
        request,
        entitlement,
    )
    return entitlement


@transaction.atomic
def appeal_record(
    *,
    actor: User,
    application: Application,
    outcome: str,
    request: HttpRequest | None = None,
) -> Application:
    """A reconsideration or a court set the decision aside: the case is decided again.

    The decision stays as history with the outcome; its entitlement (if any) is suspended
    until the new decision."""
    _require(actor, "casework.decide_application")
    application = _lock(application, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)
    if not outcome.strip():
        raise ValidationFailed(_("Write down the outcome of the appeal."), field="outcome")
    decision = current_decision(application)
    assert decision is not None
    decision.superseded_at, decision.appeal_outcome = timezone.now(), outcome.strip()[:500]
    decision.save(update_fields=["superseded_at", "appeal_outcome"])
    Entitlement.objects.filter(decision=decision, status=EntitlementStatus.ACTIVE).update(
        status=EntitlementStatus.SUSPENDED
    )
    _cancel_remaining(application)
    last = application.steps.aggregate(last=Max("position"))["last"] or 0
    start = (last // 10 + 1) * 10
    Step.objects.bulk_create(
        Step(application=application, position=start + 10 * i, kind=kind)
        for i, kind in enumerate((StepKind.DECISION, StepKind.LETTER, StepKind.ENTITLEMENT))
    )
    application.status = ApplicationStatus.IN_PROGRESS
    application.save(update_fields=["status"])
    _open_next(application, on=_today())
    _audit(
        actor,
        "casework.appeal_record",
        application,
        {"decision": decision.letter_number, "outcome": outcome},
        request,
    )
    return application
