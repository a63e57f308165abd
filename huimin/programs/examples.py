"""Example parameter values still in force: shipped with no local source, to be replaced.

The administrator's home page lists them for their jurisdiction, so an office sees which of the
standards its pages and letters rest on are only illustrations.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from huimin.programs.parameters import live_parameters
from huimin.rules.errors import ParameterNotFound
from huimin.rules.parameters import ParameterRecord
from huimin.rules.periods import parse_period
from huimin.rules.wording import is_example, parameter_value_words, parameter_words


@dataclass(frozen=True)
class ExampleValue:
    name: str
    words: str
    value: str
    region: str  # the region code the value is set for ("" national)
    start: dt.date


def example_values_in_force(
    *, region_codes: list[str], on: dt.date, lang: str
) -> list[ExampleValue]:
    """Every example value that applies on `on` in one of the regions, or in a region below one
    of them: the value the rules resolve there, not one a later or more local value replaced."""
    parameters = live_parameters()
    period = parse_period(on.strftime("%Y-%m"))
    found: dict[tuple[str, str, dt.date], ParameterRecord] = {}
    for name in parameters.names():
        records = parameters.records(name)
        if not any(is_example(r.source) for r in records):
            continue
        # the places to resolve at: each jurisdiction, and each region below it a value is set for
        places = set(region_codes)
        places |= {
            r.region for r in records if any(r.region.startswith(code) for code in region_codes)
        }
        for place in places:
            try:
                record = parameters.resolve_winner(name, place, period)
            except ParameterNotFound:
                continue
            if is_example(record.source):
                found[(name, record.region, record.start)] = record
    return sorted(
        (_example(record, lang) for record in found.values()), key=lambda e: (e.name, e.region)
    )


def _example(record: ParameterRecord, lang: str) -> ExampleValue:
    value: Any = record.value
    return ExampleValue(
        name=record.name,
        words=parameter_words(record.name, lang),
        value=parameter_value_words(value, record.unit, lang),
        region=record.region,
        start=record.start,
    )
