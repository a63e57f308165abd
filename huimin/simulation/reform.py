"""A scenario's reform turned into what the engine runs: a parameter set and replaced programs.

Parameter changes use the engine's own arithmetic (`rules.parameters.Change`: money half up to
the fen, ratios to six places). A change with neither region nor date is the engine's
`ParameterSet.with_changes` itself. A change limited to a region prefix R and/or a start date D
becomes override records: for R and every more specific region under R that has a value of its
own, and for D and every later start date of the parameter, the value in force there today,
scaled (or replaced), from that date. So inside R, from D on, every household sees the changed
value of what applied to it; outside R or before D nothing changes. A `value` set on R applies to
the whole of R, its sub-regions' own values included.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from huimin.rules import PROGRAMS
from huimin.rules.errors import ParameterNotFound, RulesError
from huimin.rules.parameters import Change, ParameterSet, scale, set_to
from huimin.rules.periods import Period
from huimin.rules.program import Program
from huimin.simulation.scenario import ParameterChange, ReformModule, _

EARLIEST = dt.date(1900, 1, 1)


def matching_names(parameters: ParameterSet, name: str) -> list[str]:
    """The parameters a change names: exactly `name`, or every `name.*` (as with_changes does)."""
    return [n for n in parameters.names() if n == name or n.startswith(name + ".")]


def check_value(parameters: ParameterSet, change: ParameterChange) -> str:
    """What is wrong with a replacement value, in the engine's words ("" when nothing)."""
    for name in matching_names(parameters, change.name):
        unit = parameters.definitions[name].unit
        value = change.value
        if unit.startswith("fen") and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            return _("%(value)s is not a whole number of fen (unit %(unit)s)") % {
                "value": repr(value),
                "unit": unit,
            }
        if unit == "flag" and not isinstance(value, bool):
            return _("%(value)s is not true or false") % {"value": repr(value)}
        try:
            parameters.with_overrides(
                [{"name": name, "start": EARLIEST, "region": "", "value": value, "source": "check"}]
            )
        except RulesError as error:
            return str(error)
    return ""


def reformed_parameters(base: ParameterSet, changes: Iterable[ParameterChange]) -> ParameterSet:
    parameters = base
    for change in changes:
        engine_change = scale(change.scale) if change.scale is not None else set_to(change.value)
        if not change.region and change.start is None:
            parameters = parameters.with_changes({change.name: engine_change})
            continue
        overrides: list[dict[str, Any]] = []
        for name in matching_names(parameters, change.name):
            overrides += _regional(parameters, name, change, engine_change)
        parameters = parameters.with_overrides(overrides)
    return parameters


def _regional(
    parameters: ParameterSet, name: str, change: ParameterChange, engine_change: Change
) -> list[dict[str, Any]]:
    region, start = change.region, change.start or EARLIEST
    records = parameters.records(name)
    regions = {region} | {r.region for r in records if r.region.startswith(region)}
    dates = sorted({start} | {r.start for r in records if r.start > start})
    overrides = []
    for code in sorted(regions):
        for day in dates:
            try:
                current = parameters.resolve_winner(name, code, Period(day.year, day.month))
            except ParameterNotFound:
                continue  # nothing in force there yet: nothing to change
            changed = engine_change.apply(current)
            overrides.append(
                {
                    "name": name,
                    "start": day,
                    "region": code,
                    "value": changed.value,
                    "source": changed.source,
                }
            )
    return overrides


def reformed_programs(module: ReformModule | None) -> dict[str, Program]:
    """The programs a reform module replaces (name -> Program); empty without a module."""
    if module is None:
        return {}
    from huimin.simulation.reforms import REFORM_MODULES

    definition = REFORM_MODULES[module.name]
    options = definition.with_defaults(module.options)
    return {definition.program: definition.apply(PROGRAMS[definition.program], options)}


def describe_changes(changes: Iterable[ParameterChange]) -> list[Mapping[str, Any]]:
    return [change.as_dict() for change in changes]
