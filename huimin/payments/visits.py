"""Post-payment verification (抽查回访): a cycle's paid lines sampled by village, each visit recorded.

The sample's size is what the confidence and margin need (finite population correction), or a
fixed share; it is split over the villages in proportion and drawn reproducibly from the seed
(`sampling.py`). The estimate counts the visits that reached the recipient: the share who did
not get their money in full, with its Wilson interval.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, ValidationFailed
from huimin.core.models import User
from huimin.payments.models import (
    PROBLEM_OUTCOMES,
    CycleStatus,
    LineStatus,
    PaymentVisit,
    PayrollCycle,
    VisitOutcome,
)
from huimin.payments.sampling import (
    ShareEstimate,
    sample_allocate,
    sample_draw,
    sample_size,
    sample_size_share,
    wilson_interval,
)

PAID_CYCLE_STATUSES = (CycleStatus.EXPORTED, CycleStatus.RECONCILED, CycleStatus.CLOSED)


@transaction.atomic
def visits_draw(
    *,
    actor: User,
    cycle: PayrollCycle,
    confidence: float = 0.95,
    margin: float = 0.03,
    share: float | None = None,
) -> list[PaymentVisit]:
    """Draw the cycle's sample of paid lines, once: by confidence and margin, or a fixed share."""
    cycle = PayrollCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status not in PAID_CYCLE_STATUSES:
        raise Conflict(_("A sample is drawn from the lines already paid."))
    if cycle.visits.exists():
        raise Conflict(_("This payroll's sample has been drawn already."))
    units: dict[str, list[int]] = {}
    for line_id, village in (
        cycle.lines.filter(status=LineStatus.PAID).order_by("pk").values_list("pk", "region_code")
    ):
        units.setdefault(village, []).append(line_id)
    paid = sum(len(ids) for ids in units.values())
    if not paid:
        raise Conflict(_("No line of this payroll has been paid yet."))
    size = (
        sample_size_share(paid, share)
        if share is not None
        else sample_size(paid, confidence=confidence, margin=margin)
    )
    seed = f"{cycle.month:%Y-%m}/{cycle.region_code}/{cycle.pk}"
    drawn = sample_draw(
        units, sample_allocate({v: len(i) for v, i in units.items()}, size), seed=seed
    )
    visits = PaymentVisit.objects.bulk_create(
        PaymentVisit(cycle=cycle, line_id=int(line_id), seed=seed, drawn_by=actor)  # type: ignore[call-overload]
        for ids in drawn.values()
        for line_id in ids
    )
    audit_record(
        actor=actor,
        action="payments.visits_draw",
        object_type="payroll_cycle",
        object_id=cycle.pk,
        region_code=cycle.region_code,
        changes={
            "paid": paid,
            "sampled": len(visits),
            "villages": len(drawn),
            "seed": seed,
            "design": {"share": share}
            if share is not None
            else {"confidence": confidence, "margin": margin},
        },
    )
    return visits


@transaction.atomic
def visit_record(*, actor: User, visit: PaymentVisit, outcome: str, note: str) -> PaymentVisit:
    """What the call or visit found; a problem (less or nothing received) needs a note and opens
    a follow-up (one per check; recording it again notes the new finding there)."""
    if outcome not in VisitOutcome.values:
        raise ValidationFailed(_("Choose what the call or visit found."), field="outcome")
    note = note.strip()
    if outcome in PROBLEM_OUTCOMES and not note:
        raise ValidationFailed(
            _("Say what the recipient told you: it is where the follow-up starts."), field="note"
        )
    visit = (
        PaymentVisit.objects.select_for_update().select_related("line", "cycle").get(pk=visit.pk)
    )
    was = (visit.outcome, visit.note)
    visit.outcome, visit.note = outcome, note[:300]
    visit.recorded_by, visit.recorded_at = actor, timezone.now()
    visit.save(update_fields=["outcome", "note", "recorded_by", "recorded_at"])
    follow_up = _follow_up_record(actor, visit, was)
    audit_record(
        actor=actor,
        action="payments.visit_record",
        object_type="payment_visit",
        object_id=visit.pk,
        region_code=visit.line.region_code,
        changes={
            "line": visit.line_id,
            "outcome": outcome,
            **({"follow_up": follow_up} if follow_up else {}),
        },
    )
    return visit


def _follow_up_record(actor: User, visit: PaymentVisit, was: tuple[str, str]) -> int | None:
    """A problem found opens a follow-up request that someone must answer in time (citizens'
    requests); a check recorded again notes it there. Named late: citizens reads payments."""
    from django.apps import apps

    if not apps.is_installed("huimin.citizens"):
        return None
    from huimin.citizens.services.follow_ups import payment_follow_up_record

    follow_up = payment_follow_up_record(actor=actor, visit=visit, was=was)
    return follow_up.pk if follow_up else None


@dataclass(frozen=True)
class VisitSummary:
    drawn: int
    recorded: int
    reached: int
    problems: int
    estimate: ShareEstimate | None  # None until someone has been reached

    @property
    def in_percent(self) -> tuple[str, str, str] | None:
        """The share and its interval's bounds as percentages with one decimal, for pages."""
        if self.estimate is None:
            return None
        e = self.estimate
        return (f"{e.share * 100:.1f}", f"{e.low * 100:.1f}", f"{e.high * 100:.1f}")


def visits_summary(cycle: PayrollCycle) -> VisitSummary:
    """How far the verification has got and what it lets the office say, with its interval."""
    outcomes = list(cycle.visits.values_list("outcome", flat=True))
    recorded = [o for o in outcomes if o]
    reached = [o for o in recorded if o != VisitOutcome.UNREACHABLE]
    problems = sum(1 for o in reached if o in PROBLEM_OUTCOMES)
    return VisitSummary(
        drawn=len(outcomes),
        recorded=len(recorded),
        reached=len(reached),
        problems=problems,
        estimate=wilson_interval(problems, len(reached)) if reached else None,
    )
