"""Parameters as data: dated, per region, each value with its unit and source.

The shipped values live in `parameters/<program>.yaml`, one mapping per parameter:

    dibao.standard.urban:
      unit: fen/month
      description: Urban dibao standard per person per month
      values:
        - {start: 2020-01-01, region: "53", value: 64000, source: "..."}

A region is a code prefix: "" national, "53" Yunnan, "5329" Dali, "532901" a county, then the
9-digit township and 12-digit village codes. Overrides (from the `programs` app's database) are
records of the same shape plus `name`: {name, start, region, value, source[, unit]}.

Resolution for a household's 12-digit region code and a period:
1. only values whose start date is on or before the last day of the period compete;
2. the most specific region prefix of the household's code that has such a value wins;
3. within that region the latest start date wins; for equal dates an override beats the shipped
   file, and a later override beats an earlier one.
Nothing found is `ParameterNotFound`, naming the parameter, region and period.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from huimin.rules.errors import ParameterError, ParameterNotFound, UnknownParameter
from huimin.rules.periods import Period, parse_period

PARAMETER_DIR = Path(__file__).parent / "parameters"
REGION_LENGTHS = (0, 2, 4, 6, 9, 12)
SHIPPED = "shipped"
OVERRIDE = "override"

# Ratios are held to six decimal places, so rules compute shares in exact integers
# (rules.program.share_of); a reform that scales a ratio rounds it half up to six places.
RATIO_UNIT = "ratio"
RATIO_PLACES = 6
RATIO_QUANTUM = Decimal(1).scaleb(-RATIO_PLACES)
TIERS_UNIT_PREFIX = "list of [income below this share"

_tokens = itertools.count(1)


@dataclass(frozen=True, slots=True)
class ParameterRecord:
    name: str
    start: dt.date
    region: str
    value: Any
    unit: str
    source: str
    origin: str = SHIPPED  # "shipped" (a YAML file) or "override" (the database)
    order: int = 0  # position among overrides: a later one wins a tie


@dataclass(frozen=True, slots=True)
class ParameterDefinition:
    name: str
    unit: str
    description: str
    file: str


@dataclass(frozen=True, slots=True)
class Change:
    """A reform applied to every value of the parameters it names: scale or replace."""

    factor: float | None = None
    value: Any = None

    def apply(self, record: ParameterRecord) -> ParameterRecord:
        if self.factor is None:
            return replace(record, value=self.value, source=f"reform: set to {self.value!r}")
        if not isinstance(record.value, int | float) or isinstance(record.value, bool):
            raise ParameterError(f"cannot scale non-numeric parameter {record.name!r}")
        # in decimals, as written: a float product would make 45 fen x 0.7 = 31.499999999999996
        scaled = Decimal(str(record.value)) * Decimal(str(self.factor))
        value: int | float
        if record.unit.startswith("fen"):
            value = int(scaled.to_integral_value(ROUND_HALF_UP))  # money stays whole fen
        elif record.unit == RATIO_UNIT:
            value = float(scaled.quantize(RATIO_QUANTUM, ROUND_HALF_UP))
        else:
            value = record.value * self.factor
        return replace(record, value=value, source=f"reform: x {self.factor} of {record.source}")


def scale(factor: float) -> Change:
    return Change(factor=factor)


def set_to(value: Any) -> Change:
    return Change(value=value)


class ParameterSet:
    """An immutable set of parameter values; reforms and overrides make new sets."""

    def __init__(
        self,
        definitions: Mapping[str, ParameterDefinition],
        records: Iterable[ParameterRecord],
    ) -> None:
        self.definitions = dict(definitions)
        by_name: dict[str, list[ParameterRecord]] = {name: [] for name in self.definitions}
        for record in records:
            by_name[record.name].append(record)
        self._records = {name: tuple(values) for name, values in by_name.items()}
        # A token rather than id(): caches keyed on it never confuse a freed set with a new one.
        self.token = next(_tokens)
        self._winners: dict[tuple[str, str], dict[str, ParameterRecord]] = {}

    def names(self) -> list[str]:
        return sorted(self.definitions)

    def records(self, name: str) -> tuple[ParameterRecord, ...]:
        self._check_name(name)
        return self._records[name]

    def resolve(
        self,
        name: str,
        region_code: str,
        period: "str | Period",
        overrides: Iterable[Mapping[str, Any]] = (),
    ) -> ParameterRecord:
        """The record that applies to `region_code` in `period` (see the module docstring)."""
        parameters = self.with_overrides(overrides) if overrides else self
        return parameters.resolve_winner(name, region_code, parse_period(period))

    def resolve_winner(self, name: str, region_code: str, period: Period) -> ParameterRecord:
        winners = self.winners(name, period)
        for length in (12, 9, 6, 4, 2, 0):
            record = winners.get(region_code[:length])
            if record is not None and len(region_code) >= length:
                return record
        raise ParameterNotFound(name, region_code, period.label)

    def winners(self, name: str, period: Period) -> dict[str, ParameterRecord]:
        """For each region prefix with a value in force, the value that wins there."""
        key = (name, period.label)
        cached = self._winners.get(key)
        if cached is None:
            cached = {}
            for record in self.records(name):
                if record.start > period.end:
                    continue
                best = cached.get(record.region)
                if best is None or _rank(record) > _rank(best):
                    cached[record.region] = record
            self._winners[key] = cached
        return cached

    def with_overrides(self, overrides: Iterable[Mapping[str, Any]]) -> "ParameterSet":
        existing = sum(1 for r in self._all() if r.origin == OVERRIDE)
        added = [_override_record(self, raw, order=existing + i) for i, raw in enumerate(overrides)]
        return ParameterSet(self.definitions, [*self._all(), *added])

    def with_changes(self, changes: Mapping[str, "Change | float"]) -> "ParameterSet":
        """A reform: {"dibao.standard": scale(1.10)} scales every value of every parameter whose
        name is "dibao.standard" or starts with "dibao.standard."; a bare number means scale."""
        resolved = {key: _as_change(change) for key, change in changes.items()}
        for key in resolved:
            if not any(_matches(name, key) for name in self.definitions):
                raise UnknownParameter(key)
        records = []
        for record in self._all():
            for key, change in resolved.items():
                if _matches(record.name, key):
                    record = change.apply(record)
            records.append(record)
        return ParameterSet(self.definitions, records)

    def _all(self) -> list[ParameterRecord]:
        return [record for values in self._records.values() for record in values]

    def _check_name(self, name: str) -> None:
        if name not in self.definitions:
            raise UnknownParameter(name)


def _rank(record: ParameterRecord) -> tuple[dt.date, int, int]:
    return (record.start, record.origin == OVERRIDE, record.order)


def _matches(name: str, key: str) -> bool:
    return name == key or name.startswith(key + ".")


def _as_change(change: "Change | float") -> Change:
    return change if isinstance(change, Change) else scale(float(change))


def load_parameters(
    overrides: Iterable[Mapping[str, Any]] = (), directory: Path | None = None
) -> ParameterSet:
    """The shipped parameters, plus database overrides if given."""
    base = _load_shipped(str(directory or PARAMETER_DIR))
    return base.with_overrides(overrides) if overrides else base


@lru_cache(maxsize=4)
def _load_shipped(directory: str) -> ParameterSet:
    definitions: dict[str, ParameterDefinition] = {}
    records: list[ParameterRecord] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, body in document.items():
            if name in definitions:
                raise ParameterError(f"parameter {name!r} defined twice ({path.name})")
            definition = _definition(name, body, path.name)
            definitions[name] = definition
            for raw in body["values"]:
                records.append(_record(definition, raw, SHIPPED, 0, where=path.name))
    return ParameterSet(definitions, records)


def _definition(name: str, body: Any, file: str) -> ParameterDefinition:
    if not isinstance(body, dict) or "unit" not in body or not body.get("values"):
        raise ParameterError(f"{file}: parameter {name!r} needs a unit and values")
    return ParameterDefinition(name, str(body["unit"]), str(body.get("description", "")), file)


def _override_record(parameters: ParameterSet, raw: Mapping[str, Any], order: int):
    name = raw.get("name")
    if not isinstance(name, str):
        raise ParameterError(f"override {dict(raw)!r} has no parameter name")
    if name not in parameters.definitions:
        raise UnknownParameter(name)
    definition = parameters.definitions[name]
    unit = raw.get("unit", definition.unit)
    if unit != definition.unit:
        raise ParameterError(f"override of {name!r} has unit {unit!r}, not {definition.unit!r}")
    return _record(definition, raw, OVERRIDE, order, where="override")


def _record(
    definition: ParameterDefinition, raw: Mapping[str, Any], origin: str, order: int, where: str
) -> ParameterRecord:
    name = definition.name
    missing = [key for key in ("start", "region", "value", "source") if key not in raw]
    if missing:
        raise ParameterError(f"{where}: a value of {name!r} lacks {', '.join(missing)}")
    region = str(raw["region"])
    if len(region) not in REGION_LENGTHS or (region and not region.isdigit()):
        raise ParameterError(f"{where}: {name!r} has region {region!r}, not a code prefix")
    if definition.unit == RATIO_UNIT or definition.unit.startswith(TIERS_UNIT_PREFIX):
        check_ratios(raw["value"], name=name, where=where)
    return ParameterRecord(
        name=name,
        start=_as_date(raw["start"], name, where),
        region=region,
        value=raw["value"],
        unit=definition.unit,
        source=str(raw["source"]),
        origin=origin,
        order=order,
    )


def check_ratios(value: Any, *, name: str, where: str) -> None:
    """A ratio, or a list (of lists) of ratios: numbers of at most six decimal places."""
    if isinstance(value, list | tuple):
        for item in value:
            check_ratios(item, name=name, where=where)
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{where}: {name!r} has {value!r}, not a number")
    exponent = Decimal(str(value)).as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -RATIO_PLACES:
        raise ParameterError(
            f"{where}: {name!r} has {value!r}: a ratio has at most six decimal places"
        )


def _as_date(value: Any, name: str, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"{where}: {name!r} has start {value!r}, not a date") from None


def resolve(
    parameters: ParameterSet,
    name: str,
    region_code: str,
    period: "str | Period",
    overrides: Iterable[Mapping[str, Any]] = (),
) -> ParameterRecord:
    return parameters.resolve(name, region_code, period, overrides)


def choose_for_regions(
    parameters: ParameterSet,
    name: str,
    period: Period,
    regions: Sequence[str],
    prefix_lookup: Callable[[int, dict[str, int]], np.ndarray] | None = None,
) -> tuple[list[ParameterRecord], np.ndarray]:
    """Resolve a parameter for many regions at once: the distinct winning records and, per
    region, the index of its record. Work is per distinct region code, never per household.

    `prefix_lookup(length, {prefix: index})` maps every region's prefix of that length to an
    index (or -1); the population supplies a vectorized one for long region lists."""
    winners = parameters.winners(name, period)
    records = list(winners.values())
    index_of = {record.region: i for i, record in enumerate(records)}
    choice = np.full(len(regions), -1, dtype=np.int32)
    for length in sorted({len(prefix) for prefix in index_of}, reverse=True):
        prefixes = {p: i for p, i in index_of.items() if len(p) == length}
        if prefix_lookup is not None:
            found = prefix_lookup(length, prefixes)
        else:
            found = np.array([prefixes.get(code[:length], -1) for code in regions], np.int32)
        choice = np.where(choice >= 0, choice, found)
    unresolved = np.flatnonzero(choice < 0)
    if unresolved.size:
        raise ParameterNotFound(name, regions[int(unresolved[0])], period.label)
    return records, choice
