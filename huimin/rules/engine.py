"""evaluate(): every program's criteria and benefit for a whole population in one month."""

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from huimin.rules.errors import UnknownProgram
from huimin.rules.parameters import ParameterSet, load_parameters
from huimin.rules.periods import Period, parse_period
from huimin.rules.population import Population
from huimin.rules.program import Context, Criterion, Program, Stage
from huimin.rules.programs import PROGRAMS


def evaluate(
    population: Population,
    period: "str | Period",
    parameters: ParameterSet | None = None,
    programs: Iterable[str] | None = None,
    *,
    details: bool = False,
) -> dict[str, pl.DataFrame]:
    """Program name -> one row per household (or person, for person-level programs) with
    `eligible`, `amount_fen`, one boolean column per criterion and the program's outputs.
    `details=True` keeps every intermediate column (criterion values and thresholds, formula
    parts): that is what `explain` reads."""
    period = parse_period(period)
    context = Context(
        view=population.view(period),
        params=population.bind(parameters or load_parameters(), period),
    )
    wanted = list(PROGRAMS) if programs is None else list(programs)
    for wave in _waves(_with_dependencies(wanted)):
        # programs of a wave are independent: Polars runs their queries in parallel
        queries = []
        for name in wave:
            query, keep = program_query(PROGRAMS[name], context)
            # selecting before collecting lets Polars skip what only explain reads
            queries.append(query if details else query.select(keep))
        frames = pl.collect_all(queries, optimizations=_flags(population))
        context.results.update(zip(wave, frames, strict=True))
    return {name: context.results[name] for name in wanted}


def _flags(population: Population) -> pl.QueryOptFlags:
    # On a few rows the optimizer costs more than it saves (explain for one household runs
    # about twice as fast without it); optimizations never change results.
    if population.n_persons < _OPTIMIZE_FROM_PERSONS:
        return pl.QueryOptFlags.none()
    return pl.QueryOptFlags()


def _waves(ordered: list[str]) -> list[list[str]]:
    waves: list[list[str]] = []
    placed: dict[str, int] = {}
    for name in ordered:
        level = max((placed[d] + 1 for d in PROGRAMS[name].depends_on), default=0)
        placed[name] = level
        if level == len(waves):
            waves.append([])
        waves[level].append(name)
    return waves


@dataclass(frozen=True)
class Compiled:
    derive: list[Stage]
    criteria: list[Criterion]
    benefit: list[Stage]


# Built expressions for one-region populations (explain, single-household API calls): the
# expressions depend only on the parameter values chosen and a few facts of the month, so a
# repeat call reuses them instead of rebuilding hundreds of expression nodes.
_COMPILED: OrderedDict[tuple[Any, ...], Compiled] = OrderedDict()
_COMPILED_SIZE = 256
_OPTIMIZE_FROM_PERSONS = 10_000


def run_program(program: Program, context: Context, *, details: bool = False) -> pl.DataFrame:
    query, keep = program_query(program, context)
    result = query.collect()
    return result if details else result.select(keep)


def program_query(program: Program, context: Context) -> tuple[pl.LazyFrame, list[str]]:
    """The program's whole computation as one lazy query, and the columns evaluate() keeps."""
    compiled = compile_program(program, context)
    frame = program.base(context).lazy()
    for stage in compiled.derive:
        frame = frame.with_columns(**stage)
    criteria = compiled.criteria
    measured = {f"{c.name}.value": c.value for c in criteria}
    measured |= {f"{c.name}.threshold": c.threshold for c in criteria if c.threshold is not None}
    frame = frame.with_columns(**measured).with_columns(
        **{c.name: c.passed_expr().fill_null(False) for c in criteria}
    )
    for stage in compiled.benefit:
        frame = frame.with_columns(**stage)
    keep = [*program.id_columns, *(c.name for c in criteria), "eligible", "amount_fen"]
    return frame, [*keep, *(c for c in program.outputs if c not in keep)]


def compile_program(program: Program, context: Context) -> Compiled:
    key = _cache_key(program, context)
    compiled = _COMPILED.get(key) if key is not None else None
    if compiled is None:
        compiled = Compiled(
            derive=program.derive(context),
            criteria=program.criteria(context),
            benefit=program.benefit(context),
        )
        if key is not None:
            _COMPILED[key] = compiled
            while len(_COMPILED) > _COMPILED_SIZE:
                _COMPILED.popitem(last=False)
    return compiled


def _cache_key(program: Program, context: Context) -> tuple[Any, ...] | None:
    params, view = context.params, context.view
    if len(view.population.regions) != 1:
        return None  # large populations: building expressions is negligible next to the data
    # Within one parameter set and period, the winning region prefix names the value.
    chosen = tuple(params.record(name, 0).region for name in program.parameters)
    return (
        program.name,
        params.parameters.token,
        view.period.label,
        chosen,
        tuple(view.topup_codes("topup")),
        tuple(view.topup_codes("single_topup")),
    )


def _with_dependencies(names: list[str]) -> list[str]:
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name not in PROGRAMS:
            raise UnknownProgram(name)
        for dependency in PROGRAMS[name].depends_on:
            visit(dependency)
        if name not in ordered:
            ordered.append(name)

    for name in names:
        visit(name)
    return ordered
