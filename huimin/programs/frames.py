"""The registry as population frames for the rules engine (see huimin/rules/schema.py).

Set-based: a handful of queries (households, memberships, persons, incomes, assets) straight
into Polars; no per-household ORM objects. The frames describe the registry as it stood in the
month of `as_of` (the month's last day, the reference day of the rules):

- members: each person belongs to the household of their membership in force in that month
  (the latest one begun by `as_of` that had not ended before the month's first day: a move
  mid-month places the person in the new household, a membership closed by a death in the month
  still counts, as the rules count that person for the month). Before a person's first
  membership the registry knew nothing else of them: they are taken to have been in the household
  they were first registered in (a membership starts on the day it was recorded). A person with
  no membership record at all belongs to their current household. Persons not yet born are left
  to the rules (not members of a month that ends before their birth).
- incomes: every record of these persons; the rules read each type over its own window
  (`dibao.income.months`) and prorate by days, so records outside the month still matter.
- assets: those in force on `as_of`.
- what casework holds (`casework.feeds`): who is on dibao that month, the emergency of an open
  or just paid temporary-assistance application, a disaster's damage; the rules' defaults for a
  household with none.
"""

import datetime as dt

import polars as pl
from django.db.models import Q, QuerySet

from huimin.casework.feeds import casework_columns
from huimin.registry.models import (
    Asset,
    AssetKind,
    Household,
    HouseholdStatus,
    IncomeRecord,
    Membership,
    Person,
)
from huimin.rules import Population
from huimin.rules.records import HOUSEHOLD_DEFAULTS

CASEWORK_COLUMNS = (
    "emergency_kind",
    "emergency_expense_fen",
    "disaster_deaths",
    "disaster_home_destroyed",
    "disaster_transitional_days",
    "disaster_winter_spring_persons",
)
FINANCIAL_ASSETS = (AssetKind.DEPOSIT, AssetKind.SECURITIES, AssetKind.DEBT_OWED)

_PERSON_FIELDS = [
    "id",
    "household_id",
    "birth_date",
    "sex",
    "relation",
    "disability_category",
    "disability_grade",
    *Person.SELF_CARE_FIELDS,
    "serious_illness",
    "able_to_work",
    "student",
    "special_care_category",
    "special_care_grade",
    "counted_in_family",
    "father_status",
    "mother_status",
    "father_status_since",
    "mother_status_since",
    # Unknown (null) until answered, and passed on as null: tekun reads an unknown supporter as
    # none able to support (fill_null(False)), so it never counts against the applicant, and
    # whether a person can work is judged from age and disability, never from this flag.
    "legal_supporter_able",
    "in_institution",
    "death_date",
]


def population_from_registry(households: QuerySet[Household], *, as_of: dt.date) -> Population:
    """The given households (already scoped by the caller) as a Population for the month of
    `as_of`: members as their memberships stood then, assets as of that day."""
    households = households.filter(status=HouseholdStatus.ACTIVE)
    household_frame = _households(households, as_of)
    people = _people(households)
    placed = _members_in_month(households, people, as_of)
    persons = _persons(Person.objects.filter(pk__in=people.values("id")), placed, household_frame)
    incomes = _incomes(
        # every kind of income: the programs' parameters say which count; only a record a
        # caseworker excluded (with its reason) stays out
        IncomeRecord.objects.filter(person__in=people.values("id"), exclusion_reason=""),
        persons,
    )
    return Population(household_frame, persons.drop("id"), incomes)


def _people(households: QuerySet[Household]) -> QuerySet[Person]:
    """Everyone who is or ever was in one of these households."""
    ids = households.values("id")
    # A union of two index lookups: an OR across the join to memberships made PostgreSQL read
    # every person and membership of the registry, for a decision page on one household too.
    registered = Person.objects.filter(household__in=ids).values("id")
    moved = Membership.objects.filter(household__in=ids).values("person_id")
    return Person.objects.filter(pk__in=registered.union(moved))


def _members_in_month(
    households: QuerySet[Household], people: QuerySet[Person], as_of: dt.date
) -> pl.DataFrame:
    """person_id, household_id, relation: who was in which of these households that month."""
    month_start = as_of.replace(day=1)
    ids = households.values("id")
    rows = list(
        Membership.objects.filter(person__in=people.values("id")).values_list(
            "person_id", "household_id", "relation", "valid_from", "valid_to"
        )
    )
    memberships = pl.DataFrame(
        rows,
        schema={
            "person_id": pl.Int64,
            "household_id": pl.Int64,
            "relation": pl.Utf8,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
        },
        orient="row",
    )
    begun = pl.col("valid_from") <= as_of
    not_ended = pl.col("valid_to").is_null() | (pl.col("valid_to") >= month_start)
    in_force = (
        memberships.filter(begun & not_ended)
        .sort("valid_from")
        .group_by("person_id")
        .agg(pl.col("household_id", "relation").last())
    )
    # registered after the month: where they were first registered
    first = (
        memberships.sort("valid_from")
        .group_by("person_id")
        .agg(pl.col("household_id", "relation").first(), pl.col("valid_from").min())
        .filter(pl.col("valid_from") > as_of)
        .drop("valid_from")
    )
    current = pl.DataFrame(
        list(
            people.exclude(memberships__isnull=False)
            .distinct()
            .values_list("id", "household_id", "relation")
        ),
        schema={"person_id": pl.Int64, "household_id": pl.Int64, "relation": pl.Utf8},
        orient="row",
    )
    placed = pl.concat([in_force, first, current], how="vertical_relaxed")
    wanted = pl.Series(list(ids.values_list("id", flat=True)), dtype=pl.Int64)
    return placed.filter(pl.col("household_id").is_in(wanted.implode())).unique("person_id")


def _households(households: QuerySet[Household], as_of: dt.date) -> pl.DataFrame:
    rows = list(households.order_by("id").values_list("id", "region_code", "residence_type"))
    frame = pl.DataFrame(
        rows,
        schema={"household_id": pl.Int64, "region_code": pl.Utf8, "residence_type": pl.Utf8},
        orient="row",
    )
    with_assets = frame.join(_asset_totals(households, as_of), on="household_id", how="left")
    # Who is on dibao, emergencies and disasters are recorded by casework, not the registry.
    casework = casework_columns(households, as_of=as_of)
    missing = [name for name in CASEWORK_COLUMNS if name not in casework.columns]
    with_casework = with_assets.join(
        casework.with_columns(pl.lit(None).alias(name) for name in missing),
        on="household_id",
        how="left",
        maintain_order="left",
    )
    return with_casework.with_columns(
        pl.col("financial_assets_fen", "vehicle_value_fen").fill_null(0),
        pl.col("commercial_property_count", "home_count").fill_null(0).cast(pl.Int32),
        pl.col("on_dibao").fill_null(False),
        *[pl.col(name).fill_null(HOUSEHOLD_DEFAULTS[name]) for name in CASEWORK_COLUMNS],
    )


def _asset_totals(households: QuerySet[Household], as_of: dt.date) -> pl.DataFrame:
    in_force = Q(valid_from__lte=as_of) & (Q(valid_to__isnull=True) | Q(valid_to__gte=as_of))
    rows = list(
        Asset.objects.filter(in_force, household__in=households.values("id")).values_list(
            "household_id", "kind", "value_fen", "is_disability_vehicle"
        )
    )
    assets = pl.DataFrame(
        rows,
        schema={
            "household_id": pl.Int64,
            "kind": pl.Utf8,
            "value_fen": pl.Int64,
            "disability": pl.Boolean,
        },
        orient="row",
    )
    kind = pl.col("kind")
    return assets.group_by("household_id").agg(
        pl.col("value_fen")
        .filter(kind.is_in([str(k) for k in FINANCIAL_ASSETS]))
        .sum()
        .alias("financial_assets_fen"),
        pl.col("value_fen")
        .filter((kind == AssetKind.VEHICLE) & ~pl.col("disability"))
        .max()
        .alias("vehicle_value_fen"),
        (kind == AssetKind.COMMERCIAL_PROPERTY)
        .sum()
        .cast(pl.Int32)
        .alias("commercial_property_count"),
        (kind == AssetKind.HOME).sum().cast(pl.Int32).alias("home_count"),
    )


def _persons(
    persons: QuerySet[Person], placed: pl.DataFrame, households: pl.DataFrame
) -> pl.DataFrame:
    fields = [name for name in _PERSON_FIELDS if name not in ("household_id", "relation")]
    rows = list(persons.order_by("id").values_list(*fields))
    frame = pl.DataFrame(rows, schema=fields, orient="row", infer_schema_length=None)
    frame = frame.join(
        placed.rename({"person_id": "id"}), on="id", how="inner", maintain_order="left"
    )
    index = households.select(
        pl.col("household_id"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("household_idx")
    )
    selfcare = pl.sum_horizontal([pl.col(name).cast(pl.Int8) for name in Person.SELF_CARE_FIELDS])
    return (
        frame.join(index, on="household_id", how="inner", maintain_order="left")
        .with_columns(
            pl.col("id").alias("person_id"),
            selfcare.cast(pl.Int8).alias("selfcare_unable_count"),
            pl.col("disability_category", "disability_grade", "special_care_grade").cast(pl.Int8),
        )
        .drop("household_id", *Person.SELF_CARE_FIELDS)
    )


def _incomes(incomes: QuerySet[IncomeRecord], persons: pl.DataFrame) -> pl.DataFrame:
    rows = list(
        incomes.values_list("person_id", "income_type", "monthly_fen", "valid_from", "valid_to")
    )
    frame = pl.DataFrame(
        rows,
        schema={
            "id": pl.Int64,
            "income_type": pl.Utf8,
            "monthly_fen": pl.Int64,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
        },
        orient="row",
    )
    index = persons.select(
        pl.col("id"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("person_idx")
    )
    return frame.join(index, on="id", how="inner").drop("id")
