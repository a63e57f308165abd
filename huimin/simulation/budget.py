"""The budget question: which value of a parameter spends a yearly budget for a program in a region.

The parameter is scaled by a factor from the first month of the scenario in the region (the same
change a scenario writes), and the factor is found by bisection: the largest factor whose yearly
cost (12 x the month's) stays within the budget. Each step evaluates one program on the already
built population; a benefit that rises with the parameter (a standard, a top-up ratio) makes the
cost non-decreasing in the factor, which bisection needs.
"""

from dataclasses import dataclass, replace

import numpy as np

from huimin.rules import ParameterNotFound, evaluate, load_parameters
from huimin.rules.parameters import ParameterSet
from huimin.simulation.reform import matching_names, reformed_parameters, reformed_programs
from huimin.simulation.run import per_household
from huimin.simulation.scenario import ParameterChange, Scenario
from huimin.simulation.sources import Source


class BudgetError(Exception):
    pass


@dataclass(frozen=True)
class BudgetAnswer:
    factor: float
    yearly_cost_fen: int
    budget_fen: int
    steps: int
    values: dict[str, object]  # parameter -> the value it takes in the region from the month
    change: ParameterChange
    scenario: Scenario  # the scenario with this change added: the reform it implies


def yearly_cost(
    source: Source, scenario: Scenario, parameters: ParameterSet, program: str, region: str
) -> int:
    period = scenario.periods[0]
    replaced = reformed_programs(scenario.module)
    frame = evaluate(source.population, period, parameters, [program], replaced=replaced)[program]
    amounts = per_household(frame, source.population.n_households).astype(np.float64)
    inside = source.population.households["region_code"].str.starts_with(region).to_numpy()
    return int(np.floor((amounts[inside] * source.weights[inside]).sum() * 12 + 0.5))


def solve_budget(
    *,
    scenario: Scenario,
    source: Source,
    program: str,
    region: str,
    parameter: str,
    budget_fen: int,
    low: float = 0.0,
    high: float = 4.0,
    tolerance: float = 1e-6,
    max_steps: int = 60,
    baseline: ParameterSet | None = None,
) -> BudgetAnswer:
    base = reformed_parameters(baseline or load_parameters(), scenario.changes)
    if not matching_names(base, parameter):
        raise BudgetError(f"no parameter {parameter!r}")
    start = scenario.periods[0].start

    def change(factor: float) -> ParameterChange:
        return ParameterChange(name=parameter, scale=round(factor, 9), region=region, start=start)

    def cost(factor: float) -> int:
        return yearly_cost(
            source, scenario, reformed_parameters(base, [change(factor)]), program, region
        )

    steps = 2
    if cost(low) > budget_fen:
        raise BudgetError("even the lowest value searched costs more than the budget")
    if cost(high) <= budget_fen:
        raise BudgetError("even the highest value searched (x4) spends less than the budget")
    while high - low > tolerance and steps < max_steps:
        middle = (low + high) / 2
        steps += 1
        if cost(middle) <= budget_fen:
            low = middle
        else:
            high = middle
    found = change(low)
    reformed = reformed_parameters(base, [found])
    values = {}
    for name in matching_names(base, parameter):
        code = region.ljust(12, "0") if len(region) < 12 else region
        try:
            values[name] = reformed.resolve_winner(name, code, scenario.periods[0]).value
        except ParameterNotFound:  # a sub-parameter with no value there is left out
            continue
    return BudgetAnswer(
        factor=found.scale or 0.0,
        yearly_cost_fen=cost(low),
        budget_fen=budget_fen,
        steps=steps,
        values=values,
        change=found,
        scenario=replace(scenario, changes=(*scenario.changes, found)),
    )
