"""Reform modules replace a benefit expression or add a criterion, built from the shipped rules."""

import numpy as np

from huimin.simulation.run import simulate
from tests.rules.pinned import pinned_parameters
from tests.simulation.helpers import scenario, source_of

POOR = {
    "region_code": "532901001001",
    "residence_type": "urban",
    "financial_assets_fen": 0,
    "home_count": 1,
    "members": [
        {"birth_date": "1980-01-01", "incomes": [{"income_type": "wages", "monthly_fen": 0}]}
    ],
}


def household(household_id: int, **changes: object) -> dict:
    return dict(POOR, household_id=household_id, **changes)


def test_it_raises_small_payments_to_the_floor() -> None:
    # one person with an income just under the standard gets a little; the floor lifts it
    pinned = pinned_parameters().resolve("dibao.standard.urban", "532901001001", "2026-03").value
    near = household(
        1,
        members=[
            {
                "birth_date": "1980-01-01",
                "incomes": [{"income_type": "wages", "monthly_fen": pinned - 100}],
            }
        ],
    )
    result = simulate(
        scenario(
            programs=["dibao"],
            reform={"module": {"name": "dibao_minimum_payment", "options": {"floor_fen": 5000}}},
        ),
        source_of([near, household(2)]),
        baseline=pinned_parameters(),
    )
    outcomes = result.months[0].outcomes
    base, reform = outcomes["base_dibao"].to_list(), outcomes["reform_dibao"].to_list()
    assert 0 < base[0] < 5000 and reform[0] == 5000
    assert reform[1] == base[1] > 5000  # above the floor: unchanged


def test_it_adds_a_criterion_that_refuses_rich_families() -> None:
    rich = household(1, financial_assets_fen=1_000_000)  # within the per-capita limit, over the cap
    result = simulate(
        scenario(
            programs=["dibao"],
            reform={"module": {"name": "dibao_asset_cap", "options": {"cap_fen": 500_000}}},
        ),
        source_of([rich, household(2)]),
        baseline=pinned_parameters(),
    )
    outcomes = result.months[0].outcomes
    assert outcomes["base_dibao"].to_list()[0] > 0
    assert outcomes["reform_dibao"].to_list() == [0, outcomes["base_dibao"].to_list()[1]]
    dibao = next(r for r in result.figures["recipients"] if r["program"] == "dibao")
    assert dibao["lost"] == 1 and dibao["gained"] == 0


def test_it_leaves_the_shipped_program_as_it_was() -> None:
    batch = [household(1, financial_assets_fen=1_000_000)]
    simulate(
        scenario(
            programs=["dibao"],
            reform={"module": {"name": "dibao_asset_cap", "options": {"cap_fen": 1}}},
        ),
        source_of(batch),
        baseline=pinned_parameters(),
    )
    again = simulate(scenario(programs=["dibao"]), source_of(batch), baseline=pinned_parameters())
    assert np.all(again.months[0].outcomes["reform_dibao"].to_numpy() > 0)
