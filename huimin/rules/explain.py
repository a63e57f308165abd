"""explain(): one household's result, criterion by criterion, with the numbers and their sources.

It runs `evaluate` with `details=True` on a one-household population and reads the intermediate
columns back, so eligibility, criteria and amounts are the very values `evaluate` computes: there
is no second implementation to drift.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from huimin.rules.binding import BoundParameters
from huimin.rules.engine import evaluate
from huimin.rules.holding import Conflict, conflicts_from_frame, find_conflicts
from huimin.rules.parameters import ParameterSet, load_parameters
from huimin.rules.periods import Period, parse_period
from huimin.rules.population import Population
from huimin.rules.program import Context, Criterion, Program
from huimin.rules.programs import PROGRAMS
from huimin.rules.records import frames_from_records


@dataclass(frozen=True)
class ParameterUse:
    name: str
    value: Any
    start: dt.date
    region: str
    unit: str
    source: str
    origin: str


@dataclass(frozen=True)
class CriterionResult:
    name: str
    passed: bool
    value: Any
    op: str | None
    threshold: Any
    unit: str
    clause: str
    zh: str
    en: str
    parameters: tuple[ParameterUse, ...]


@dataclass(frozen=True)
class ProgramExplanation:
    program: str
    title_zh: str
    title_en: str
    level: str
    period: str
    household_id: int
    person_id: int | None
    eligible: bool
    amount_fen: int
    criteria: tuple[CriterionResult, ...]
    computation_zh: str
    computation_en: str
    outputs: dict[str, Any]
    parameters: tuple[ParameterUse, ...]  # every parameter the program read

    @property
    def failed(self) -> list[str]:
        return [c.name for c in self.criteria if not c.passed]


@dataclass(frozen=True)
class Explanation:
    period: str
    household_id: int
    programs: dict[str, list[ProgramExplanation]]  # one entry, or one per person
    conflicts: list[Conflict] = field(default_factory=list)

    def for_program(self, name: str, person_id: int | None = None) -> ProgramExplanation:
        for entry in self.programs[name]:
            if person_id is None or entry.person_id == person_id:
                return entry
        raise KeyError(f"{name} has no entry for person {person_id}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def explain(
    household: "Mapping[str, Any] | Population",
    period: "str | Period",
    parameters: ParameterSet | None = None,
    *,
    household_idx: int = 0,
    programs: Iterable[str] | None = None,
) -> Explanation:
    """Explain one household: a plain record (see `records`) or a row of a built population."""
    period = parse_period(period)
    parameters = parameters or load_parameters()
    population = _one_household(household, household_idx)
    results = evaluate(population, period, parameters, programs, details=True)
    context = Context(view=population.view(period), params=population.bind(parameters, period))
    region_idx = int(population.households["region_idx"][0])
    explained = {
        name: _program_rows(PROGRAMS[name], frame, context, region_idx)
        for name, frame in results.items()
    }
    return Explanation(
        period=period.label,
        household_id=int(population.households["household_id"][0]),
        programs=explained,
        conflicts=conflicts_from_frame(find_conflicts(context.view, results)),
    )


def _one_household(household: "Mapping[str, Any] | Population", index: int) -> Population:
    if isinstance(household, Population):
        return household if household.n_households == 1 else household.take([index])
    return frames_from_records([household])


def _program_rows(
    program: Program, frame: pl.DataFrame, context: Context, region_idx: int
) -> list[ProgramExplanation]:
    bound = context.params
    criteria = program.criteria(context)
    uses = {c.name: tuple(_use(bound, name, region_idx) for name in c.parameters) for c in criteria}
    read = tuple(_use(bound, name, region_idx) for name in program.parameters)
    return [
        _program_row(program, row, criteria, uses, read, bound.period)
        for row in frame.iter_rows(named=True)
    ]


def _program_row(
    program: Program,
    row: Mapping[str, Any],
    criteria: list[Criterion],
    uses: Mapping[str, tuple[ParameterUse, ...]],
    read: tuple[ParameterUse, ...],
    period: Period,
) -> ProgramExplanation:
    results = tuple(
        CriterionResult(
            name=c.name,
            passed=bool(row[c.name]),
            value=row[f"{c.name}.value"],
            op=c.op,
            threshold=row.get(f"{c.name}.threshold"),
            unit=c.unit,
            clause=c.clause,
            zh=c.zh,
            en=c.en,
            parameters=uses[c.name],
        )
        for c in criteria
    )
    return ProgramExplanation(
        program=program.name,
        title_zh=program.title_zh,
        title_en=program.title_en,
        level=program.level,
        period=period.label,
        household_id=int(row["household_id"]),
        person_id=int(row["person_id"]) if program.level == "person" else None,
        eligible=bool(row["eligible"]),
        amount_fen=int(row["amount_fen"]),
        criteria=results,
        computation_zh=program.describe(row, "zh"),
        computation_en=program.describe(row, "en"),
        outputs={name: row[name] for name in program.outputs},
        parameters=read,
    )


def _use(bound: BoundParameters, name: str, region_idx: int) -> ParameterUse:
    record = bound.record(name, region_idx)
    return ParameterUse(
        name=name,
        value=record.value,
        start=record.start,
        region=record.region,
        unit=record.unit,
        source=record.source,
        origin=record.origin,
    )


def explanation_frame(explanation: Explanation) -> pl.DataFrame:
    """One row per (program, person) with eligibility and amount: handy for display and tests."""
    rows = [
        {
            "program": name,
            "person_id": entry.person_id,
            "eligible": entry.eligible,
            "amount_fen": entry.amount_fen,
            "failed": ",".join(entry.failed),
        }
        for name, entries in explanation.programs.items()
        for entry in entries
    ]
    return pl.DataFrame(rows)
