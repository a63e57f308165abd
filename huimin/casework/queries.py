"""Reads that span casework's models: the worklist, a case's steps, a notice's lines."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from huimin.casework.assessment import application_explain
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    CircumstanceChange,
    Decision,
    Entitlement,
    EntitlementStatus,
    Notice,
    Review,
    Step,
    StepKind,
    StepStatus,
)
from huimin.core.access import scope
from huimin.core.errors import HuiminError
from huimin.core.models import User
from huimin.core.pii import mask
from huimin.registry.models import Person

DUE_SOON_DAYS = 3
WORKLIST_LIMIT = 100
REVIEW_AHEAD_DAYS = 30  # a review shows a month before it is due
REVIEWS_SHOWN = 20
LIVE = [ApplicationStatus.IN_PROGRESS, ApplicationStatus.APPROVED, ApplicationStatus.REFUSED]


@dataclass(frozen=True)
class Worklist:
    steps: list[Step]
    counts: dict[str, int]  # open steps by kind, in the procedure's order
    overdue: int
    due_soon: int
    total: int
    today: dt.date
    reviews: list[Entitlement]  # entitlements whose review falls due soon, earliest first
    reviews_due: int
    changes: list["CircumstanceChange"] = field(default_factory=list)  # open, the oldest first
    changes_open: int = 0
    suspended: int = 0  # entitlements suspended in the area


def open_steps(user: User | AnonymousUser) -> QuerySet[Step]:
    live = Step.objects.filter(status=StepStatus.OPEN, application__status__in=LIVE)
    return scope(live, user, "application__region_code")


def worklist(
    user: User | AnonymousUser, *, kind: str = "", responsible: User | None = None
) -> Worklist:
    """Open steps in the user's area: overdue first (the earliest due), then due soon; only
    those of the applications `responsible` is responsible for when given (a supervisor's look
    at one member of the team)."""
    today = timezone.localdate()
    steps = open_steps(user)
    if responsible is not None:
        steps = steps.filter(application__responsible=responsible)
    by_kind = dict(steps.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    counts = {k: by_kind[k] for k in StepKind.values if k in by_kind}
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    timing = steps.aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=soon)),
    )
    overdue, due_soon = timing["overdue"], timing["due_soon"]
    if kind:
        steps = steps.filter(kind=kind)
    shown = list(
        steps.select_related("application__household", "application__applicant").order_by(
            "due_date", "application_id"
        )[:WORKLIST_LIMIT]
    )
    due_filter = Q(
        status__in=[EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT],
        review_due__lte=today + dt.timedelta(days=REVIEW_AHEAD_DAYS),
    )
    due = scope(Entitlement.objects.filter(due_filter), user)
    reviews = list(due.select_related("household").order_by("review_due", "id")[:REVIEWS_SHOWN])
    entitlement_counts = scope(
        Entitlement.objects.filter(due_filter | Q(status=EntitlementStatus.SUSPENDED)), user
    ).aggregate(
        due=Count("id", filter=due_filter),
        suspended=Count("id", filter=Q(status=EntitlementStatus.SUSPENDED)),
    )
    changes = open_changes(user)
    changes_shown = list(
        changes.select_related("household", "person").order_by("occurred_on", "id")[:REVIEWS_SHOWN]
    )
    total = sum(counts.values())
    return Worklist(
        shown,
        counts,
        overdue,
        due_soon,
        total,
        today,
        reviews,
        entitlement_counts["due"],
        changes_shown,
        len(changes_shown) if len(changes_shown) < REVIEWS_SHOWN else changes.count(),
        entitlement_counts["suspended"],
    )


def applications_of_household(user: User | AnonymousUser, household_id: int) -> list[Application]:
    return list(scope(Application.objects.filter(household_id=household_id), user))


def entitlements_of_household(user: User | AnonymousUser, household_id: int) -> list[Entitlement]:
    return list(scope(Entitlement.objects.filter(household_id=household_id), user))


@dataclass(frozen=True)
class NoticeLine:
    name: str  # masked: 张*
    id_number: str  # masked
    program: str
    amount_fen: int | None


def masked_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def notice_lines(notice: Notice) -> list[NoticeLine]:
    """Each application on the notice with the name and identity number masked and the amount
    the rules give on the facts as verified."""
    lines = []
    steps = notice.steps.select_related("application__applicant", "application__household")
    for step in steps.order_by("application_id"):
        application = step.application
        try:
            amount: int | None = application_explain(
                application=application, on=notice.starts_on
            ).amount_fen
        except HuiminError:  # a household closed since: listed without an amount
            amount = None
        lines.append(
            NoticeLine(
                name=masked_name(application.applicant.name),
                id_number=mask(application.applicant.id_number, keep_start=4, keep_end=4),
                program=application.get_program_display(),
                amount_fen=amount,
            )
        )
    return lines


@dataclass(frozen=True)
class HouseholdBenefits:
    entitlements: list[Entitlement]  # what it receives or received, the running first
    decisions: list[Decision]  # every decision on its applications, the latest first
    reviews: list[Review]  # decided reviews, the latest first
    changes: list[CircumstanceChange]  # changes of circumstance, the latest first
    monthly_fen: int  # what it receives a month now


def household_benefits(user: User | AnonymousUser, household_id: int) -> HouseholdBenefits:
    entitlements = sorted(
        scope(Entitlement.objects.filter(household_id=household_id), user).select_related(
            "decision"
        ),
        key=lambda e: (e.status not in RUNNING_STATES, -e.start_month.toordinal()),
    )
    decisions = list(
        scope(
            Decision.objects.filter(application__household_id=household_id),
            user,
            "application__region_code",
        ).select_related("application", "decided_by")
    )
    reviews = list(
        scope(Review.objects.filter(entitlement__household_id=household_id), user)
        .filter(status="decided")
        .select_related("entitlement", "decided_by")
    )
    changes = list(
        scope(CircumstanceChange.objects.filter(household_id=household_id), user).select_related(
            "person"
        )
    )
    monthly = sum(e.monthly_fen for e in entitlements if e.status in RUNNING_STATES)
    return HouseholdBenefits(entitlements, decisions, reviews, changes, monthly)


RUNNING_STATES = (EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT)
RECIPIENT_STATES = (*RUNNING_STATES, EntitlementStatus.SUSPENDED)


def recipients(
    user: User | AnonymousUser,
    *,
    program: str = "",
    village: str = "",
    status: str = "",
    review_before: dt.date | None = None,
) -> QuerySet[Entitlement]:
    """The entitlements of the user's area, with the head's name: running and suspended unless a
    status is asked for, the earliest review first."""
    found = scope(Entitlement.objects.all(), user)
    found = found.filter(status=status) if status else found.filter(status__in=RECIPIENT_STATES)
    if program:
        found = found.filter(program=program)
    if village:
        found = found.filter(region_code__startswith=village)
    if review_before is not None:
        found = found.filter(review_due__lte=review_before)
    head = Person.objects.filter(
        household=OuterRef("household_id"), relation="head", death_date__isnull=True
    ).values("name")[:1]
    return (
        found.select_related("household")
        .annotate(head_name=Subquery(head))
        .order_by(F("review_due").asc(nulls_last=True), "id")
    )


def recipients_summary(found: QuerySet[Entitlement]) -> dict[str, int]:
    totals = found.order_by().aggregate(n=Count("id"), monthly=Sum("monthly_fen"))
    return {"n": totals["n"] or 0, "monthly_fen": totals["monthly"] or 0}


def open_changes(user: User | AnonymousUser) -> QuerySet[CircumstanceChange]:
    return scope(CircumstanceChange.objects.filter(status="open"), user)
