"""Given a yearly budget, the factor on a parameter that spends it, found by bisection."""

from dataclasses import replace

import pytest

from huimin.simulation.budget import BudgetError, solve_budget, yearly_cost
from huimin.simulation.reform import reformed_parameters
from huimin.simulation.scenario import PopulationSpec
from huimin.simulation.sources import load_source
from tests.rules.pinned import pinned_parameters
from tests.simulation.helpers import scenario


@pytest.fixture(scope="module")
def source():  # type: ignore[no-untyped-def]
    return load_source(PopulationSpec(source="synthetic", region="5329", persons=3000, seed=2))


def test_it_finds_the_factor_that_spends_the_budget(source) -> None:  # type: ignore[no-untyped-def]
    base = pinned_parameters()
    question = scenario(programs=["dibao"])
    today = yearly_cost(source, question, base, "dibao", "5329")
    budget = int(today * 1.25)
    answer = solve_budget(
        scenario=question, source=source, program="dibao", region="5329",
        parameter="dibao.standard", budget_fen=budget, baseline=base,
    )  # fmt: skip
    assert answer.yearly_cost_fen <= budget
    assert answer.factor > 1.0
    # a hair more than the factor found (past the bisection's tolerance) overspends
    more = reformed_parameters(base, [replace(answer.change, scale=answer.factor + 2e-6)])
    assert yearly_cost(source, question, more, "dibao", "5329") > budget
    # the answer is a reform like any other: re-running it gives the same cost
    again = reformed_parameters(base, answer.scenario.changes)
    assert yearly_cost(source, question, again, "dibao", "5329") == answer.yearly_cost_fen
    assert set(answer.values) == {"dibao.standard.urban", "dibao.standard.rural"}


def test_it_says_when_no_value_can_spend_the_budget(source) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BudgetError):
        solve_budget(
            scenario=scenario(programs=["dibao"]), source=source, program="dibao",
            region="5329", parameter="dibao.standard", budget_fen=10**15,
            baseline=pinned_parameters(),
        )  # fmt: skip
