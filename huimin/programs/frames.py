"""The registry as population frames for the rules engine (see huimin/rules/schema.py).

Set-based: three queries (households, persons, incomes) and one for assets, straight into
Polars; no per-household ORM objects. The frames describe the registry as it stands; incomes and
assets outside the period are filtered by the engine or here by their validity dates.
"""

import datetime as dt

import polars as pl
from django.db.models import Q, QuerySet

from huimin.registry.models import (
    Asset,
    AssetKind,
    Household,
    HouseholdStatus,
    IncomeRecord,
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
    "legal_supporter_able",
    "in_institution",
    "death_date",
]


def population_from_registry(households: QuerySet[Household], *, as_of: dt.date) -> Population:
    """The given households (already scoped by the caller) as a Population, assets as of a date."""
    households = households.filter(status=HouseholdStatus.ACTIVE)
    household_frame = _households(households, as_of)
    persons = _persons(
        Person.objects.filter(household__in=households.values("id")), household_frame
    )
    incomes = _incomes(
        # every kind of income: the programs' parameters say which count; only a record a
        # caseworker excluded (with its reason) stays out
        IncomeRecord.objects.filter(
            person__household__in=households.values("id"), exclusion_reason=""
        ),
        persons,
    )
    return Population(household_frame, persons.drop("id"), incomes)


def _households(households: QuerySet[Household], as_of: dt.date) -> pl.DataFrame:
    rows = list(households.order_by("id").values_list("id", "region_code", "residence_type"))
    frame = pl.DataFrame(
        rows,
        schema={"household_id": pl.Int64, "region_code": pl.Utf8, "residence_type": pl.Utf8},
        orient="row",
    )
    return frame.join(_asset_totals(households, as_of), on="household_id", how="left").with_columns(
        pl.col("financial_assets_fen", "vehicle_value_fen").fill_null(0),
        pl.col("commercial_property_count", "home_count").fill_null(0).cast(pl.Int32),
        pl.lit(False).alias("on_dibao"),
        # Emergencies and disasters are recorded by casework and relief, not the registry.
        *[pl.lit(HOUSEHOLD_DEFAULTS[name]).alias(name) for name in CASEWORK_COLUMNS],
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


def _persons(persons: QuerySet[Person], households: pl.DataFrame) -> pl.DataFrame:
    rows = list(persons.order_by("id").values_list(*_PERSON_FIELDS))
    frame = pl.DataFrame(rows, schema=_PERSON_FIELDS, orient="row", infer_schema_length=None)
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
