"""explain(): one household's result, criterion by criterion, with the numbers and their sources.

It runs `evaluate` with `details=True` on a one-household population and reads the intermediate
columns back, so eligibility, criteria and amounts are the very values `evaluate` computes: there
is no second implementation to drift. Criterion texts and parameter records come from the same
evaluation (its compiled criteria, its resolved parameters), as plain Python objects.
"""

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from huimin.rules.binding import RegionRecords, region_records
from huimin.rules.engine import compile_program, evaluate_in
from huimin.rules.holding import Conflict, conflicts
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
    context = Context(view=population.view(period), params=population.bind(parameters, period))
    results = evaluate_in(context, programs, details=True)
    # One household has one region; its parameter records are plain Python objects already
    # resolved by evaluate, so the explanation reads them without another query.
    uses = _uses_in(region_records(parameters, period, population.regions[0]))
    explained = {
        name: _program_rows(PROGRAMS[name], frame, context, uses) for name, frame in results.items()
    }
    return Explanation(
        period=period.label,
        household_id=int(population.households["household_id"][0]),
        programs=explained,
        conflicts=conflicts(context.view, results, context.params),
    )


def explain_many(
    population: Population,
    period: "str | Period",
    parameters: ParameterSet | None = None,
    *,
    programs: Iterable[str],
) -> dict[str, list[ProgramExplanation]]:
    """What `explain` gives for each household of a population, from one evaluation of all of
    them: program name -> one explanation per row of its result (household or person), in the
    result's order. For a batch (a caseload carried over), where one `explain` per household
    would rebuild a population each time."""
    period = parse_period(period)
    parameters = parameters or load_parameters()
    context = Context(view=population.view(period), params=population.bind(parameters, period))
    results = evaluate_in(context, programs, details=True)
    codes = population.households["region_code"].to_list()
    uses_of_region: dict[str, _Uses] = {}
    explained: dict[str, list[ProgramExplanation]] = {}
    for name, frame in results.items():
        program = PROGRAMS[name]
        criteria = compile_program(program, context).criteria
        rows = []
        for row in frame.rows(named=True):
            code = codes[row["household_idx"]]
            uses = uses_of_region.get(code)
            if uses is None:
                uses = uses_of_region[code] = _uses_in(region_records(parameters, period, code))
            by_criterion = {c.name: uses.of(c.parameters) for c in criteria}
            read = uses.of(program.parameters)
            rows.append(_program_row(program, row, criteria, by_criterion, read, period.label))
        explained[name] = rows
    return explained


def _one_household(household: "Mapping[str, Any] | Population", index: int) -> Population:
    if isinstance(household, Population):
        return household if household.n_households == 1 else household.take([index])
    return frames_from_records([household])


def _program_rows(
    program: Program, frame: pl.DataFrame, context: Context, uses: "_Uses"
) -> list[ProgramExplanation]:
    # the very criteria evaluate ran (built or cached by compile_program), not a rebuilt copy
    criteria = compile_program(program, context).criteria
    by_criterion = {c.name: uses.of(c.parameters) for c in criteria}
    read = uses.of(program.parameters)
    return [
        _program_row(program, row, criteria, by_criterion, read, context.params.period.label)
        for row in frame.rows(named=True)  # one or a few rows: faster than iter_rows
    ]


def _program_row(
    program: Program,
    row: Mapping[str, Any],
    criteria: list[Criterion],
    uses: Mapping[str, tuple[ParameterUse, ...]],
    read: tuple[ParameterUse, ...],
    period: str,
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
        period=period,
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


class _Uses:
    """The parameter records in force in one region and month, as `ParameterUse`s, each built
    once (programs share many parameters) and kept for the next household of the region."""

    def __init__(self, region: RegionRecords) -> None:
        self.region = region
        self.built: dict[str, ParameterUse] = {}
        self.lists: dict[tuple[str, ...], tuple[ParameterUse, ...]] = {}

    def of(self, names: tuple[str, ...]) -> tuple[ParameterUse, ...]:
        found = self.lists.get(names)
        if found is None:
            found = self.lists[names] = tuple(self.one(name) for name in names)
        return found

    def one(self, name: str) -> ParameterUse:
        use = self.built.get(name)
        if use is None:
            record = self.region.get(name)
            use = ParameterUse(
                name=name,
                value=record.value,
                start=record.start,
                region=record.region,
                unit=record.unit,
                source=record.source,
                origin=record.origin,
            )
            self.built[name] = use
        return use


# ParameterUses are frozen: sharing them between explanations is safe
_USES: OrderedDict[tuple[int, str, str], _Uses] = OrderedDict()
_USES_SIZE = 256


def _uses_in(region: RegionRecords) -> _Uses:
    key = (region.parameters.token, region.period.label, region.region_code)
    uses = _USES.get(key)
    if uses is None or uses.region is not region:
        uses = _USES[key] = _Uses(region)
        while len(_USES) > _USES_SIZE:
            _USES.popitem(last=False)
    return uses


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
