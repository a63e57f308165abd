"""Which programs a person may hold together: rules as data (`holding.yaml`), checked per person.

A person "holds" a person-level program when eligible for it, and a household-level program when
their household is eligible and they are covered: every member, except that single-person dibao
covers only the adult it was granted for.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import yaml

if TYPE_CHECKING:
    from huimin.rules.binding import BoundParameters
    from huimin.rules.view import PeriodView

HOLDING_FILE = Path(__file__).parent / "holding.yaml"


@dataclass(frozen=True)
class HoldingRule:
    programs: tuple[str, str]
    source: str
    zh: str
    en: str


@dataclass(frozen=True)
class Conflict:
    person_id: int
    programs: tuple[str, str]
    source: str
    zh: str
    en: str


@lru_cache(maxsize=1)
def holding_rules() -> dict[str, tuple[HoldingRule, ...]]:
    document = yaml.safe_load(HOLDING_FILE.read_text(encoding="utf-8"))
    return {
        kind: tuple(
            HoldingRule(tuple(rule["programs"]), rule["source"], rule["zh"], rule["en"])  # type: ignore[arg-type]
            for rule in document.get(kind, [])
        )
        for kind in ("exclusive", "combinable")
    }


def may_hold_together(first: str, second: str) -> bool:
    return not any({first, second} == set(r.programs) for r in holding_rules()["exclusive"])


def held_by_person(
    view: "PeriodView", results: Mapping[str, pl.DataFrame], params: "BoundParameters"
) -> dict[str, np.ndarray]:
    """Program name -> for each person of the view, whether they hold it (`params`: the
    parameters the results were evaluated with, which say who may be covered alone)."""
    from huimin.rules.program import Context
    from huimin.rules.programs.dibao import person_flags

    households = view.population.person_household
    held = {}
    for name, frame in results.items():
        if "person_idx" in frame.columns:
            mask = np.zeros(view.population.n_persons, dtype=bool)
            mask[frame["person_idx"].to_numpy()] = frame["eligible"].to_numpy()
        else:
            mask = frame["eligible"].to_numpy()[households] & view.member
            if "coverage" in frame.columns:  # single-person dibao covers only its adult
                single = frame["coverage"].to_numpy()[households] == "single_person"
                alone = person_flags(Context(view=view, params=params))["single_candidate"]
                mask &= ~single | alone
        held[name] = mask
    return held


def _breaches(
    view: "PeriodView", results: Mapping[str, pl.DataFrame], params: "BoundParameters"
) -> Iterator[tuple[HoldingRule, np.ndarray]]:
    """Each exclusive rule whose two programs were evaluated, with the persons (rows of the
    view) who would hold both."""
    held = held_by_person(view, results, params)
    for rule in holding_rules()["exclusive"]:
        first, second = rule.programs
        if first in held and second in held:
            yield rule, np.flatnonzero(held[first] & held[second])


def find_conflicts(
    view: "PeriodView", results: Mapping[str, pl.DataFrame], params: "BoundParameters"
) -> pl.DataFrame:
    """One row per person and exclusive pair of programs that person would hold together."""
    person_ids = view.persons["person_id"].to_numpy()
    household_ids = view.persons["household_id"].to_numpy()
    parts = []
    for rule, both in _breaches(view, results, params):
        first, second = rule.programs
        parts.append(
            pl.DataFrame(
                {
                    "person_id": person_ids[both],
                    "household_id": household_ids[both],
                    "program_a": [first] * both.size,
                    "program_b": [second] * both.size,
                    "source": [rule.source] * both.size,
                },
                schema=_CONFLICT_SCHEMA,
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=_CONFLICT_SCHEMA)


def conflicts(
    view: "PeriodView", results: Mapping[str, pl.DataFrame], params: "BoundParameters"
) -> list[Conflict]:
    """The rows of `find_conflicts` as `Conflict`s, without building the frame (explain)."""
    person_ids = view.persons["person_id"].to_numpy()
    return [
        Conflict(int(person_ids[row]), rule.programs, rule.source, rule.zh, rule.en)
        for rule, both in _breaches(view, results, params)
        for row in both
    ]


_CONFLICT_SCHEMA: dict[str, Any] = {
    "person_id": pl.Int64,
    "household_id": pl.Int64,
    "program_a": pl.Utf8,
    "program_b": pl.Utf8,
    "source": pl.Utf8,
}
