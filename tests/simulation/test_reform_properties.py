"""Properties of every simulation: nothing changed means nothing changes; a higher standard
never lowers anyone's dibao."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huimin.rules import evaluate
from huimin.simulation.run import simulate
from tests.rules.pinned import pinned_parameters
from tests.rules.strategies import PERIODS, batches
from tests.simulation.helpers import scenario, source_of

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(
    batch=batches(max_size=15),
    period=st.sampled_from(PERIODS),
    region=st.sampled_from(["", "5329", "532901"]),
)
def test_it_equals_the_baseline_when_the_reform_changes_nothing(batch, period, region) -> None:  # type: ignore[no-untyped-def]
    change = {"name": "dibao.standard", "scale": 1.0}
    if region:
        change |= {"region": region, "from": "2020-01-01"}
    result = simulate(
        scenario(period=period, reform={"parameters": [change]}),
        source_of(batch),
        baseline=pinned_parameters(),
    )
    outcomes = result.months[0].outcomes
    assert (outcomes["base_fen"] == outcomes["reform_fen"]).all()
    cost = result.figures["cost"]["monthly"]
    assert cost["change_fen"] == 0
    assert all(row["gained"] == 0 and row["lost"] == 0 for row in result.figures["recipients"])
    poverty = result.figures["poverty"]
    assert poverty["baseline"] == poverty["reform"]


@SLOW
@given(batch=batches(max_size=15), period=st.sampled_from(PERIODS), factor=st.floats(1.0, 1.8))
def test_it_never_lowers_anyones_dibao_when_a_standard_rises(batch, period, factor) -> None:  # type: ignore[no-untyped-def]
    source = source_of(batch)
    result = simulate(
        scenario(
            period=period,
            programs=["dibao"],
            reform={"parameters": [{"name": "dibao.standard", "scale": factor}]},
        ),
        source,
        baseline=pinned_parameters(),
    )
    outcomes = result.months[0].outcomes
    # a family whose members were covered alone may become eligible as a whole, and a family
    # is then covered as a family (MCA 2021 art. 8), sometimes for less: see the next test
    coverage = evaluate(source.population, period, pinned_parameters(), ["dibao"])["dibao"]
    whole = coverage["coverage"].to_numpy() != "single_person"
    before = outcomes["base_dibao"].to_numpy()[whole]
    assert np.all(outcomes["reform_dibao"].to_numpy()[whole] >= before)
    assert all(row["lost"] == 0 for row in result.figures["recipients"])


def test_it_shows_the_family_that_loses_when_covered_as_a_whole() -> None:
    # four members, 2,320 yuan of wages, standard 580: the family is not below the standard as
    # a whole, so its two seriously ill members are covered alone (2 x 580 + top-ups); at 725
    # the family is eligible as a whole and gets 4 x 725 - 2,320 + top-ups, less than before
    ill = {"birth_date": "2000-01-01", "serious_illness": True, "counted_in_family": True}
    family = {
        "household_id": 1,
        "region_code": "532901001001",
        "residence_type": "rural",
        "home_count": 0,
        "members": [
            dict(ill, person_id=1, selfcare_unable_count=4),
            dict(ill, person_id=2, disability_category=1, disability_grade=1),
            dict(ill, person_id=3),
            dict(ill, person_id=4, incomes=[{"income_type": "wages", "monthly_fen": 232000}]),
        ],
    }
    base = pinned_parameters()
    standard = base.resolve("dibao.standard.rural", "532901001001", "2026-03").value
    result = simulate(
        scenario(
            programs=["dibao"],
            reform={"parameters": [{"name": "dibao.standard", "scale": 1.25}]},
        ),
        source_of([family]),
        baseline=base,
    )
    assert standard == 58000
    outcomes = result.months[0].outcomes
    assert outcomes["reform_dibao"][0] < outcomes["base_dibao"][0]
    losers = result.figures["winners_losers"]["by_decile"]
    assert sum(row["losers"] for row in losers) == 1
