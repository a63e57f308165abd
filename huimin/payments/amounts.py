"""What an entitlement's monthly amount was in a past month: the current amount from its last
accepted adjustment on, and before each adjustment the amount it replaced.

Casework keeps the current amount on the entitlement and each change as an accepted review
(`ReviewProposal.ADJUST`) whose letter says from which month it is paid (`letter_facts.start`)
and what it replaced (`was_fen`); the decision holds the first amount.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.utils import timezone

from huimin.casework.models import Decision, Entitlement, Review, ReviewProposal, ReviewStatus


def months_before(month: dt.date, months: int) -> dt.date:
    """The first of the month `months` months before `month`."""
    index = month.year * 12 + month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


class AmountThen(NamedTuple):
    amount_fen: int
    source: str  # what set it: "decision 12" or "review 7"


class _Change(NamedTuple):
    start: dt.date
    review_id: int
    amount_fen: int
    was_fen: int | None


def _review_start(facts: dict, decided_at: dt.datetime | None) -> dt.date:
    """The first month a decided review's amount was paid: its letter's, else the month after
    the decision (reviews decided before letters were numbered have no letter facts)."""
    if facts.get("start"):
        return dt.date.fromisoformat(f"{facts['start']}-01")
    day = timezone.localdate(decided_at) if decided_at else timezone.localdate()
    return months_before(day.replace(day=1), -1)


class AmountHistory:
    """The monthly amount an entitlement had in each month: the current amount from its last
    accepted adjustment on, before each adjustment the amount it replaced (the review letter's
    `was_fen`, else the adjustment before it, else the decision's amount)."""

    def __init__(
        self, *, current_fen: int, decision: tuple[int, int], changes: Sequence[_Change]
    ) -> None:
        self.current_fen = current_fen
        self.decision_id, self.decision_fen = decision
        self.changes = sorted(changes)

    def amount_in(self, month: dt.date) -> AmountThen:
        before = [change for change in self.changes if change.start <= month]
        source = f"review {before[-1].review_id}" if before else f"decision {self.decision_id}"
        later = [change for change in self.changes if change.start > month]
        if not later:
            return AmountThen(self.current_fen, source)
        replaced = later[0].was_fen
        if replaced is None:
            replaced = before[-1].amount_fen if before else self.decision_fen
        return AmountThen(replaced, source)


def amount_histories(entitlement_ids: Iterable[int]) -> dict[int, AmountHistory]:
    """The amount history of each entitlement: three queries for them all."""
    ids = sorted(set(entitlement_ids))
    if not ids:
        return {}
    entitlements = Entitlement.objects.filter(pk__in=ids).values_list(
        "pk", "monthly_fen", "decision_id"
    )
    decided = dict(Decision.objects.filter(entitlement__in=ids).values_list("pk", "amount_fen"))
    changes: dict[int, list[_Change]] = {}
    reviews = Review.objects.filter(
        entitlement_id__in=ids,
        status=ReviewStatus.DECIDED,
        accepted=True,
        proposal=ReviewProposal.ADJUST,
    ).values_list("pk", "entitlement_id", "amount_fen", "letter_facts", "decided_at")
    for pk, entitlement_id, amount, facts, decided_at in reviews:
        facts = facts or {}
        changes.setdefault(entitlement_id, []).append(
            _Change(_review_start(facts, decided_at), pk, amount, facts.get("was_fen"))
        )
    return {
        pk: AmountHistory(
            current_fen=monthly,
            decision=(decision, decided.get(decision, monthly)),
            changes=changes.get(pk, []),
        )
        for pk, monthly, decision in entitlements
    }
