"""What casework knows that the rules read: who is on dibao, the emergency, the disaster's damage.

`programs.frames.population_from_registry` joins these columns onto the households frame, so
every population built from the registry for a month (evaluate, explain, outreach, the
household's eligibility page, a decision) sees the same casework facts, as they stood in that
month. Set-based: one query for entitlements, one for applications, whatever the number of
households.

- `on_dibao`: the household holds a dibao entitlement covering the month (first month on or
  before it, last month open or on or after it) that is running (active, gradual exit) or ended
  after that month, or suspended after that month (`suspended_from`, the first month payment
  was held, is later): a suspension takes nothing back from the months already paid. One
  suspended without a known month (none recorded before it was kept) counts for no month.
  Single-person coverage does not make the family a dibao family
  (the rules give the covered member that coverage from the registry's own facts).
- the emergency (temporary assistance) and the damage (disaster relief): from the household's
  latest application for that program taken by the month's last day that is still open, or
  approved with its payment month (the month after the decision) not before the month. A
  withdrawn or refused application counts for nothing.
"""

import datetime as dt

import polars as pl
from django.db.models import Q, QuerySet
from django.utils import timezone

from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Entitlement,
    EntitlementStatus,
    Program,
)
from huimin.registry.models import Household

OPEN_STATUSES = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)
ON_DIBAO_STATUSES = (EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT)
SINGLE_PERSON_COVERAGE = "single_person"

FACT_COLUMNS: dict[str, pl.DataType | type[pl.DataType]] = {
    "emergency_kind": pl.Utf8,
    "emergency_expense_fen": pl.Int64,
    "disaster_deaths": pl.Int32,
    "disaster_home_destroyed": pl.Boolean,
    "disaster_transitional_days": pl.Int32,
}
_PROGRAM_FACTS = {
    Program.TEMPORARY: ("emergency_kind", "emergency_expense_fen"),
    Program.DISASTER: ("disaster_deaths", "disaster_home_destroyed", "disaster_transitional_days"),
}


def casework_columns(households: QuerySet[Household], *, as_of: dt.date) -> pl.DataFrame:
    """household_id, on_dibao and the application facts of the month of `as_of`, for those
    households that have any (the caller fills the rest with the rules' defaults)."""
    month_start = as_of.replace(day=1)
    on_dibao = _on_dibao(households, month_start)
    facts = _application_facts(households, month_start)
    return on_dibao.join(facts, on="household_id", how="full", coalesce=True).with_columns(
        pl.col("on_dibao").fill_null(False)
    )


def _on_dibao(households: QuerySet[Household], month_start: dt.date) -> pl.DataFrame:
    covering = Q(start_month__lte=month_start) & (
        Q(end_month__isnull=True) | Q(end_month__gte=month_start)
    )
    held = (
        Q(status__in=ON_DIBAO_STATUSES)
        | Q(status=EntitlementStatus.ENDED, end_month__isnull=False)
        | Q(status=EntitlementStatus.SUSPENDED, suspended_from__gt=month_start)
    )
    ids = (
        Entitlement.objects.filter(covering, held, program=Program.DIBAO)
        .filter(household__in=households.values("id"))
        .exclude(category=SINGLE_PERSON_COVERAGE)
        .values_list("household_id", flat=True)
        .distinct()
    )
    return pl.DataFrame(
        {"household_id": list(ids), "on_dibao": True},
        schema={"household_id": pl.Int64, "on_dibao": pl.Boolean},
    )


def _previous_month(month_start: dt.date) -> dt.date:
    return (month_start - dt.timedelta(days=1)).replace(day=1)


def _next_month(month_start: dt.date) -> dt.date:
    return (month_start + dt.timedelta(days=31)).replace(day=1)


def _application_facts(households: QuerySet[Household], month_start: dt.date) -> pl.DataFrame:
    taken_by = timezone.make_aware(dt.datetime.combine(_next_month(month_start), dt.time.min))
    # paid in the month or later: decided in the month before it or later
    still_paid = Q(
        status=ApplicationStatus.APPROVED,
        decisions__superseded_at__isnull=True,
        decisions__decided_on__gte=_previous_month(month_start),
    )
    rows = list(
        Application.objects.filter(
            Q(status__in=OPEN_STATUSES) | still_paid,
            household__in=households.values("id"),
            program__in=list(_PROGRAM_FACTS),
            created_at__lt=taken_by,
        )
        .order_by("household_id", "created_at", "id")
        .values_list("household_id", "program", *FACT_COLUMNS)
    )
    frame = pl.DataFrame(
        rows,
        schema={"household_id": pl.Int64, "program": pl.Utf8, **FACT_COLUMNS},
        orient="row",
    )
    latest = frame.group_by("household_id", "program").agg(pl.all().last())
    result = pl.DataFrame(schema={"household_id": pl.Int64})
    for program, columns in _PROGRAM_FACTS.items():
        of_program = latest.filter(pl.col("program") == program).select("household_id", *columns)
        result = result.join(of_program, on="household_id", how="full", coalesce=True)
    return result
