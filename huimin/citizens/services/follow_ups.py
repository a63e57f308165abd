"""A post-payment check (抽查回访) that found a payment did not arrive whole opens a follow-up.

The follow-up is a request (诉求) of kind "payment": the work offices already do on a problem
someone raised, with its time limit (`requests.payment_days`), its list, answers and escalation.
It goes to the payroll's region: the office that paid the money finds out where it went, not the
township whose staff may have handed the cash over. One per check (a database constraint): a
check recorded again notes what it found now on its follow-up, and one corrected to "received in
full" leaves the follow-up to be answered and closed by a person, the correction noted.
"""

from django.db import transaction
from django.utils import timezone

from huimin.citizens.models import (
    Request,
    RequestAnswer,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from huimin.citizens.services.requests import time_limit_days
from huimin.core.audit import audit_record
from huimin.core.models import User
from huimin.core.regions import short_code
from huimin.core.workdays import add_working_days
from huimin.payments.models import PROBLEM_OUTCOMES, PaymentVisit


@transaction.atomic
def payment_follow_up_record(
    *, actor: User, visit: PaymentVisit, was: tuple[str, str]
) -> Request | None:
    """After a check is recorded (`payments.visits.visit_record`, in its transaction, the visit
    locked): open its follow-up on a problem, or note on the one it has what it found now.
    `was` is the check's outcome and note before this record."""
    follow_up = Request.objects.select_for_update().filter(payment_visit=visit).first()
    if follow_up is None:
        return _open(actor, visit) if visit.outcome in PROBLEM_OUTCOMES else None
    if (visit.outcome, visit.note) != was:
        _note_again(actor, follow_up, visit)
    return follow_up


def _open(actor: User, visit: PaymentVisit) -> Request:
    line = visit.line
    region = short_code(visit.cycle.region_code)
    today = timezone.localdate()
    due = add_working_days(today, time_limit_days(RequestKind.PAYMENT, region, today))
    follow_up = Request.objects.create(
        kind=RequestKind.PAYMENT,
        channel=RequestChannel.CHECK,
        text=visit.note,  # what the recipient said; the line, month and amount come with the check
        region_code=region,
        filed_by=actor,
        filed_on=today,
        due_date=due.day,
        due_provisional=due.provisional,
        payment_visit=visit,
    )
    audit_record(
        actor=actor,
        action="citizen.request_file",
        object_type="citizens.request",
        object_id=follow_up.pk,
        region_code=region,
        changes={
            "kind": RequestKind.PAYMENT,
            "channel": RequestChannel.CHECK,
            "anonymous": False,
            "visit": visit.pk,
            "line": line.pk,
            "month": f"{line.month:%Y-%m}",
            "amount_fen": line.amount_fen,
            "outcome": visit.outcome,
        },
    )
    return follow_up


def _note_again(actor: User, follow_up: Request, visit: PaymentVisit) -> None:
    """The check's new finding as a note; a problem found again reopens an answered follow-up,
    with a new time limit from today."""
    RequestAnswer.objects.create(
        request=follow_up, text=visit.note, answered_by=actor, visit_outcome=visit.outcome
    )
    reopens = follow_up.status == RequestStatus.CLOSED and visit.outcome in PROBLEM_OUTCOMES
    if reopens:
        today = timezone.localdate()
        days = time_limit_days(RequestKind.PAYMENT, follow_up.region_code, today)
        due = add_working_days(today, days)
        follow_up.status = RequestStatus.OPEN
        follow_up.closed_at = follow_up.answered_in_time = follow_up.escalated_at = None
        follow_up.due_date, follow_up.due_provisional = due.day, due.provisional
        follow_up.save(
            update_fields=[
                "status",
                "closed_at",
                "answered_in_time",
                "escalated_at",
                "due_date",
                "due_provisional",
            ]
        )
    audit_record(
        actor=actor,
        action="citizen.request_answer",
        object_type="citizens.request",
        object_id=follow_up.pk,
        region_code=follow_up.region_code,
        changes={"closes": False, "visit_outcome": visit.outcome, "reopens": reopens},
    )
