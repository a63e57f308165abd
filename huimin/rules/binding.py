"""Parameters bound to one population and one month: what the program expressions read.

A parameter is resolved once per distinct region code of the population (thousands at most),
then spread to households and persons through their `region_idx` column: a gather, not a join.
A parameter with one value across the population becomes a literal.
"""

from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from huimin.rules.parameters import ParameterRecord, ParameterSet, choose_for_regions
from huimin.rules.periods import Period
from huimin.rules.schema import INCOME_TYPES

if TYPE_CHECKING:
    from huimin.rules.population import Population


_ONE_REGION = np.zeros(1, dtype=np.int32)


class RegionRecords:
    """The records in force in one region and month, each resolved on first use. Shared by every
    one-region population of that region (`region_records`): explaining households of one
    village one after another resolves each parameter once."""

    def __init__(self, parameters: ParameterSet, period: Period, region_code: str) -> None:
        self.parameters = parameters
        self.period = period
        self.region_code = region_code
        self._records: dict[str, ParameterRecord] = {}
        self._sources: dict[tuple[str, ...], tuple[str, ...]] = {}

    def get(self, name: str) -> ParameterRecord:
        record = self._records.get(name)
        if record is None:
            record = self.parameters.resolve_winner(name, self.region_code, self.period)
            self._records[name] = record
        return record

    def sources(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The region prefix each value comes from: within one parameter set and month, these
        name the values (the engine's key for built expressions)."""
        found = self._sources.get(names)
        if found is None:
            found = self._sources[names] = tuple(self.get(name).region for name in names)
        return found


# A parameter set is immutable and its token never reused, so a resolved record stays right.
_REGIONS: OrderedDict[tuple[int, str, str], RegionRecords] = OrderedDict()
_REGIONS_SIZE = 256


def region_records(parameters: ParameterSet, period: Period, region_code: str) -> RegionRecords:
    key = (parameters.token, period.label, region_code)
    found = _REGIONS.get(key)
    if found is None:
        found = _REGIONS[key] = RegionRecords(parameters, period, region_code)
        while len(_REGIONS) > _REGIONS_SIZE:
            _REGIONS.popitem(last=False)
    return found


class BoundParameters:
    def __init__(self, parameters: ParameterSet, period: Period, population: "Population"):
        self.parameters = parameters
        self.period = period
        self.population = population
        self._choices: dict[str, tuple[list[ParameterRecord], np.ndarray]] = {}
        self.read: set[str] = set()  # names resolved so far: tests check programs declare them
        # one household's region (explain, the API): records straight from the region's memo,
        # without the vectorized machinery
        self.region: RegionRecords | None = None
        if len(population.regions) == 1:
            self.region = region_records(parameters, period, population.regions[0])

    def choice(self, name: str) -> tuple[list[ParameterRecord], np.ndarray]:
        """The records in force somewhere in the population, and per region which one."""
        self.read.add(name)
        found = self._choices.get(name)
        if found is None and self.region is not None:
            found = ([self.region.get(name)], _ONE_REGION)
            self._choices[name] = found
        elif found is None:
            regions = self.population.regions
            records, choice = choose_for_regions(
                self.parameters, name, self.period, regions, self.population.prefix_lookup
            )
            used, compact = np.unique(choice, return_inverse=True)
            found = ([records[i] for i in used], compact.astype(np.int32))
            self._choices[name] = found
        return found

    def record(self, name: str, region_idx: int) -> ParameterRecord:
        if self.region is not None:  # the one region's record, without building a choice
            self.read.add(name)
            return self.region.get(name)
        records, choice = self.choice(name)
        return records[int(choice[region_idx])]

    def per_region(self, name: str) -> list[Any]:
        records, choice = self.choice(name)
        return [records[i].value for i in choice]

    def expr(self, name: str) -> pl.Expr:
        """A numeric parameter as an expression over frames that carry `region_idx`."""
        records, choice = self.choice(name)
        if len(records) == 1:
            return _literal(records[0].value)
        values = [records[i].value for i in choice]
        dtype = pl.Float64 if any(isinstance(v, float) for v in values) else pl.Int64
        return pl.lit(pl.Series(values, dtype=dtype)).gather(pl.col("region_idx"))

    def select(self, name: str, build: Callable[[Any], pl.Expr]) -> pl.Expr:
        """An expression that depends on a structured value (a list, a choice): built once per
        distinct value in force, then chosen per region."""
        records, choice = self.choice(name)
        if len(records) == 1:
            return build(records[0].value)
        which = pl.lit(pl.Series(choice, dtype=pl.Int32)).gather(pl.col("region_idx"))
        chain: Any = pl.when(which == 0).then(build(records[0].value))
        for index, record in enumerate(records[1:-1], start=1):
            chain = chain.when(which == index).then(build(record.value))
        return chain.otherwise(build(records[-1].value))

    def type_mask(self, name: str) -> np.ndarray:
        """A list-of-income-types parameter as a [region, income type] boolean table."""
        records, choice = self.choice(name)
        rows = np.array([_income_types_row(tuple(r.value)) for r in records], dtype=bool)
        return rows[choice]

    def type_months(self, counted: str, months: str | None = None) -> np.ndarray:
        """A [region, income type] table of income reading windows (see `PeriodView`): -1 for
        a type not in the `counted` list, else the months the `months` parameter (a mapping
        income type -> months) gives it; without `months`, 0 (the month itself)."""
        mask = self.type_mask(counted)
        if months is None:
            return np.where(mask, 0, -1).astype(np.int32)
        records, choice = self.choice(months)
        rows = np.array([_months_row(tuple(sorted(r.value.items()))) for r in records])
        return np.where(mask, rows[choice], -1).astype(np.int32)

    def person_values(self, name: str) -> np.ndarray:
        """A numeric parameter per person (for numpy pre-aggregation)."""
        regions = np.asarray(self.per_region(name))
        return regions[self.population.persons["region_idx"].to_numpy()]


@lru_cache(maxsize=64)
def _income_types_row(counted: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(income_type in counted for income_type in INCOME_TYPES)


@lru_cache(maxsize=64)
def _months_row(months: tuple[tuple[str, int], ...]) -> tuple[int, ...]:
    found = dict(months)
    return tuple(int(found.get(income_type, 0)) for income_type in INCOME_TYPES)


def _literal(value: Any) -> pl.Expr:
    if isinstance(value, bool):
        return pl.lit(value, dtype=pl.Boolean)
    if isinstance(value, int):
        return pl.lit(value, dtype=pl.Int64)
    if isinstance(value, float):
        return pl.lit(value, dtype=pl.Float64)
    return pl.lit(value)
