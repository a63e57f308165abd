"""Running a scenario: the rules before and after the reform on one built population.

Every amount comes from `huimin.rules.evaluate`; this module only adds up what it returns per
household and hands the frame to `metrics`. The population is built once; the baseline and the
reform (and every step of a budget search) reuse it and its cached month views.
For a range of months, costs and recipients are averaged over the months; the distributional
figures (deciles, poverty, inequality, targeting) are those of the first month.
"""

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from huimin.rules import PROGRAMS, load_parameters
from huimin.rules.engine import evaluate_in
from huimin.rules.parameters import ParameterSet
from huimin.rules.periods import Period
from huimin.rules.population import Population
from huimin.rules.program import Context, Program
from huimin.rules.schema import INCOME_TYPES
from huimin.simulation import metrics
from huimin.simulation.reform import reformed_parameters, reformed_programs
from huimin.simulation.scenario import Scenario
from huimin.simulation.sources import Source

# assistance is what is simulated: it is not income "before assistance"
TRANSFER_TYPES = ("social_assistance",)
HOUSEHOLD_TYPES = (
    "one_person",
    "elderly_only",
    "one_adult_with_children",
    "with_children",
    "with_disabled",
    "other",
)
ADULT, ELDERLY = 18, 60

Progress = Callable[[int, int, str], None]


@dataclass
class Month:
    period: Period
    outcomes: pl.DataFrame
    recipients: list[dict[str, Any]]
    rules_seconds: float


@dataclass
class Result:
    scenario: Scenario
    programs: list[str]
    months: list[Month]
    figures: dict[str, Any] = field(default_factory=dict)
    rules_seconds: float = 0.0
    metrics_seconds: float = 0.0


def household_frame(population: Population, period: Period, weights: np.ndarray) -> pl.DataFrame:
    """Per household: weight, members, income before assistance, region, household type."""
    view = population.view(period)
    n = population.n_households
    persons = view.persons
    member = view.member
    age = persons["age"].to_numpy()
    disabled = persons["disability_grade"].is_not_null().to_numpy()
    home = population.person_household

    def count(flags: np.ndarray) -> np.ndarray:
        return np.bincount(home[flags], minlength=n)

    members = count(member)
    adults = count(member & (age >= ADULT))
    children = members - adults  # every member has an age: the birth date is required
    elderly = count(member & (age >= ELDERLY))
    with_disabled = count(member & disabled)
    household_type = np.select(
        [
            members == 1,
            (members > 1) & (elderly == members),
            (children > 0) & (adults == 1),
            children > 0,
            with_disabled > 0,
        ],
        [0, 1, 2, 3, 4],
        default=5,
    )
    share = view.income_share(0)
    transfer = np.isin(population.income_type, [INCOME_TYPES.index(t) for t in TRANSFER_TYPES])
    counted = member[population.income_person] & ~transfer
    income = np.bincount(
        population.income_household[counted], weights=share[counted], minlength=n
    ).astype(np.int64)
    return pl.DataFrame(
        {
            "household_idx": np.arange(n, dtype=np.uint32),
            "region_code": population.households["region_code"],
            "weight": np.asarray(weights, dtype=np.float64),
            "members": members.astype(np.int64),
            "income_fen": income,
            "household_type": pl.Series(HOUSEHOLD_TYPES).gather(
                pl.Series(household_type.astype(np.uint32))
            ),
        }
    )


def per_household(frame: pl.DataFrame, n: int) -> np.ndarray:
    """A program's amounts added up per household (person-level programs have many rows)."""
    idx = frame["household_idx"].to_numpy()
    amount = frame["amount_fen"].to_numpy()
    # a household's sum stays far below 2**53 fen, so the float sum is exact
    return np.rint(np.bincount(idx, weights=amount, minlength=n)).astype(np.int64)


Summary = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def summarise(
    results: Mapping[str, pl.DataFrame], n: int, person_household: np.ndarray | None = None
) -> Summary:
    """Per program: amounts per household, and each unit's eligibility and household (what the
    figures need), so the engine's wide frames can go before the next evaluation. A person-level
    program's units are the population's persons in order: their households are then the
    population's own array (`person_household`), shared rather than copied per program."""
    summary = {}
    for name, frame in results.items():
        units = frame["household_idx"].to_numpy()
        if person_household is not None and np.array_equal(units, person_household):
            units = person_household
        summary[name] = (per_household(frame, n), frame["eligible"].to_numpy(), units)
    return summary


def evaluate_both(
    population: Population,
    period: Period,
    baseline: ParameterSet,
    reform: ParameterSet,
    names: Sequence[str],
    replaced: Mapping[str, Program],
) -> tuple[Summary, Summary]:
    """Each program before and after the reform. A program the reform leaves alone (same
    definition, the same value of every parameter it declares in every region, its
    dependencies alone too) is not evaluated twice: its outcome is the baseline's."""
    n = population.n_households
    before = summarise_each(population, period, baseline, names, {}, n)
    changed = programs_changed(population, period, baseline, reform, names, replaced)
    after = summarise_each(population, period, reform, changed, replaced, n)
    return before, {name: after[name] if name in after else before[name] for name in names}


def summarise_each(
    population: Population,
    period: Period,
    parameters: ParameterSet,
    names: Sequence[str],
    replaced: Mapping[str, Program],
    n: int,
) -> Summary:
    """Program by program, each summarised as soon as it is evaluated and its frame let go
    unless a later program reads it: at ten million persons the engine's wide frames of every
    program at once were the peak of memory."""
    context = Context(view=population.view(period), params=population.bind(parameters, period))
    needed_later = {dependency for name in names for dependency in PROGRAMS[name].depends_on}
    summary = {}
    for name in names:
        frame = evaluate_in(context, [name], replaced=replaced)[name]
        summary[name] = summarise({name: frame}, n, population.person_household)[name]
        if name not in needed_later:
            context.results.pop(name, None)
    return summary


def programs_changed(
    population: Population,
    period: Period,
    baseline: ParameterSet,
    reform: ParameterSet,
    names: Sequence[str],
    replaced: Mapping[str, Program],
) -> list[str]:
    """The programs whose outcome the reform may change. Every program declares each parameter
    it reads (a test of the rules holds it to that), so equal values mean an equal outcome."""
    before, after = population.bind(baseline, period), population.bind(reform, period)

    def changes(name: str) -> bool:
        program = PROGRAMS[name]
        return (
            name in replaced
            or any(changes(dependency) for dependency in program.depends_on)
            or any(before.per_region(p) != after.per_region(p) for p in program.parameters)
        )

    return [name for name in names if changes(name)]


def month_outcomes(
    population: Population,
    period: Period,
    weights: np.ndarray,
    before: Summary,
    after: Summary,
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    n = population.n_households
    frame = household_frame(population, period, weights)
    columns = []
    base_total = np.zeros(n, dtype=np.int64)
    reform_total = np.zeros(n, dtype=np.int64)
    recipients = []
    person_weights = weights[population.person_household]  # the weights of most programs' units
    for name in before:
        b, was, units = before[name]
        r, now, _units = after[name]
        base_total += b
        reform_total += r
        columns += [pl.Series(f"base_{name}", b), pl.Series(f"reform_{name}", r)]
        unit_weight = person_weights if units is population.person_household else weights[units]
        recipients.append(
            {
                "program": name,
                "level": PROGRAMS[name].level,
                "baseline": float(unit_weight[was].sum()),
                "reform": float(unit_weight[now].sum()),
                "gained": float(unit_weight[now & ~was].sum()),
                "lost": float(unit_weight[was & ~now].sum()),
            }
        )
    frame = frame.with_columns(
        pl.Series("base_fen", base_total), pl.Series("reform_fen", reform_total), *columns
    )
    return frame, recipients


def simulate(
    scenario: Scenario,
    source: Source,
    *,
    baseline: ParameterSet | None = None,
    on_progress: Progress | None = None,
    with_metrics: bool = True,
) -> Result:
    base = baseline or load_parameters()
    reform = reformed_parameters(base, scenario.changes)
    replaced = reformed_programs(scenario.module)
    names = list(scenario.programs or PROGRAMS)
    steps = len(scenario.periods) + 1
    result = Result(scenario=scenario, programs=names, months=[])
    for step, period in enumerate(scenario.periods):
        if on_progress:
            on_progress(step, steps, period.label)
        started = time.perf_counter()
        before, after = evaluate_both(source.population, period, base, reform, names, replaced)
        result.rules_seconds += time.perf_counter() - started
        outcomes, recipients = month_outcomes(
            source.population, period, source.weights, before, after
        )
        result.months.append(Month(period, outcomes, recipients, 0.0))
    if with_metrics:
        if on_progress:
            on_progress(steps - 1, steps, "metrics")
        started = time.perf_counter()
        result.figures = figures_of(
            result, resamples=scenario.metrics.bootstrap if source.weighted else 0
        )
        result.metrics_seconds = time.perf_counter() - started
    return result


def figures_of(result: Result, *, resamples: int = 0) -> dict[str, Any]:
    spec = result.scenario.metrics
    first = result.months[0]
    figures = metrics.all_metrics(
        first.outcomes,
        programs=result.programs,
        line=spec.poverty_line_fen,
        need=spec.need,
        resamples=resamples,
    )
    if len(result.months) > 1:
        figures["cost"] = _average_cost(result)
    figures["recipients"] = metrics.recipients(_average_recipients(result))
    figures["months"] = [m.period.label for m in result.months]
    figures["households"] = first.outcomes.height
    figures["weighted_households"] = round(float(first.outcomes["weight"].sum()), 3)
    return figures


def _average_cost(result: Result) -> dict[str, Any]:
    """Costs of a range: each month's figures averaged (half up), so 'monthly' stays a month."""
    stacked = pl.concat([m.outcomes for m in result.months])
    count = len(result.months)
    table = metrics.cost(
        stacked.with_columns(pl.col("weight") / count), result.programs, months=count
    )
    return table


def _average_recipients(result: Result) -> list[dict[str, Any]]:
    count = len(result.months)
    rows = []
    for i, row in enumerate(result.months[0].recipients):
        merged = dict(row)
        for key in ("baseline", "reform", "gained", "lost"):
            merged[key] = sum(m.recipients[i][key] for m in result.months) / count
        rows.append(merged)
    return rows
