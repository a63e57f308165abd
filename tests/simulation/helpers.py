"""Small scenarios and populations for the simulation tests."""

from typing import Any

import numpy as np

from huimin.rules import frames_from_records
from huimin.simulation.scenario import check_scenario
from huimin.simulation.sources import Source
from tests.rules.pinned import pinned_parameters


def scenario(**overrides: Any):  # type: ignore[no-untyped-def]
    raw: dict[str, Any] = {
        "name": "test",
        "period": "2026-03",
        "population": {"source": "synthetic", "region": "5329", "persons": 100},
        "reform": {"parameters": []},
        "metrics": {"poverty_line_fen": 60000},
    }
    raw.update(overrides)
    return check_scenario(raw, pinned_parameters())


def source_of(batch: list[dict[str, Any]], weights: Any = None) -> Source:
    population = frames_from_records(batch)
    w = np.ones(population.n_households) if weights is None else np.asarray(weights, float)
    return Source(population, w, weights is not None, "53")
