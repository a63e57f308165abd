"""Casework over JSON: take an application, read it, do its open step; read entitlements.

The same services as the pages. Outside the caller's jurisdiction an application or an
entitlement answers 404; a step the caller's role may not do answers 403; a step that is not the
open one answers 409.
"""

from datetime import date
from typing import Annotated, Literal, TypeVar

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from huimin.api.schema import Text, as_long_as, at_most, errors
from huimin.casework import services
from huimin.casework.access import get_application_for, get_entitlement_for
from huimin.casework.models import (
    Application,
    Channel,
    EmergencyKind,
    Entitlement,
    EntitlementStatus,
    Program,
    StepKind,
    StepStatus,
)
from huimin.core.access import scope
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.registry.access import get_household_for

router = Router(tags=["casework"])
T = TypeVar("T")
PAGE_SIZE = 50
MAX_PAGE = 10_000
STATEMENT_LENGTH = 2000
MAX_ID = 2**63 - 1  # the largest id the databases hold


class StepOut(Schema):
    kind: str
    status: str
    due_date: date | None
    due_provisional: bool  # counted on a year whose holidays are not yet published
    done_at: str | None
    outcome: str


class DecisionOut(Schema):
    outcome: str
    amount_fen: int
    letter_number: str
    decided_on: date
    reasons: list[str]


class ApplicationOut(Schema):
    id: int
    program: str
    household_id: int
    applicant_id: int
    region_code: str
    channel: str
    status: str
    help_first: bool
    emergency_kind: str
    emergency_expense_fen: int
    current_step: str | None
    steps: list[StepOut]
    decision: DecisionOut | None


class ApplicationIn(Schema):
    household_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    applicant_id: Annotated[int, Field(ge=1, le=MAX_ID)]
    program: Program
    channel: Channel = Channel.WINDOW
    statement: Annotated[Text, at_most(STATEMENT_LENGTH)]
    help_first: bool = False
    emergency_kind: EmergencyKind = EmergencyKind.NONE
    emergency_expense_fen: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    disaster_event: Annotated[Text, as_long_as(Application, "disaster_event")] = ""
    # temporary assistance within a year of an approval for the same cause: the new emergency
    new_emergency: Annotated[Text, as_long_as(Application, "new_emergency")] = ""


class StepIn(Schema):
    """The open step's facts; `kind` must name the open step (else 409)."""

    kind: StepKind | None = None
    second_staff_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None  # home visit
    visited_on: date | None = None
    items: dict[Annotated[Text, at_most(20)], Annotated[Text, at_most(1000)]] | None = (
        None  # housing, income, assets, members, health
    )
    family_confirmed: bool = False
    staff_confirmed: bool = False
    held_on: date | None = None  # appraisal
    present: Annotated[int, Field(ge=0, le=100_000)] | None = None
    in_favour: Annotated[int, Field(ge=0, le=100_000)] | None = None
    recommend: bool | None = None  # township opinion
    note: Annotated[Text, as_long_as(Application, "suspended_reason")] = ""
    outcome: Literal["approve", "refuse"] | None = None  # decision


class EntitlementOut(Schema):
    id: int
    program: str
    household_id: int
    person_id: int | None
    region_code: str
    monthly_fen: int
    category: str
    start_month: date
    end_month: date | None
    review_due: date | None
    status: str
    letter_number: str


def _user(request: HttpRequest, permission: str) -> User:
    user = request.user
    if not user.has_perm(permission):
        raise NotAllowed(_("Your role does not allow this step."))
    return user  # type: ignore[return-value]


def _application_out(application: Application) -> dict:
    steps = list(application.steps.all())
    decision = services.current_decision(application)
    current = next((s.kind for s in steps if s.status == StepStatus.OPEN), None)
    return {
        **{
            name: getattr(application, name)
            for name in (
                "id",
                "program",
                "household_id",
                "applicant_id",
                "region_code",
                "channel",
                "status",
                "help_first",
                "emergency_kind",
                "emergency_expense_fen",
            )
        },
        "current_step": current,
        "steps": [
            {
                "kind": s.kind,
                "status": s.status,
                "due_date": s.due_date,
                "due_provisional": s.due_provisional,
                "done_at": s.done_at.isoformat() if s.done_at else None,
                "outcome": s.outcome,
            }
            for s in steps
        ],
        "decision": None
        if decision is None
        else {
            "outcome": decision.outcome,
            "amount_fen": decision.amount_fen,
            "letter_number": decision.letter_number,
            "decided_on": decision.decided_on,
            "reasons": [str(r.get("name", "")) for r in decision.reasons],
        },
    }


@router.post(
    "/applications",
    response={201: ApplicationOut, **errors(404, 409, body=True)},
    summary="Take an application for a household",
)
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status:
    user = _user(request, "casework.take_application")
    household = get_household_for(user, payload.household_id)
    applicant = household.members.filter(pk=payload.applicant_id).first()
    if applicant is None:
        raise ValidationFailed(
            _("The applicant must be a member of the household."), field="applicant_id"
        )
    application = services.application_create(
        actor=user,
        household=household,
        applicant=applicant,
        program=payload.program,
        channel=payload.channel,
        statement=payload.statement,
        help_first=payload.help_first,
        emergency_kind=payload.emergency_kind,
        emergency_expense_fen=payload.emergency_expense_fen,
        disaster_event=payload.disaster_event,
        new_emergency=payload.new_emergency,
        request=request,
    )
    return Status(201, _application_out(application))


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **errors(404)},
    summary="One application with its steps and due dates",
)
def application_read(request: HttpRequest, application_id: int) -> dict:
    user = _user(request, "casework.view_application")
    return _application_out(get_application_for(user, application_id))


@router.post(
    "/applications/{application_id}/step",
    response={200: ApplicationOut, **errors(404, 409, body=True)},
    summary="Do the open step of an application",
)
def step_advance(request: HttpRequest, application_id: int, payload: StepIn) -> dict:
    user = _user(request, "casework.view_application")
    application = get_application_for(user, application_id)
    current = application.steps.filter(status=StepStatus.OPEN).first()
    kind = current.kind if current is not None else None
    if payload.kind is None or payload.kind != kind:
        raise Conflict(
            _("The application is at the step “%(current)s”, not “%(wanted)s”.")
            % {"current": kind or "-", "wanted": payload.kind or "-"}
        )
    _advance(request, user, application, kind, payload)
    return _application_out(get_application_for(user, application_id))


def _required(value: T | None, field: str) -> T:
    if value is None:
        raise ValidationFailed(_("This step needs %(field)s.") % {"field": field}, field=field)
    return value


def _advance(
    request: HttpRequest, user: User, application: Application, kind: str, p: StepIn
) -> None:
    common = {"actor": user, "application": application, "request": request}
    if kind == StepKind.VERIFICATION:
        if "sources" not in application.steps.get(status=StepStatus.OPEN).findings:
            services.verification_run(**common)  # type: ignore[arg-type]
        else:
            services.verification_complete(note=p.note, **common)  # type: ignore[arg-type]
    elif kind == StepKind.HOME_VISIT:
        second = User.objects.filter(pk=_required(p.second_staff_id, "second_staff_id")).first()
        if second is None:
            raise ValidationFailed(_("No such staff."), field="second_staff_id")
        services.home_visit_record(
            second_staff=second,
            visited_on=_required(p.visited_on, "visited_on"),
            items=p.items or {},
            family_confirmed=p.family_confirmed,
            staff_confirmed=p.staff_confirmed,
            note=p.note,
            **common,  # type: ignore[arg-type]
        )
    elif kind == StepKind.APPRAISAL:
        services.appraisal_record(
            held_on=_required(p.held_on, "held_on"),
            present=_required(p.present, "present"),
            in_favour=_required(p.in_favour, "in_favour"),
            note=p.note,
            **common,  # type: ignore[arg-type]
        )
    elif kind == StepKind.TOWNSHIP_OPINION:
        services.township_opinion_record(
            recommend=_required(p.recommend, "recommend"),
            note=p.note,
            **common,  # type: ignore[arg-type]
        )
    elif kind == StepKind.DECISION:
        if p.outcome == "approve":
            services.decision_approve(**common)  # type: ignore[arg-type]
        elif p.outcome == "refuse":
            services.decision_refuse(note=p.note, **common)  # type: ignore[arg-type]
        else:
            raise ValidationFailed(_("Say approve or refuse."), field="outcome")
    elif kind == StepKind.LETTER:
        services.letter_issue(**common)  # type: ignore[arg-type]
    elif kind == StepKind.ENTITLEMENT:
        services.entitlement_create(**common)  # type: ignore[arg-type]
    else:  # a public notice is posted per village, not per application
        raise Conflict(_("This step is done on its own page."))


def _entitlement_out(entitlement: Entitlement) -> dict:
    return {
        **{
            name: getattr(entitlement, name)
            for name in EntitlementOut.model_fields
            if name != "letter_number"
        },
        "letter_number": entitlement.decision.letter_number,
    }


@router.get(
    "/entitlements",
    response={200: list[EntitlementOut], **errors()},
    summary="Entitlements in the caller's jurisdiction, newest first",
)
def entitlement_list(
    request: HttpRequest,
    household_id: Annotated[int, Query(ge=1, le=MAX_ID)] | None = None,
    status: EntitlementStatus | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> list[dict]:
    user = _user(request, "casework.view_entitlement")
    found = scope(Entitlement.objects.select_related("decision"), user)
    if household_id is not None:
        found = found.filter(household_id=household_id)
    if status is not None:
        found = found.filter(status=status)
    start = (page - 1) * PAGE_SIZE
    return [_entitlement_out(e) for e in found.order_by("-id")[start : start + PAGE_SIZE]]


@router.get(
    "/entitlements/{entitlement_id}",
    response={200: EntitlementOut, **errors(404)},
    summary="One entitlement",
)
def entitlement_read(request: HttpRequest, entitlement_id: int) -> dict:
    user = _user(request, "casework.view_entitlement")
    return _entitlement_out(get_entitlement_for(user, entitlement_id))
