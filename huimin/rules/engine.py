"""evaluate(): every program's criteria and benefit for a whole population in one month."""

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from huimin.rules.errors import UnknownProgram
from huimin.rules.parameters import ParameterSet, load_parameters
from huimin.rules.periods import Period, parse_period
from huimin.rules.population import Population
from huimin.rules.program import Context, Criterion, Program
from huimin.rules.programs import PROGRAMS

Engine = Literal["auto", "in-memory"]


def evaluate(
    population: Population,
    period: "str | Period",
    parameters: ParameterSet | None = None,
    programs: Iterable[str] | None = None,
    *,
    details: bool = False,
    replaced: Mapping[str, Program] | None = None,
) -> dict[str, pl.DataFrame]:
    """Program name -> one row per household (or person, for person-level programs) with
    `eligible`, `amount_fen`, one boolean column per criterion and the program's outputs.
    `details=True` keeps every intermediate column (criterion values and thresholds, formula
    parts): that is what `explain` reads. `replaced` runs another definition of a program
    under its name (a simulated reform of its criteria or benefit)."""
    period = parse_period(period)
    context = Context(
        view=population.view(period),
        params=population.bind(parameters or load_parameters(), period),
    )
    return evaluate_in(context, programs, details=details, replaced=replaced)


def evaluate_in(
    context: Context,
    programs: Iterable[str] | None = None,
    *,
    details: bool = False,
    replaced: Mapping[str, Program] | None = None,
) -> dict[str, pl.DataFrame]:
    """`evaluate` in a context the caller keeps (explain reads its compiled criteria)."""
    wanted = list(PROGRAMS) if programs is None else list(programs)
    optimizations, engine = _execution(context.view.population)
    for wave in _waves(_with_dependencies(wanted)):
        # a context's results are those of its month and parameters: a program already
        # evaluated in it (a dependency of an earlier call) is not evaluated again
        wave = [name for name in wave if name not in context.results]
        # programs of a wave are independent: Polars runs their queries in parallel
        queries = []
        for name in wave:
            program = (replaced or {}).get(name) or PROGRAMS[name]
            query, keep = program_query(program, context)
            # selecting before collecting lets Polars skip what only explain reads
            queries.append(query if details else query.select(keep))
        frames = pl.collect_all(queries, optimizations=optimizations, engine=engine)
        context.results.update(zip(wave, frames, strict=True))
    return {name: context.results[name] for name in wanted}


def _execution(population: Population) -> tuple[pl.QueryOptFlags, Engine]:
    # On a few rows the fixed cost per query dominates: the optimizer costs more than it saves,
    # and the streaming engine (Polars' default) spends about twice as long as the in-memory one
    # setting up its pipeline. Neither choice changes results.
    if population.n_persons < _OPTIMIZE_FROM_PERSONS:
        return pl.QueryOptFlags.none(), "in-memory"
    return pl.QueryOptFlags(), "auto"


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
    """A program's expressions for one (parameter set, month, region) and the columns evaluate()
    keeps. `stages` are the named expressions of each `with_columns`, aliased once here."""

    criteria: list[Criterion]
    stages: tuple[tuple[pl.Expr, ...], ...]
    keep: list[str]


# Built expressions for one-region populations (explain, single-household API calls): the
# expressions depend only on the parameter values chosen and a few facts of the month (the key
# below), never on the rows, so a repeat call reuses them instead of rebuilding hundreds of
# expression nodes. Polars expressions are immutable: sharing them between queries is safe.
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
    frame = program.base(context)
    for stage in compiled.stages:
        frame = frame.with_columns(*stage)
    return frame, compiled.keep


def compile_program(program: Program, context: Context) -> Compiled:
    compiled = context.compiled.get(program.name)
    if compiled is None:
        compiled = _cached_compile(program, context)
        context.compiled[program.name] = compiled
    return compiled


def _cached_compile(program: Program, context: Context) -> Compiled:
    key = _cache_key(program, context)
    compiled = _COMPILED.get(key) if key is not None else None
    if compiled is None:
        compiled = _compile(program, context)
        if key is not None:
            _COMPILED[key] = compiled
            while len(_COMPILED) > _COMPILED_SIZE:
                _COMPILED.popitem(last=False)
    return compiled


def _compile(program: Program, context: Context) -> Compiled:
    criteria = program.criteria(context)
    measured = {f"{c.name}.value": c.value for c in criteria}
    measured |= {f"{c.name}.threshold": c.threshold for c in criteria if c.threshold is not None}
    stages = [
        *program.derive(context),
        measured,
        {c.name: c.passed_expr().fill_null(False) for c in criteria},
        *program.benefit(context),
    ]
    keep = [*program.id_columns, *(c.name for c in criteria), "eligible", "amount_fen"]
    return Compiled(
        criteria=criteria,
        stages=tuple(tuple(expr.alias(name) for name, expr in stage.items()) for stage in stages),
        keep=[*keep, *(c for c in program.outputs if c not in keep)],
    )


def _cache_key(program: Program, context: Context) -> tuple[Any, ...] | None:
    params, view = context.params, context.view
    if params.region is None:
        return None  # many regions: building expressions is negligible next to the data
    if PROGRAMS.get(program.name) is not program:
        return None  # a reformed definition: never confused with the shipped one
    params.read.update(program.parameters)  # the key resolves every declared parameter
    return (
        program.name,
        params.parameters.token,
        view.period.label,
        params.region.sources(program.parameters),
        program.shape(context) if program.shape is not None else (),
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
