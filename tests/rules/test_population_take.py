"""`Population.take`: a sub-population of chosen households, renumbered, with their people and incomes."""

import numpy as np

from huimin.simulation.scenario import PopulationSpec
from huimin.simulation.sources import load_source


def test_it_keeps_the_households_in_the_order_asked_with_their_people_and_incomes() -> None:
    population = load_source(
        PopulationSpec(source="synthetic", region="5329", persons=2000, seed=4)
    ).population
    chosen = np.array([41, 3, 17, 500])
    part = population.take(chosen)
    assert part.n_households == 4
    assert part.households["household_id"].to_list() == [
        population.households["household_id"][int(i)] for i in chosen
    ]
    for new, old in enumerate(chosen):
        was = population.persons.filter(population.persons["household_idx"] == old)
        now = part.persons.filter(part.persons["household_idx"] == new)
        assert now["person_id"].to_list() == was["person_id"].to_list()
    old_person_ids = population.persons["person_id"].to_numpy()[population.income_person]
    new_person_ids = part.persons["person_id"].to_numpy()[part.income_person]
    kept = np.isin(population.income_household, chosen)
    assert sorted(new_person_ids.tolist()) == sorted(old_person_ids[kept].tolist())
    assert part.incomes.height == int(kept.sum())
