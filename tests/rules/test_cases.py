"""Runs every hand-computed case in tests/rules/cases/*.yaml through evaluate and explain.

The expected figures were computed from the parameters pinned in tests/rules/parameters/
(tests/rules/pinned.py), never from the shipped example values an office replaces.
A case gives a household, a period (default 2026-03), optional parameter overrides, and per program
the expected eligibility, amount and failed criteria (household level), or the same per person id
(person level), optionally a few output columns, and optionally the exact list of conflicts.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from huimin.rules import evaluate, explain, frames_from_records
from tests.rules.pinned import pinned_parameters

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_PERIOD = "2026-03"


def _load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        defaults = document.get("defaults", {})
        for case in document["cases"]:
            household = {**defaults, **case["household"]}
            cases.append(pytest.param(case, household, id=f"{path.stem}:{case['id']}"))
    return cases


@pytest.mark.parametrize(("case", "household"), _load_cases())
def test_it_matches_the_hand_computed_case(case: dict, household: dict) -> None:
    period = str(case.get("period", DEFAULT_PERIOD))
    parameters = pinned_parameters(case.get("overrides", ()))
    explanation = explain(household, period, parameters)
    results = evaluate(frames_from_records([household]), period, parameters)
    for program, expected in case["expect"].items():
        if "persons" in expected:
            for person_id, person_expected in expected["persons"].items():
                entry = explanation.for_program(program, person_id)
                _check(program, entry, person_expected)
                row = results[program].filter(person_id=person_id).row(0, named=True)
                assert (row["eligible"], row["amount_fen"]) == (entry.eligible, entry.amount_fen)
        else:
            entry = explanation.for_program(program)
            _check(program, entry, expected)
            row = results[program].row(0, named=True)
            assert (row["eligible"], row["amount_fen"]) == (entry.eligible, entry.amount_fen)
    if "conflicts" in case:
        found = sorted([c.person_id, *c.programs] for c in explanation.conflicts)
        assert found == sorted(case["conflicts"])


def _check(program: str, entry: Any, expected: dict) -> None:
    got = {"eligible": entry.eligible, "amount_fen": entry.amount_fen, "failed": entry.failed}
    want = {k: expected[k] for k in ("eligible", "amount_fen", "failed")}
    assert got == want, f"{program}: {entry.computation_en}"
    for name, value in expected.get("outputs", {}).items():
        assert entry.outputs[name] == value, f"{program}.{name}"
