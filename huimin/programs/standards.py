"""The local standards as an administrator reads them: each parameter's name, unit and the value
in force for a region and month, with where that value comes from."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from huimin.programs.parameters import live_parameters
from huimin.rules.errors import ParameterNotFound
from huimin.rules.parameters import OVERRIDE, ParameterSet
from huimin.rules.periods import parse_period
from huimin.rules.wording import is_example, parameter_value_words, parameter_words

UNIT_WORDS = {
    "fen": ("元", "yuan"),
    "fen/month": ("元/月", "yuan a month"),
    "fen/year": ("元/年", "yuan a year"),
    "fen/person": ("元/人", "yuan a person"),
    "fen/person/day": ("元/人/天", "yuan a person a day"),
    "fen/household": ("元/户", "yuan a household"),
    "fen/death": ("元/人（遇难）", "yuan a death"),
    "ratio": ("比例或倍数", "ratio or multiple"),
    "count": ("个数", "count"),
    "days": ("天", "days"),
    "months": ("个月", "months"),
    "years": ("年", "years"),
    "grade": ("等级", "grade"),
    "flag": ("是或否", "yes or no"),
    "choice": ("选项", "choice"),
    "rounding rule": ("取整方式", "rounding rule"),
}


@dataclass(frozen=True)
class InForce:
    name: str
    words: str
    unit: str
    unit_words: str
    value: Any
    value_words: str
    region: str  # the region whose value applies ("" national)
    start: dt.date
    source: str
    example: bool
    local: bool  # set in this system (an override), not shipped
    region_name: str = ""  # the region's name, where known


def unit_words(unit: str, lang: str) -> str:
    words = UNIT_WORDS.get(unit)
    return (words[0] if lang == "zh" else words[1]) if words else unit


def parameter_choices(lang: str) -> list[tuple[str, str]]:
    return [(name, f"{parameter_words(name, lang)} ({name})") for name in live_parameters().names()]


def region_names(code: str, lang: str) -> dict[str, str]:
    """The names of a region and of every region above it: where a value in force is set."""
    from huimin.core.models import Region

    prefixes = [code[:n] for n in (2, 4, 6, 9, 12) if n <= len(code)]
    return {r.code: r.name_for(lang) for r in Region.objects.filter(code__in=prefixes)}


def in_force(
    name: str,
    region: str,
    on: dt.date,
    lang: str,
    names: dict[str, str] | None = None,
    parameters: ParameterSet | None = None,
) -> InForce | None:
    """The value in force; a caller asking for many passes the parameter set and the names."""
    parameters = parameters or live_parameters()
    if name not in parameters.definitions:
        return None
    unit = parameters.definitions[name].unit
    try:
        record = parameters.resolve_winner(name, region, parse_period(on.strftime("%Y-%m")))
    except ParameterNotFound:
        return None
    return InForce(
        name=name,
        words=parameter_words(name, lang),
        unit=unit,
        unit_words=unit_words(unit, lang),
        value=record.value,
        value_words=parameter_value_words(record.value, unit, lang),
        region=record.region,
        start=record.start,
        source=record.source,
        example=is_example(record.source),
        local=record.origin == OVERRIDE,
        region_name=(names if names is not None else region_names(region, lang)).get(
            record.region, record.region
        ),
    )
