"""The parameter set the tests evaluate with, pinned in the tests' own files.

The shipped values (huimin/rules/parameters/*.yaml) are examples every office replaces, so tests
must not read them: `tests/rules/parameters/*.yaml` holds a copy of the values the expected
results were computed from. The tests' set is the shipped set with every parameter those files
name replaced wholesale (definition and all its values); a parameter they do not name falls
back to the shipped one, so a parameter added later still resolves.
"""

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from huimin.rules import load_parameters
from huimin.rules import parameters as shipped_parameters
from huimin.rules.parameters import ParameterSet

PINNED_DIR = Path(__file__).parent / "parameters"


def pinned_parameters(
    overrides: Iterable[Mapping[str, Any]] = (), *, shipped_directory: Path | None = None
) -> ParameterSet:
    """The tests' parameters (plus overrides, as `load_parameters(overrides)` takes them), over
    the shipped files the loader reads (or those of `shipped_directory`)."""
    base = _pinned(str(shipped_directory or shipped_parameters.PARAMETER_DIR))
    overrides = list(overrides)
    return base.with_overrides(overrides) if overrides else base


@cache
def _pinned(shipped_directory: str) -> ParameterSet:
    # one set per shipped directory: the engine caches resolved values by the set's token
    shipped = load_parameters(directory=Path(shipped_directory))
    pinned = load_parameters(directory=PINNED_DIR)
    definitions = {**shipped.definitions, **pinned.definitions}
    records = [
        record
        for name in definitions
        for record in (pinned if name in pinned.definitions else shipped).records(name)
    ]
    return ParameterSet(definitions, records)
