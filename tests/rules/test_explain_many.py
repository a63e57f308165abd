"""explain_many gives, for every household of a population at once, what explain gives for each."""

import random

from huimin.rules import PROGRAMS, explain, explain_many, frames_from_records
from tests.rules.pinned import pinned_parameters
from tests.rules.strategies import PERIODS
from tests.rules.test_explain_at_scale import _household

HOUSEHOLDS = 300


def test_it_explains_each_household_as_explain_does() -> None:
    rng = random.Random(20262)
    population = frames_from_records([_household(rng) for _ in range(HOUSEHOLDS)])
    parameters = pinned_parameters()
    period = PERIODS[0]
    many = explain_many(population, period, parameters, programs=list(PROGRAMS))
    by_household: dict[str, dict[int, list]] = {name: {} for name in PROGRAMS}
    for name, entries in many.items():
        for entry in entries:
            by_household[name].setdefault(entry.household_id, []).append(entry)
    for index in rng.sample(range(population.n_households), 40):
        one = explain(population, period, parameters, household_idx=index)
        for name in PROGRAMS:
            expected = one.programs[name]
            found = by_household[name].get(one.household_id, [])
            assert found == expected, (name, index)
    assert len(many["dibao"]) == population.n_households
