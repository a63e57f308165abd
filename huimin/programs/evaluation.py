"""Running the rules over the registry: totals per program and county, and one household explained."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household, IncomeRecord, IncomeType
from huimin.rules import PROGRAMS, Explanation, Population, RulesError, evaluate, explain
from huimin.rules.periods import Period, parse_period

COUNTY_DIGITS = 6


@dataclass(frozen=True)
class ExcludedIncome:
    """An income record of the month that a caseworker excluded: no program counts it."""

    income_id: int
    person_id: int
    person_name: str
    income_type: str
    income_type_label: str
    monthly_fen: int
    reason: str


@dataclass(frozen=True)
class ProgramTotal:
    program: str
    title_zh: str
    title_en: str
    region_code: str  # a county code, or "" for the grand total
    eligible: int
    monthly_cost_fen: int


def period_from(text: str) -> Period:
    try:
        return parse_period(text)
    except RulesError as error:
        raise ValidationFailed(
            _("“%(text)s” is not a month: write it as YYYY-MM, for example 2026-11.")
            % {"text": text},
            field="period",
        ) from error


def totals_for_registry(*, households: QuerySet[Household], period: str) -> list[ProgramTotal]:
    month = period_from(period)
    population = population_from_registry(households, as_of=month.end)
    return totals_for_population(population, period)


def totals_for_parquet(*, directory: Path, period: str, region: str = "") -> list[ProgramTotal]:
    frames = {
        name: pl.read_parquet(directory / f"{name}.parquet")
        for name in ("households", "persons", "incomes")
    }
    population = Population(frames["households"], frames["persons"], frames["incomes"])
    if region:
        keep = population.households.with_row_index("idx").filter(
            pl.col("region_code").str.starts_with(region)
        )
        population = population.take(keep["idx"].to_list())
    return totals_for_population(population, period)


def totals_for_population(population: Population, period: str) -> list[ProgramTotal]:
    try:
        results = evaluate(population, period_from(period), live_parameters())
    except RulesError as error:
        raise ValidationFailed(str(error)) from error
    counties = population.households.select(
        pl.col("region_code").str.slice(0, COUNTY_DIGITS).alias("county")
    ).with_row_index("household_idx")
    return [
        total for name, frame in results.items() for total in _program_totals(name, frame, counties)
    ]


def _program_totals(name: str, frame: pl.DataFrame, counties: pl.DataFrame) -> list[ProgramTotal]:
    program = PROGRAMS[name]
    eligible = frame.filter(pl.col("eligible")).join(
        counties, on=pl.col("household_idx").cast(pl.UInt32), how="left"
    )
    by_county = eligible.group_by("county").agg(
        pl.len().alias("n"), pl.col("amount_fen").sum().alias("fen")
    )
    rows = [
        ProgramTotal(name, program.title_zh, program.title_en, county, int(n), int(fen))
        for county, n, fen in by_county.sort("county").iter_rows()
    ]
    total = ProgramTotal(
        name,
        program.title_zh,
        program.title_en,
        "",
        eligible.height,
        int(eligible["amount_fen"].sum() or 0),
    )
    return [*rows, total]


def household_explain(
    *, household: Household, period: str, as_of: dt.date | None = None
) -> Explanation:
    month = period_from(period)
    population = population_from_registry(
        Household.objects.filter(pk=household.pk), as_of=as_of or month.end
    )
    if population.n_households == 0:
        raise ValidationFailed(
            f"household {household.household_no} is closed and has no one to assess"
        )
    try:
        return explain(population, month, live_parameters())
    except RulesError as error:
        raise ValidationFailed(str(error)) from error


def household_excluded_incomes(*, household: Household, period: str) -> list[ExcludedIncome]:
    """The incomes in force in the month that the explanation leaves out because a caseworker
    excluded them, each with the reason: shown with every explanation of the household."""
    month = period_from(period)
    in_month = Q(valid_from__lte=month.end) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=month.start)
    )
    records = (
        IncomeRecord.objects.filter(in_month, person__household=household)
        .exclude(exclusion_reason="")
        .select_related("person")
        .order_by("person_id", "valid_from", "id")
    )
    return [
        ExcludedIncome(
            income_id=income.pk,
            person_id=income.person_id,
            person_name=income.person.name,
            income_type=income.income_type,
            income_type_label=str(IncomeType(income.income_type).label),
            monthly_fen=income.monthly_fen,
            reason=income.exclusion_reason,
        )
        for income in records
    ]
