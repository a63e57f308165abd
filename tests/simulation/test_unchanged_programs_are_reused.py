"""A reform evaluates only the programs it changes; what it reuses is what a fresh evaluation of
the reformed parameters would give, program by program, household by household."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huimin.rules import PROGRAMS, evaluate, frames_from_records
from huimin.rules.periods import parse_period
from huimin.simulation.reform import reformed_parameters
from huimin.simulation.run import per_household, programs_changed, simulate
from tests.rules.pinned import pinned_parameters
from tests.rules.strategies import PERIODS, batches
from tests.simulation.helpers import scenario, source_of

SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# a reform of the standard, of who counts as elderly (dibao's members' categories, shared by
# parameter sets that agree on them), of the incomes counted, and of one allowance
CHANGES = [
    {"name": "dibao.standard", "scale": 1.3},
    {"name": "dibao.age.elderly", "value": 55},
    {"name": "dibao.topup", "scale": 2},
    {"name": "old_age.band_80_fen", "scale": 1.5},
    {"name": "tekun.basic_living_ratio", "value": 1.6},
]


def reform_of(change: dict) -> object:  # type: ignore[type-arg]
    return scenario(reform={"parameters": [change]})


def test_it_names_only_the_programs_a_reform_changes() -> None:
    household = {
        "region_code": "532901001001",
        "residence_type": "rural",
        "members": [{"birth_date": "1950-01-01"}],
    }
    population = frames_from_records([household])
    base = pinned_parameters()
    period = parse_period("2026-03")

    def changed(change: dict) -> list[str]:  # type: ignore[type-arg]
        reform = reformed_parameters(base, reform_of(change).changes)  # type: ignore[attr-defined]
        return programs_changed(population, period, base, reform, list(PROGRAMS), {})

    assert changed({"name": "old_age.band_80_fen", "scale": 1.5}) == ["old_age"]
    # the disability living subsidy reads dibao's outcome: it changes with it
    assert "disability_living" in changed({"name": "dibao.age.elderly", "value": 55})
    assert changed({"name": "dibao.standard", "scale": 1.0}) == []
    assert set(changed({"name": "dibao.standard", "scale": 1.1})) >= {"dibao", "tekun"}


@SLOW
@given(
    batch=batches(max_size=15),
    period=st.sampled_from(PERIODS),
    change=st.sampled_from(CHANGES),
)
def test_the_reform_equals_a_fresh_evaluation_of_every_program(batch, period, change) -> None:  # type: ignore[no-untyped-def]
    planned = scenario(period=period, reform={"parameters": [change]})
    result = simulate(planned, source_of(batch), baseline=pinned_parameters())
    outcomes = result.months[0].outcomes
    fresh = frames_from_records(batch)  # no month view, no cache shared with the run
    reform = reformed_parameters(pinned_parameters(), planned.changes)
    for name, frame in evaluate(fresh, period, reform).items():
        expected = per_household(frame, fresh.n_households)
        assert np.array_equal(outcomes[f"reform_{name}"].to_numpy(), expected), name


def test_two_parameter_sets_in_one_month_keep_their_own_categories() -> None:
    # dibao's members' categories are shared by parameter sets that agree on the thresholds:
    # a baseline and a reform of the elderly age, on one built population in turn, each give
    # what they give alone
    batch = [
        {
            "region_code": "532901001001",
            "residence_type": "rural",
            "members": [{"birth_date": "1968-05-01"}, {"birth_date": "1949-01-01"}],
        }
    ]
    base = pinned_parameters()
    reform = reformed_parameters(base, reform_of(CHANGES[1]).changes)  # type: ignore[attr-defined]
    shared = frames_from_records(batch)
    together = [
        evaluate(shared, "2026-03", p, ["dibao"])["dibao"]["amount_fen"]
        for p in (reform, base, reform)
    ]
    alone = [
        evaluate(frames_from_records(batch), "2026-03", p, ["dibao"])["dibao"]["amount_fen"]
        for p in (reform, base, reform)
    ]
    assert [a.to_list() for a in together] == [a.to_list() for a in alone]
    # the member of 57 is elderly only under the reform: a top-up more
    assert alone[0][0] > alone[1][0]
