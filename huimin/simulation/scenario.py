"""A scenario: the months, the population and the reform to compare with today's rules.

Written as YAML (`huimin simulate scenario.yaml`) or built by the page's form; both give the same
mapping, checked here into a `Scenario`. Every problem names the line of the file (when there is
one) and the parameter or key concerned, all problems at once. No Django inside: the command,
the worker, the benchmark and Dask workers read scenarios the same way.

    name: Rural standard +10%
    period: 2026-03                  # or {from: 2026-01, to: 2026-12}
    population:
      source: synthetic              # synthetic | registry | snapshot | survey
      region: "5329"
      persons: 100000
      seed: 1
    reform:
      parameters:
        - {name: dibao.standard.rural, scale: 1.10, region: "5329", from: 2026-01-01}
        - {name: dibao.topup.elderly_ratio, value: 0.4}
      module: {name: dibao_minimum_payment, options: {floor_fen: 5000}}
    metrics:
      poverty_line_fen: 60000        # per person per month
      need: poverty_line             # poverty_line | poorest_quintile
      min_cell: 10
      bootstrap: 0                   # resamples for confidence intervals (weighted samples)
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from huimin.rules.errors import RulesError
from huimin.rules.parameters import REGION_LENGTHS, ParameterSet, load_parameters
from huimin.rules.periods import Period, parse_period

SOURCES = ("synthetic", "registry", "snapshot", "survey")
NEEDS = ("poverty_line", "poorest_quintile")
MAX_MONTHS = 24
SCALABLE_UNITS = ("ratio", "count", "years", "months", "days")
MAX_SYNTHETIC_PERSONS = 20_000_000


def _(message: str) -> str:
    """The message in the reader's language where Django is set up (pages, commands, jobs);
    as written elsewhere (a Dask worker, a script)."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except ImproperlyConfigured:
        return message


class ScenarioInvalid(Exception):
    """A scenario that cannot run: `problems` are (line or None, what, message)."""

    def __init__(self, problems: list[tuple[int | None, str, str]]) -> None:
        self.problems = problems
        super().__init__(self.text())

    def text(self) -> str:
        return "; ".join(
            (_("line %(line)s: ") % {"line": line} if line else "")
            + (f"{what}: " if what else "")
            + message
            for line, what, message in self.problems
        )


@dataclass(frozen=True)
class ParameterChange:
    name: str
    scale: float | None = None
    value: Any = None
    region: str = ""
    start: dt.date | None = None  # None: every value, from the beginning

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.scale is not None:
            out["scale"] = self.scale
        else:
            out["value"] = self.value
        if self.region:
            out["region"] = self.region
        if self.start is not None:
            out["from"] = self.start.isoformat()
        return out


@dataclass(frozen=True)
class ReformModule:
    name: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PopulationSpec:
    source: str
    region: str = ""
    persons: int = 0
    seed: int = 1
    path: str = ""


@dataclass(frozen=True)
class MetricSpec:
    poverty_line_fen: int
    need: str = "poverty_line"
    min_cell: int = 10
    bootstrap: int = 0


@dataclass(frozen=True)
class Scenario:
    name: str
    periods: tuple[Period, ...]
    population: PopulationSpec
    changes: tuple[ParameterChange, ...] = ()
    module: ReformModule | None = None
    metrics: MetricSpec = field(default_factory=lambda: MetricSpec(poverty_line_fen=0))
    programs: tuple[str, ...] = ()  # empty: every program

    def as_dict(self) -> dict[str, Any]:
        """The mapping this scenario was read from (normalised): what is stored and versioned."""
        first, last = self.periods[0].label, self.periods[-1].label
        out: dict[str, Any] = {
            "name": self.name,
            "period": first if first == last else {"from": first, "to": last},
            "population": {
                k: v for k, v in vars(self.population).items() if v not in ("", 0) or k == "source"
            },
            "reform": {"parameters": [c.as_dict() for c in self.changes]},
            "metrics": dict(vars(self.metrics)),
        }
        if self.module is not None:
            out["reform"]["module"] = {
                "name": self.module.name,
                "options": dict(self.module.options),
            }
        if self.programs:
            out["programs"] = list(self.programs)
        return out


# --- reading YAML with line numbers ----------------------------------------------------------


class Located(dict):  # type: ignore[type-arg]
    """A mapping read from YAML that remembers the line of each key (1-based)."""

    lines: dict[str, int]


def load_yaml(text: str) -> Any:
    """Parse YAML into plain values; mappings are `Located`, so checks can name lines."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioInvalid(
            [
                (
                    line,
                    "",
                    _("not valid YAML (%(problem)s)")
                    % {"problem": getattr(error, "problem", error)},
                )
            ]
        ) from None
    return _plain(node) if node is not None else {}


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.lines = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out[key] = _plain(value_node)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_scenario(text: str, parameters: ParameterSet | None = None) -> Scenario:
    return check_scenario(load_yaml(text), parameters)


# --- checking --------------------------------------------------------------------------------


class _Checker:
    def __init__(self, parameters: ParameterSet) -> None:
        self.parameters = parameters
        self.problems: list[tuple[int | None, str, str]] = []

    def fail(self, where: Any, key: str | None, what: str, message: str) -> None:
        line = None
        if isinstance(where, Located) and key is not None:
            line = where.lines.get(key)
        if line is None and isinstance(where, Located) and where.lines:
            line = min(where.lines.values())
        self.problems.append((line, what, message))


def check_scenario(raw: Any, parameters: ParameterSet | None = None) -> Scenario:
    """The scenario a mapping describes, or ScenarioInvalid listing every problem."""
    check = _Checker(parameters or load_parameters())
    if not isinstance(raw, Mapping):
        raise ScenarioInvalid(
            [(None, "", _("a scenario is a mapping of name, period, population, reform"))]
        )
    known = {"name", "period", "population", "reform", "metrics", "programs"}
    for key in raw:
        if key not in known:
            check.fail(
                raw,
                key,
                key,
                _("unknown key (known: %(known)s)") % {"known": ", ".join(sorted(known))},
            )
    name = str(raw.get("name") or "").strip()
    if not name:
        check.fail(raw, "name", "name", _("a scenario needs a name"))
    periods = _periods(check, raw)
    population = _population(check, raw)
    changes, module = _reform(check, raw)
    metrics = _metrics(check, raw)
    programs = _programs(check, raw)
    if check.problems:
        raise ScenarioInvalid(check.problems)
    assert population is not None and metrics is not None  # noqa: S101 - no problems means both set
    return Scenario(
        name=name,
        periods=periods,
        population=population,
        changes=tuple(changes),
        module=module,
        metrics=metrics,
        programs=programs,
    )


def _period(check: _Checker, where: Any, key: str, value: Any) -> Period | None:
    if isinstance(value, dt.date):
        value = f"{value.year:04d}-{value.month:02d}"
    try:
        return parse_period(str(value))
    except RulesError:
        check.fail(
            where,
            key,
            "period",
            _("%(value)s is not a month written YYYY-MM") % {"value": repr(value)},
        )
        return None


def _periods(check: _Checker, raw: Mapping[str, Any]) -> tuple[Period, ...]:
    value = raw.get("period")
    if value is None:
        check.fail(raw, "period", "period", _("a scenario needs a period: a month or {from, to}"))
        return ()
    if isinstance(value, Mapping):
        first = _period(check, value, "from", value.get("from"))
        last = _period(check, value, "to", value.get("to"))
        if first is None or last is None:
            return ()
        start, end = first.year * 12 + first.month - 1, last.year * 12 + last.month - 1
        if end < start:
            check.fail(value, "to", "period", _("the last month is before the first"))
            return ()
        if end - start + 1 > MAX_MONTHS:
            check.fail(value, "to", "period", _("at most %(n)s months") % {"n": MAX_MONTHS})
            return ()
        return tuple(Period(i // 12, i % 12 + 1) for i in range(start, end + 1))
    period = _period(check, raw, "period", value)
    return (period,) if period is not None else ()


def _region(check: _Checker, where: Any, key: str, value: Any, what: str) -> str:
    region = "" if value is None else str(value)
    if len(region) not in REGION_LENGTHS or (region and not region.isdigit()):
        check.fail(
            where,
            key,
            what,
            _("region %(region)s is not a code prefix (2, 4, 6, 9 or 12 digits)")
            % {"region": repr(region)},
        )
    return region


def _population(check: _Checker, raw: Mapping[str, Any]) -> PopulationSpec | None:
    spec = raw.get("population")
    if not isinstance(spec, Mapping):
        check.fail(
            raw, "population", "population", _("a scenario needs a population: {source: ...}")
        )
        return None
    source = spec.get("source")
    if source not in SOURCES:
        check.fail(
            spec,
            "source",
            "population.source",
            _("%(value)s is not one of %(known)s")
            % {"value": repr(source), "known": ", ".join(SOURCES)},
        )
        return None
    region = _region(check, spec, "region", spec.get("region"), "population.region")
    persons, seed, path = 0, 1, str(spec.get("path") or "")
    if source == "synthetic":
        persons = _integer(check, spec, "persons", "population.persons", 1, MAX_SYNTHETIC_PERSONS)
        seed = _integer(check, spec, "seed", "population.seed", 0, 2**31, default=1)
        if not region:
            check.fail(spec, "region", "population.region", _("this population needs a region"))
    elif source == "registry":
        if not region:
            check.fail(spec, "region", "population.region", _("this population needs a region"))
    elif not path:
        check.fail(
            spec,
            "path",
            "population.path",
            _("a %(source)s population needs a path") % {"source": source},
        )
    return PopulationSpec(source=str(source), region=region, persons=persons, seed=seed, path=path)


def _integer(
    check: _Checker, where: Mapping[str, Any], key: str, what: str, low: int, high: int,
    default: int | None = None,
) -> int:  # fmt: skip
    value = where.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.fail(
            where,
            key,
            what,
            _("%(value)s is not a whole number from %(low)s to %(high)s")
            % {"value": repr(value), "low": low, "high": high},
        )
        return low
    return value


def _reform(
    check: _Checker, raw: Mapping[str, Any]
) -> tuple[list[ParameterChange], ReformModule | None]:
    reform = raw.get("reform") or {}
    if not isinstance(reform, Mapping):
        check.fail(raw, "reform", "reform", _("the reform is a mapping of parameters and module"))
        return [], None
    changes = []
    items = reform.get("parameters") or []
    if not isinstance(items, list):
        check.fail(reform, "parameters", "reform.parameters", _("a list of parameter changes"))
        items = []
    for item in items:
        change = _change(check, reform, item)
        if change is not None:
            changes.append(change)
    module = None
    spec = reform.get("module")
    if spec is not None:
        from huimin.simulation.reforms import REFORM_MODULES  # the catalogue imports rules only

        name = spec.get("name") if isinstance(spec, Mapping) else spec
        if name not in REFORM_MODULES:
            check.fail(
                spec if isinstance(spec, Mapping) else reform,
                "name" if isinstance(spec, Mapping) else "module",
                "reform.module",
                _("%(value)s is not a reform module (known: %(known)s)")
                % {"value": repr(name), "known": ", ".join(sorted(REFORM_MODULES))},
            )
        else:
            options = spec.get("options") or {} if isinstance(spec, Mapping) else {}
            try:
                REFORM_MODULES[name].check(options)
            except ValueError as error:
                check.fail(spec, "options", f"reform.module {name}", str(error))
            module = ReformModule(name=str(name), options=dict(options))
    return changes, module


def _change(check: _Checker, reform: Any, item: Any) -> ParameterChange | None:
    if not isinstance(item, Mapping):
        check.fail(
            reform,
            "parameters",
            "reform.parameters",
            _("%(value)s is not {name, scale or value}") % {"value": repr(item)},
        )
        return None
    name = item.get("name")
    known = {"name", "scale", "value", "region", "from"}
    for key in item:
        if key not in known:
            check.fail(
                item,
                key,
                str(name or key),
                _("unknown key %(key)s (known: %(known)s)")
                % {"key": repr(key), "known": ", ".join(sorted(known))},
            )
    from huimin.simulation.reform import matching_names

    names = matching_names(check.parameters, name) if isinstance(name, str) else []
    if not isinstance(name, str) or not names:
        check.fail(item, "name", str(name), _("no parameter of that name"))
        return None
    units = {check.parameters.definitions[n].unit for n in names}
    has_scale, has_value = "scale" in item, "value" in item
    if has_scale == has_value:
        check.fail(item, "name", name, _("give either scale (a factor) or value (the new value)"))
        return None
    factor = None
    if has_scale:
        factor = item["scale"]
        if isinstance(factor, bool) or not isinstance(factor, int | float) or factor < 0:
            check.fail(
                item,
                "scale",
                name,
                _("scale %(value)s is not a factor of 0 or more") % {"value": repr(factor)},
            )
            return None
        for unit in sorted(units):
            if not (unit.startswith("fen") or unit in SCALABLE_UNITS):
                check.fail(
                    item,
                    "scale",
                    name,
                    _("a parameter in %(unit)s cannot be scaled: give value")
                    % {"unit": repr(unit)},
                )
                return None
    region = _region(check, item, "region", item.get("region"), name)
    start = None
    if item.get("from") is not None:
        raw_start = item["from"]
        if isinstance(raw_start, dt.date):
            start = raw_start
        else:
            try:
                start = dt.date.fromisoformat(str(raw_start))
            except ValueError:
                check.fail(
                    item,
                    "from",
                    name,
                    _("from %(value)s is not a date YYYY-MM-DD") % {"value": repr(raw_start)},
                )
                return None
    change = ParameterChange(
        name=name, scale=float(factor) if factor is not None else None,
        value=item.get("value"), region=region, start=start,
    )  # fmt: skip
    if has_value:
        from huimin.simulation.reform import check_value  # the engine's own check of a value

        problem = check_value(check.parameters, change)
        if problem:
            check.fail(item, "value", name, problem)
            return None
    return change


def _metrics(check: _Checker, raw: Mapping[str, Any]) -> MetricSpec | None:
    spec = raw.get("metrics")
    if not isinstance(spec, Mapping):
        check.fail(
            raw, "metrics", "metrics", _("a scenario needs metrics: {poverty_line_fen: ...}")
        )
        return None
    line = _integer(check, spec, "poverty_line_fen", "metrics.poverty_line_fen", 1, 10**9)
    need = spec.get("need", "poverty_line")
    if need not in NEEDS:
        check.fail(
            spec,
            "need",
            "metrics.need",
            _("%(value)s is not one of %(known)s")
            % {"value": repr(need), "known": ", ".join(NEEDS)},
        )
    min_cell = _integer(check, spec, "min_cell", "metrics.min_cell", 1, 10_000, default=10)
    bootstrap = _integer(check, spec, "bootstrap", "metrics.bootstrap", 0, 2000, default=0)
    return MetricSpec(poverty_line_fen=line, need=str(need), min_cell=min_cell, bootstrap=bootstrap)


def _programs(check: _Checker, raw: Mapping[str, Any]) -> tuple[str, ...]:
    from huimin.rules import PROGRAMS

    names = raw.get("programs") or []
    if not isinstance(names, list):
        check.fail(raw, "programs", "programs", _("a list of program names"))
        return ()
    for name in names:
        if name not in PROGRAMS:
            check.fail(
                raw,
                "programs",
                str(name),
                _("not a program (known: %(known)s)") % {"known": ", ".join(PROGRAMS)},
            )
    return tuple(str(n) for n in names if n in PROGRAMS)
