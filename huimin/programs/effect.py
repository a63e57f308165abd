"""What a parameter change would do: the registry evaluated for a month with and without it.

Every program is evaluated twice over the same population frames (the households of the
region in the reader's jurisdiction), once under the parameters in force and once with the
proposed value added as an override, and the two results are compared household by household:
who becomes eligible, who stops being eligible, whose amount changes, and the money.
"""

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
from django.db.models import QuerySet

from huimin.core.errors import ValidationFailed
from huimin.programs.evaluation import period_from
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household
from huimin.rules import PROGRAMS, RulesError, evaluate

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class ProgramEffect:
    program: str
    title_zh: str
    title_en: str
    gain: int  # households newly eligible
    lose: int  # households no longer eligible
    change: int  # households still eligible whose amount changes
    before_fen: int  # the program's monthly total before
    after_fen: int

    @property
    def difference_fen(self) -> int:
        return self.after_fen - self.before_fen


@dataclass(frozen=True)
class Effect:
    period: str
    households: int  # evaluated: those of the region
    programs: list[ProgramEffect]  # only those the change moves
    more: int  # households whose monthly total rises
    less: int  # households whose monthly total falls
    monthly_difference_fen: int

    @property
    def yearly_difference_fen(self) -> int:
        return self.monthly_difference_fen * MONTHS_PER_YEAR

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "yearly_difference_fen": self.yearly_difference_fen}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Effect":
        programs = [ProgramEffect(**p) for p in data.get("programs", [])]
        fields = {k: data[k] for k in ("period", "households", "more", "less")}
        return cls(
            **fields, programs=programs, monthly_difference_fen=data["monthly_difference_fen"]
        )


def parameter_change_effect(
    *, households: QuerySet[Household], record: dict[str, Any], period: str
) -> Effect:
    """The effect in `period` of adding `record` (an override: name, region, start, value,
    source) on the households given (the caller scopes them)."""
    month = period_from(period)
    if not households.exists():  # nothing to evaluate (an empty frame has no column types)
        return Effect(month.label, 0, [], 0, 0, 0)
    population = population_from_registry(households, as_of=month.end)
    try:
        before_parameters = live_parameters()
        after_parameters = before_parameters.with_overrides([record])
        before = evaluate(population, month, before_parameters)
        after = evaluate(population, month, after_parameters)
    except RulesError as error:
        raise ValidationFailed(str(error), field="value") from error
    programs: list[ProgramEffect] = []
    totals: list[pl.DataFrame] = []
    for name in before:
        joined = (
            _by_household(before[name])
            .join(
                _by_household(after[name]),
                on="household_idx",
                suffix="_after",
                how="full",
                coalesce=True,
            )
            .fill_null(strategy="zero")
        )
        totals.append(joined.select("household_idx", "fen", "fen_after"))
        gain = joined.filter(~pl.col("eligible") & pl.col("eligible_after")).height
        lose = joined.filter(pl.col("eligible") & ~pl.col("eligible_after")).height
        change = joined.filter(
            pl.col("eligible") & pl.col("eligible_after") & (pl.col("fen") != pl.col("fen_after"))
        ).height
        before_fen, after_fen = int(joined["fen"].sum()), int(joined["fen_after"].sum())
        if gain or lose or change or before_fen != after_fen:
            program = PROGRAMS[name]
            programs.append(
                ProgramEffect(
                    name,
                    program.title_zh,
                    program.title_en,
                    gain,
                    lose,
                    change,
                    before_fen,
                    after_fen,
                )
            )
    per_household = (
        pl.concat(totals)
        .group_by("household_idx")
        .agg(pl.col("fen").sum(), pl.col("fen_after").sum())
        if totals
        else pl.DataFrame({"fen": [], "fen_after": []})
    )
    return Effect(
        period=month.label,
        households=population.n_households,
        programs=programs,
        more=per_household.filter(pl.col("fen_after") > pl.col("fen")).height,
        less=per_household.filter(pl.col("fen_after") < pl.col("fen")).height,
        monthly_difference_fen=sum(p.difference_fen for p in programs),
    )


def _by_household(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per household: eligible if anyone is, the amount of those eligible."""
    return frame.group_by(pl.col("household_idx").cast(pl.UInt32)).agg(
        pl.col("eligible").any(),
        pl.when(pl.col("eligible")).then(pl.col("amount_fen")).otherwise(0).sum().alias("fen"),
    )
