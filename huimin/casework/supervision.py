"""Who is under whom, and what each of them has open: the supervisor's view of the worklist.

A supervisor (a holder of `casework.supervise_casework`: the approvers and auditors) oversees the
staff who take and prepare applications and whose every jurisdiction lies within the
supervisor's. A member's work is the open step of each application they are responsible for
(`Application.responsible`: who took it, until a supervisor reassigns it), and each of their
applications past the whole procedure's limit. Counting by responsibility, not by region, is
what lets two caseworkers of one township each see their own load.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from huimin.casework.models import Application, ApplicationStatus, Decision, Step, StepKind
from huimin.casework.queries import DUE_SOON_DAYS, open_steps
from huimin.core.access import region_filter, scope
from huimin.core.models import User

SUPERVISE = "casework.supervise_casework"
# The permissions that make someone a member of a team: they take or prepare cases.
CASE_PERMISSIONS = ("take_application", "prepare_application")


def supervises(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(SUPERVISE))


def team_of(supervisor: User | AnonymousUser) -> QuerySet[User]:
    """Active staff who take or prepare cases, every jurisdiction of theirs inside the
    supervisor's; none for someone who does not supervise."""
    if not supervises(supervisor):
        return User.objects.none()
    outside = User.jurisdictions.through.objects.exclude(
        region_filter(supervisor, "region__code")
    ).values("user_id")
    doing_cases = Q(
        groups__permissions__codename__in=CASE_PERMISSIONS,
        groups__permissions__content_type__app_label="casework",
    )
    inside = User.objects.filter(region_filter(supervisor, "jurisdictions__code"))
    return (
        User.objects.filter(doing_cases, is_active=True, pk__in=inside.values("pk"))
        .exclude(pk__in=outside)
        .distinct()
        .order_by("username")
    )


def team_member_for(supervisor: User | AnonymousUser, member_id: int) -> User:
    """A member of the supervisor's team, or 404 like a record outside the jurisdiction."""
    try:
        return team_of(supervisor).get(pk=member_id)
    except User.DoesNotExist as missing:
        raise Http404 from missing


def procedure_overdue(user: User | AnonymousUser, *, on: dt.date) -> QuerySet[Application]:
    """Applications of the user's area still undecided after the whole procedure's limit.

    The limit runs to the first decision: a case reopened by an appeal has its own step limits."""
    decided = Decision.objects.filter(application=OuterRef("pk"))
    undecided = Application.objects.filter(
        status=ApplicationStatus.IN_PROGRESS, procedure_due__lt=on
    ).filter(~Exists(decided))
    return scope(undecided, user)


@dataclass
class TeamRow:
    member: User
    overdue: int = 0  # open steps past their due date
    due_soon: int = 0
    open: int = 0
    procedures_overdue: int = 0  # applications past the whole procedure's limit
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def any_overdue(self) -> bool:
        return bool(self.overdue or self.procedures_overdue)

    def kinds(self) -> list[tuple[str, int]]:
        labels = dict(StepKind.choices)
        return [(str(labels[k]), self.by_kind[k]) for k in StepKind.values if k in self.by_kind]


@dataclass(frozen=True)
class Team:
    rows: list[TeamRow]
    today: dt.date
    overdue: int
    procedures_overdue: int


def team(supervisor: User | AnonymousUser) -> Team:
    """One row per member, the most overdue first: three queries whatever the team's size."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = {member.pk: TeamRow(member) for member in team_of(supervisor)}
    counted = (
        open_steps(supervisor)
        .filter(application__responsible_id__in=list(rows))
        .values("application__responsible_id", "kind")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=today)),
            due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=soon)),
        )
        .order_by()
    )
    for line in counted:
        row = rows[line["application__responsible_id"]]
        row.by_kind[line["kind"]] = line["n"]
        row.open += line["n"]
        row.overdue += line["overdue"]
        row.due_soon += line["due_soon"]
    late = (
        procedure_overdue(supervisor, on=today)
        .filter(responsible_id__in=list(rows))
        .values("responsible_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for line in late:
        rows[line["responsible_id"]].procedures_overdue = line["n"]
    ordered = sorted(
        rows.values(),
        key=lambda r: (-r.overdue - r.procedures_overdue, -r.due_soon, r.member.username),
    )
    return Team(
        ordered,
        today,
        sum(r.overdue for r in ordered),
        sum(r.procedures_overdue for r in ordered),
    )


def steps_of(member: User, steps: QuerySet[Step]) -> QuerySet[Step]:
    return steps.filter(application__responsible=member)
