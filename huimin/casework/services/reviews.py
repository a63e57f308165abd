"""Reviews of entitlements: the rules re-run on current data propose, an approver decides.

A proposal is "continue" (same amount), "adjust" (the rules give another amount) or "stop" (no
longer eligible). Whoever proposed a review cannot decide it. Accepted, an adjustment changes the
monthly amount from the month after the decision (its snapshot replaced, the old one kept in the
review) and a stop ends the entitlement with the current month; either way the next review is
set. Refused, the entitlement continues unchanged until its next review.
"""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.assessment import application_explain, payment_month
from huimin.casework.models import (
    Entitlement,
    EntitlementStatus,
    Program,
    Review,
    ReviewProposal,
    ReviewStatus,
)
from huimin.casework.services._common import _require, _today
from huimin.casework.services.decisions import _plain, add_months, review_months_for
from huimin.casework.services.review_letters import number_review_letter
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.programs.parameters import live_parameters
from huimin.registry.models import IncomeRecord, IncomeType, Person
from huimin.rules.explain import ProgramExplanation

RUNNING = (EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT)


def audit(
    actor: User, action: str, review: Review, changes: dict[str, Any], request: HttpRequest | None
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="casework.review",
        object_id=review.pk,
        region_code=review.region_code,
        changes={"entitlement": review.entitlement_id, **changes},
        request=request,
    )


@transaction.atomic
def review_propose(
    *,
    actor: User,
    entitlement: Entitlement,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Review:
    _require(actor, "casework.prepare_application")
    entitlement = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
    if entitlement.status not in RUNNING:
        raise Conflict(_("Only a running entitlement is reviewed."))
    if entitlement.reviews.filter(status=ReviewStatus.PROPOSED).exists():
        raise Conflict(_("This entitlement already has a review waiting for the approver."))
    on = on or _today()
    application = entitlement.decision.application
    entry = application_explain(application=application, on=on)
    if not entry.eligible:
        proposal, amount = ReviewProposal.STOP, 0
    elif entry.amount_fen == entitlement.monthly_fen:
        proposal, amount = ReviewProposal.CONTINUE, entry.amount_fen
    else:
        proposal, amount = ReviewProposal.ADJUST, entry.amount_fen
    if amount < entitlement.monthly_fen and _gradual_exit_applies(entitlement, entry, on):
        proposal, amount = ReviewProposal.GRADUAL_EXIT, entitlement.monthly_fen
    review = Review.objects.create(
        entitlement=entitlement,
        region_code=entitlement.region_code,
        proposal=proposal,
        period=entry.period,
        amount_fen=amount,
        explanation=_plain(_as_dict(entry)),
        proposed_by=actor,
    )
    audit(
        actor,
        "casework.review_propose",
        review,
        {"proposal": proposal, "amount_fen": amount, "was_fen": entitlement.monthly_fen},
        request,
    )
    return review


def _gradual_exit_applies(entitlement: Entitlement, entry: ProgramExplanation, on: dt.date) -> bool:
    """渐退 (ZJ-SA §50): a dibao household whose income rose through new wages since payment
    began, while those wages per member stay within the parameter's multiple of the standard,
    keeps its amount for the parameter's months before payment stops or is lowered."""
    if entitlement.program != Program.DIBAO or entitlement.status != EntitlementStatus.ACTIVE:
        return False
    members = Person.objects.filter(household_id=entitlement.household_id, death_date__isnull=True)
    wages = IncomeRecord.objects.filter(
        person__in=members,
        income_type=IncomeType.WAGES,
        valid_from__gte=entitlement.start_month,
        exclusion_reason="",
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    new_wages = sum(wages.values_list("monthly_fen", flat=True))
    standard = int(entry.outputs.get("standard_fen") or 0)
    count = members.count()
    if not new_wages or not standard or not count:
        return False
    multiple = _parameter("procedure.gradual_exit.standard_multiple", entitlement, on)
    return new_wages <= multiple * standard * count


def _parameter(name: str, entitlement: Entitlement, on: dt.date) -> float:
    return float(
        live_parameters().resolve(name, entitlement.region_code, on.strftime("%Y-%m")).value
    )


def _as_dict(entry: ProgramExplanation) -> dict[str, Any]:
    return asdict(entry)


@transaction.atomic
def review_decide(
    *,
    actor: User,
    review: Review,
    accept: bool,
    note: str = "",
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Review:
    _require(actor, "casework.decide_application")
    entitlement = Entitlement.objects.select_for_update().get(pk=review.entitlement_id)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PROPOSED:
        raise Conflict(_("This review was already decided."))
    if review.proposed_by_id == actor.pk:
        raise NotAllowed(_("You proposed this review, so someone else must decide it."))
    if not accept and not note.strip():
        raise ValidationFailed(_("Write down why the proposal is not followed."), field="note")
    on = on or _today()
    next_month = payment_month(on)
    was_fen = entitlement.monthly_fen
    fields = ["review_due"]
    entitlement.review_due = add_months(next_month, review_months_for(entitlement.household))
    if accept and review.proposal == ReviewProposal.ADJUST:
        entitlement.monthly_fen = review.amount_fen
        entitlement.snapshot = {**review.explanation, "reviewed_from": next_month.isoformat()}
        fields += ["monthly_fen", "snapshot"]
    elif accept and review.proposal == ReviewProposal.GRADUAL_EXIT:
        months = int(_parameter("procedure.gradual_exit.months", entitlement, on))
        entitlement.status = EntitlementStatus.GRADUAL_EXIT
        entitlement.end_month = add_months(next_month, months - 1)
        entitlement.review_due = entitlement.end_month
        fields += ["status", "end_month"]
    elif accept and review.proposal == ReviewProposal.STOP:
        entitlement.status, entitlement.end_month = EntitlementStatus.ENDED, on.replace(day=1)
        entitlement.review_due = None
        fields += ["status", "end_month"]
    entitlement.save(update_fields=fields)
    review.status, review.accepted, review.note = ReviewStatus.DECIDED, accept, note.strip()
    review.decided_by, review.decided_at = actor, timezone.now()
    letter = number_review_letter(review, entitlement, on=on, was_fen=was_fen, start=next_month)
    review.save(update_fields=["status", "accepted", "note", "decided_by", "decided_at", *letter])
    audit(
        actor,
        "casework.review_decide",
        review,
        {
            "proposal": review.proposal,
            "accepted": accept,
            "monthly_fen": entitlement.monthly_fen,
            "number": review.letter_number,
        },
        request,
    )
    return review
