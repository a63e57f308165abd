"""Reads that span casework's models: the worklist, a case's steps, a notice's lines."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huimin.casework.assessment import application_explain
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Entitlement,
    EntitlementStatus,
    Notice,
    Step,
    StepKind,
    StepStatus,
)
from huimin.core.access import scope
from huimin.core.errors import HuiminError
from huimin.core.models import User
from huimin.core.pii import mask

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


def open_steps(user: User | AnonymousUser) -> QuerySet[Step]:
    live = Step.objects.filter(status=StepStatus.OPEN, application__status__in=LIVE)
    return scope(live, user, "application__region_code")


def worklist(user: User | AnonymousUser, *, kind: str = "") -> Worklist:
    """Open steps in the user's area: overdue first (the earliest due), then due soon."""
    today = timezone.localdate()
    steps = open_steps(user)
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
    due = scope(
        Entitlement.objects.filter(
            status__in=[EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT],
            review_due__lte=today + dt.timedelta(days=REVIEW_AHEAD_DAYS),
        ),
        user,
    )
    reviews = list(due.select_related("household").order_by("review_due", "id")[:REVIEWS_SHOWN])
    total = sum(counts.values())
    return Worklist(shown, counts, overdue, due_soon, total, today, reviews, due.count())


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
