"""Casework services: applications."""

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huimin.casework import procedure
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    Decision,
    DecisionOutcome,
    EmergencyKind,
    Program,
    Step,
    StepStatus,
)
from huimin.casework.procedure_limit import procedure_due
from huimin.casework.services._citizens import tell_citizens_paused
from huimin.casework.services._common import (
    Taker,
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
from huimin.programs.parameters import live_parameters
from huimin.registry import services as registry
from huimin.registry.models import Household, Person

if TYPE_CHECKING:
    from huimin.citizens.models import CitizenAccount

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


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_once_per_cause(*, household: Household, emergency_kind: str, on: dt.date) -> None:
    """Temporary assistance in principle once per cause per year (POLICY.md): an approval for the
    same kind of hardship within `procedure.temporary.repeat_months` refuses a new application
    that states no new emergency, naming the earlier case."""
    months = int(
        live_parameters()
        .resolve("procedure.temporary.repeat_months", household.region_code, on.strftime("%Y-%m"))
        .value
    )
    earlier = (
        Decision.objects.filter(
            application__household=household,
            application__program=Program.TEMPORARY,
            application__emergency_kind=emergency_kind,
            outcome=DecisionOutcome.APPROVED,
            superseded_at__isnull=True,
            decided_on__gt=_months_before(on, months),
        )
        .order_by("-decided_on", "-id")
        .first()
    )
    if earlier is None:
        return
    raise Conflict(
        _(
            "This household was granted temporary assistance for the same cause "
            "(%(kind)s) on %(day)s: application %(id)s, decision %(number)s. Assistance is "
            "given once per cause within %(months)s months: state the new emergency the family "
            "faces to apply again."
        )
        % {
            "kind": dict(EmergencyKind.choices).get(emergency_kind, emergency_kind),
            "day": earlier.decided_on.isoformat(),
            "id": earlier.application_id,
            "number": earlier.letter_number,
            "months": months,
        },
        field="new_emergency",
    )


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
    new_emergency: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """A member of staff takes an application for a household of their area.

    `new_emergency`: for temporary assistance within the period after an approval for the
    same kind of hardship, what new emergency the family faces (else the intake is refused)."""
    _require(actor, "casework.take_application")
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not covers(actor, household.region_code):
        raise NotAllowed(_("This household is outside your area."))
    facts = ApplicationFacts(
        program=program,
        statement=statement,
        help_first=help_first,
        emergency_kind=emergency_kind,
        emergency_expense_fen=emergency_expense_fen,
        disaster_event=disaster_event,
        disaster_deaths=disaster_deaths,
        disaster_home_destroyed=disaster_home_destroyed,
        disaster_transitional_days=disaster_transitional_days,
        new_emergency=new_emergency,
    )
    return _take(
        Taker(staff=actor), household, applicant, channel=channel, facts=facts, request=request
    )


@transaction.atomic
def application_submit_online(
    *,
    account: "CitizenAccount",
    program: str,
    statement: str,
    emergency_kind: str = EmergencyKind.NONE,
    emergency_expense_fen: int = 0,
    new_emergency: str = "",
    request: HttpRequest | None = None,
) -> Application:
    """A resident applies online for their own household (channel "online"): the taker is the
    resident's confirmed account, not a member of staff, and the audit events are the
    resident's (no staff actor, the account named). No staff permission is involved, so none
    is granted: the account reaches only the household and person it was confirmed for."""
    household, applicant = account.household, account.person
    if household is None or applicant is None or account.linked_by_id is None:
        raise NotAllowed(
            _("Your account is not confirmed yet: bring your identity card to the township once.")
        )
    household = Household.objects.select_for_update().get(pk=household.pk)
    facts = ApplicationFacts(
        program=program,
        statement=statement,
        emergency_kind=emergency_kind,
        emergency_expense_fen=emergency_expense_fen,
        new_emergency=new_emergency,
    )
    return _take(
        Taker(resident=account),
        household,
        applicant,
        channel=Channel.ONLINE,
        facts=facts,
        request=request,
    )


@dataclass(frozen=True)
class ApplicationFacts:
    """What an application says beyond who applies: the program's own facts."""

    program: str
    statement: str
    help_first: bool = False
    emergency_kind: str = EmergencyKind.NONE
    emergency_expense_fen: int = 0
    disaster_event: str = ""
    disaster_deaths: int = 0
    disaster_home_destroyed: bool = False
    disaster_transitional_days: int = 0
    new_emergency: str = ""


def _check_facts(
    household: Household, applicant: Person, channel: str, facts: ApplicationFacts
) -> None:
    if facts.program not in Program.values:
        raise ValidationFailed(_("Choose a program."), field="program")
    if channel not in Channel.values or channel == Channel.CARRIED_OVER:
        raise ValidationFailed(_("Say how the application was taken."), field="channel")
    if applicant.household_id != household.pk:
        raise ValidationFailed(
            _("The applicant must be a member of the household."), field="applicant"
        )
    registry.person_assert_alive_for_application(applicant)
    if not facts.statement.strip():
        raise ValidationFailed(_("Write down what the applicant says."), field="statement")
    _check_program_facts(
        facts.program,
        help_first=facts.help_first,
        emergency_kind=facts.emergency_kind,
        expense_fen=facts.emergency_expense_fen,
        disaster_event=facts.disaster_event,
    )
    if Application.objects.filter(
        household=household,
        program=facts.program,
        status__in=[ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED],
    ).exists():
        raise Conflict(_("This household already has an open application for this program."))
    if facts.program == Program.TEMPORARY and not facts.new_emergency.strip():
        check_once_per_cause(household=household, emergency_kind=facts.emergency_kind, on=_today())


def _take(
    taker: Taker,
    household: Household,
    applicant: Person,
    *,
    channel: str,
    facts: ApplicationFacts,
    request: HttpRequest | None,
) -> Application:
    """The application, its steps, the first one opened, the relatives' flag, the event."""
    _check_facts(household, applicant, channel, facts)
    temporary = facts.program == Program.TEMPORARY
    due = procedure_due(program=facts.program, region_code=household.region_code, taken_on=_today())
    application = Application.objects.create(
        program=facts.program,
        household=household,
        applicant=applicant,
        region_code=household.region_code,
        channel=channel,
        statement=facts.statement.strip(),
        help_first=facts.help_first,
        emergency_kind=facts.emergency_kind,
        emergency_expense_fen=facts.emergency_expense_fen,
        disaster_event=facts.disaster_event.strip(),
        disaster_deaths=facts.disaster_deaths,
        disaster_home_destroyed=facts.disaster_home_destroyed,
        disaster_transitional_days=facts.disaster_transitional_days,
        new_emergency=facts.new_emergency.strip()[:500] if temporary else "",
        created_by=taker.staff,
        submitted_by=taker.resident,
        responsible=taker.staff,
        procedure_due=due.day,
        procedure_due_provisional=due.provisional,
    )
    specs = procedure.steps_for(facts.program, help_first=facts.help_first)
    Step.objects.bulk_create(
        Step(application=application, position=10 * (i + 1), kind=spec.kind)
        for i, spec in enumerate(specs)
    )
    _open_next(application, on=_today())
    flag_application(application)
    taker.audit(
        "casework.application_create",
        application,
        {
            "household": household.household_no,
            "channel": channel,
            "help_first": facts.help_first,
            "relative_flag": application.relative_flag,
            **({"new_emergency": application.new_emergency} if application.new_emergency else {}),
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
    tell_citizens_paused(application)
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
