"""Properties of every simulation: nothing changed means nothing changes; a higher standard
never lowers anyone's dibao."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    result = simulate(
        scenario(
            period=period,
            programs=["dibao"],
            reform={"parameters": [{"name": "dibao.standard", "scale": factor}]},
        ),
        source_of(batch),
        baseline=pinned_parameters(),
    )
    outcomes = result.months[0].outcomes
    assert np.all(outcomes["reform_dibao"].to_numpy() >= outcomes["base_dibao"].to_numpy())
    assert all(row["lost"] == 0 for row in result.figures["recipients"])
