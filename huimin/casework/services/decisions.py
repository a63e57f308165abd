"""Casework services: decisions."""

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.assessment import application_explain, payment_month
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    Entitlement,
    EntitlementStatus,
    Finding,
    LetterSequence,
    Program,
    Step,
    StepKind,
    StepStatus,
)
from huimin.casework.services._citizens import tell_citizens_decided
from huimin.casework.services._common import (
    OFFICE_DIGITS,
    TOWNSHIP_DIGITS,
    _cancel_remaining,
    _finish,
    _lock,
    _open_next,
    _open_step,
    _require,
    _today,
    audit,
)
from huimin.casework.services.relatives import check_relative_reviewed
from huimin.core.access import region_codes_of
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Household

# Decisions ----------------------------------------------------------------------------------


def preparers_of(application: Application) -> set[int]:
    """Everyone who did any part of the case: none of them may decide it."""
    ids: set[int | None] = {application.created_by_id}
    for done_by, second in application.steps.filter(status=StepStatus.DONE).values_list(
        "done_by", "second_staff"
    ):
        ids |= {done_by, second}
    ids |= set(application.authorizations.values_list("recorded_by", flat=True))
    ids |= set(
        Finding.objects.filter(step__application=application).values_list("decided_by", flat=True)
    )
    return {pk for pk in ids if pk is not None}


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
    request: HttpRequest | None = None,
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
    _end_superseded_entitlements(
        actor=actor, application=application, decision=decision, request=request
    )
    if outcome == DecisionOutcome.REFUSED:
        application.steps.filter(kind=StepKind.ENTITLEMENT, status=StepStatus.WAITING).update(
            status=StepStatus.CANCELLED
        )
    tell_citizens_decided(application, decision)
    return decision


# Entitlements still held: at most one per household, program and person (a constraint).
HELD_STATUSES = (
    EntitlementStatus.ACTIVE,
    EntitlementStatus.SUSPENDED,
    EntitlementStatus.GRADUAL_EXIT,
)


def _end_superseded_entitlements(
    *, actor: User, application: Application, decision: Decision, request: HttpRequest | None
) -> None:
    """A new decision after an appeal replaces the one set aside: the set-aside decision's
    entitlement (suspended by the appeal) ends with the month of the new decision, so that the
    new one, paid from the month after, takes over without a gap or an overlap. A refusal
    leaves nothing running."""
    last_month = decision.decided_on.replace(day=1)
    superseded = Entitlement.objects.select_for_update().filter(
        decision__application=application,
        decision__superseded_at__isnull=False,
        status__in=HELD_STATUSES,
    )
    for entitlement in superseded:
        # one that had not reached its first month ends before it: it covered no month
        entitlement.end_month = last_month
        entitlement.status = EntitlementStatus.ENDED
        entitlement.save(update_fields=["status", "end_month"])
        audit(
            actor,
            "casework.entitlement_end",
            application,
            {
                "entitlement": entitlement.pk,
                "end_month": entitlement.end_month.isoformat()[:7],
                "replaced_by_decision": decision.letter_number,
            },
            request,
            entitlement,
        )


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
    check_relative_reviewed(application)
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
        request=request,
    )
    audit(
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
        request=request,
    )
    audit(
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
    if decision is None:  # a letter step opens only after a decision
        raise Conflict(_("There is no decision to send."))
    delivered_on = delivered_on or _today()
    _finish(
        step,
        actor=actor,
        findings={"decision": decision.pk, "delivered_on": delivered_on.isoformat()},
    )
    audit(actor, "casework.letter_issue", application, {"number": decision.letter_number}, request)
    return step


def _add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


REVIEW_MONTHS_STABLE = 12
REVIEW_MONTHS_CHANGING = 6


def review_months_for(household: Household) -> int:
    """Yearly for a stable family (a seriously ill or severely disabled member), else every six
    months (CQ-DB §26)."""
    living = household.members.filter(death_date__isnull=True)
    stable = living.filter(Q(serious_illness=True) | Q(disability_grade__in=[1, 2])).exists()
    return REVIEW_MONTHS_STABLE if stable else REVIEW_MONTHS_CHANGING


def add_months(month: dt.date, months: int) -> dt.date:
    return _add_months(month, months)


def _check_nothing_held(application: Application, person: Any) -> None:
    """Never two entitlements held at once for one household, program and person."""
    held = (
        Entitlement.objects.select_for_update()
        .filter(
            household=application.household_id,
            program=application.program,
            person=person,
            status__in=HELD_STATUSES,
        )
        .select_related("decision")
        .first()
    )
    if held is not None:
        raise Conflict(
            _(
                "The household already holds this benefit (decision %(number)s, %(status)s): "
                "end it before a new one starts."
            )
            % {"number": held.decision.letter_number, "status": held.get_status_display()}
        )


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
    start = payment_month(decision.decided_on)
    one_off = application.program in (Program.TEMPORARY, Program.DISASTER)
    review_months = review_months_for(application.household)
    explanation = decision.explanation
    person = application.applicant if explanation.get("person_id") else None
    _check_nothing_held(application, person)
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
    audit(
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
    until the new decision, which ends it (`_end_superseded_entitlements`)."""
    _require(actor, "casework.decide_application")
    application = _lock(application, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED)
    if not outcome.strip():
        raise ValidationFailed(_("Write down the outcome of the appeal."), field="outcome")
    decision = current_decision(application)
    if decision is None:
        raise Conflict(_("There is no decision to appeal."))
    decision.superseded_at, decision.appeal_outcome = timezone.now(), outcome.strip()[:500]
    decision.save(update_fields=["superseded_at", "appeal_outcome"])
    Entitlement.objects.filter(decision=decision, status=EntitlementStatus.ACTIVE).update(
        status=EntitlementStatus.SUSPENDED, suspended_from=_today().replace(day=1)
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
    audit(
        actor,
        "casework.appeal_record",
        application,
        {"decision": decision.letter_number, "outcome": outcome},
        request,
    )
    return application
