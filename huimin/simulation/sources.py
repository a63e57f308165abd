"""Where a simulated population comes from: the synthetic generator, a registry snapshot, a survey.

Snapshots and survey samples share one layout: a directory with `households`, `persons` and
`incomes`, each `.parquet` or `.csv`, with the columns of `huimin.rules.schema` (README). A survey
sample's households carry `weight` (how many households each stands for); a snapshot's and a
synthetic population's weight is 1. Only the columns the rules read are kept: names, identity
numbers, bank accounts, phones and addresses never enter a simulation.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from huimin.rules.population import Population
from huimin.rules.schema import (
    HOUSEHOLD_COLUMNS,
    INCOME_COLUMNS,
    OPTIONAL_HOUSEHOLD_COLUMNS,
    OPTIONAL_PERSON_COLUMNS,
    PERSON_COLUMNS,
)
from huimin.simulation.scenario import PopulationSpec

FRAMES = ("households", "persons", "incomes")
WEIGHT = "weight"


class SourceError(Exception):
    """A population file that cannot be read: the message names the file and column."""


@dataclass(frozen=True)
class Source:
    population: Population
    weights: np.ndarray  # per household, float64
    weighted: bool  # a survey sample: confidence intervals make sense
    region: str  # the region the population covers (the common prefix of its codes)


def rules_columns(households: pl.DataFrame, persons: pl.DataFrame, incomes: pl.DataFrame):  # type: ignore[no-untyped-def]
    """The frames cut to the columns the rules read (what a snapshot may hold)."""
    keep_h = [
        *HOUSEHOLD_COLUMNS,
        *(c for c in OPTIONAL_HOUSEHOLD_COLUMNS if c in households.columns),
    ]
    keep_p = [*PERSON_COLUMNS, *(c for c in OPTIONAL_PERSON_COLUMNS if c in persons.columns)]
    return (
        households.select([c for c in keep_h if c in households.columns]),
        persons.select([c for c in keep_p if c in persons.columns]),
        incomes.select([c for c in INCOME_COLUMNS if c in incomes.columns]),
    )


def load_source(spec: PopulationSpec) -> Source:
    if spec.source == "synthetic":
        return synthetic_source(spec.region, spec.persons, spec.seed)
    return file_source(Path(spec.path), weighted=spec.source == "survey", region=spec.region)


def synthetic_source(region: str, persons: int, seed: int) -> Source:
    from huimin.registry.synthetic import generate, villages_under  # no Django inside

    villages = villages_under(region)
    if not villages:
        raise SourceError(f"no shipped village lies in region {region!r}")
    made = generate(villages, persons=persons, seed=seed)
    households, persons_frame, incomes = rules_columns(made.households, made.persons, made.incomes)
    population = Population(households, persons_frame, incomes)
    return Source(population, np.ones(population.n_households), False, region)


def _read(directory: Path, name: str) -> pl.DataFrame:
    for suffix, reader in ((".parquet", pl.read_parquet), (".csv", _read_csv)):
        path = directory / f"{name}{suffix}"
        if path.exists():
            try:
                return reader(path)
            except (pl.exceptions.PolarsError, OSError) as error:
                raise SourceError(f"{path.name}: cannot be read ({error})") from None
    raise SourceError(f"{directory}: no {name}.parquet or {name}.csv")


def _read_csv(path: Path) -> pl.DataFrame:
    # codes keep their leading zeros; dates are ISO; the schema casts the rest
    return pl.read_csv(path, schema_overrides={"region_code": pl.Utf8}, try_parse_dates=True)


def file_source(directory: Path, *, weighted: bool, region: str = "") -> Source:
    frames = [_read(directory, name) for name in FRAMES]
    households, persons, incomes = frames
    weights = np.ones(households.height)
    if weighted:
        if WEIGHT not in households.columns:
            raise SourceError(f"households: a survey sample needs a {WEIGHT!r} column")
        column = households[WEIGHT].cast(pl.Float64, strict=False)
        if column.null_count() or (column < 0).any():
            raise SourceError(f"households: {WEIGHT!r} must be a number of 0 or more on every row")
        weights = column.to_numpy()
    households, persons, incomes = rules_columns(households, persons, incomes)
    if region:
        codes = households["region_code"].cast(pl.Utf8)
        if not codes.str.starts_with(region).all():
            raise SourceError(f"households: some lie outside region {region!r}")
    try:
        population = Population(households, persons, incomes)
    except Exception as error:  # noqa: BLE001 - any schema problem is the file's, said as such
        raise SourceError(f"{directory}: {error}") from None
    return Source(population, weights, weighted, region or common_prefix(population))


def common_prefix(population: Population) -> str:
    codes = population.households["region_code"].unique().to_list()
    if not codes:
        return ""
    prefix = min(codes)
    last = max(codes)
    length = 0
    while length < len(prefix) and prefix[length] == last[length]:
        length += 1
    for cut in (12, 9, 6, 4, 2, 0):
        if cut <= length:
            return prefix[:cut]
    return ""


def write_frames(
    population: Population, directory: Path, weights: np.ndarray | None = None
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    households, persons, incomes = rules_columns(
        population.households, population.persons, population.incomes
    )
    if weights is not None:
        households = households.with_columns(pl.Series(WEIGHT, weights))
    households.write_parquet(directory / "households.parquet")
    persons.write_parquet(directory / "persons.parquet")
    incomes.write_parquet(directory / "incomes.parquet")
