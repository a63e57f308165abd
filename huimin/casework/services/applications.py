"""Casework services: applications."""

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huimin.casework import procedure
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    EmergencyKind,
    Program,
    Step,
    StepStatus,
)
from huimin.casework.services._common import (
    _cancel_remaining,
    _lock,
    _open_next,
    _require,
    _today,
    audit,
)
from huimin.casework.services.relatives import flag_application
from huimin.core.access import covers
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.registry import services as registry
from huimin.registry.models import Household, Person

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
    if channel not in Channel.values or channel == Channel.CARRIED_OVER:
        raise ValidationFailed(_("Say how the application was taken."), field="channel")
    if applicant.household_id != household.pk:
        raise ValidationFailed(
            _("The applicant must be a member of the household."), field="applicant"
        )
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
    flag_application(application)
    audit(
        actor,
        "casework.application_create",
        application,
        {
            "household": household.household_no,
            "channel": channel,
            "help_first": help_first,
            "relative_flag": application.relative_flag,
        },
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
    audit(actor, "casework.application_withdraw", application, {"reason": reason}, request)
    return application


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
    audit(actor, "casework.procedure_suspend", application, {"reason": reason}, request)
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
    audit(actor, "casework.procedure_resume", application, {}, request)
    return application
