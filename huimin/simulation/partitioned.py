"""A scenario run partitioned by county on a Dask distributed cluster.

Each county's households (with their persons and incomes) go to a worker, which evaluates the
baseline and the reform for every month with the same rules and returns its household outcomes.
Rules decide per household, so a county alone gives each household the amounts it gets in the
whole population; the driver puts the outcomes back in the original order and computes the
figures once, so the result equals the single-process one to the fen (a test shows it).
Set `HUIMIN_SIMULATION_DASK=tcp://host:port`, or `huimin simulate --dask tcp://host:port`.
"""

import time
from typing import Any

import numpy as np
import polars as pl

from huimin.rules import PROGRAMS, load_parameters
from huimin.rules.parameters import ParameterSet
from huimin.rules.population import Population
from huimin.simulation.reform import reformed_parameters, reformed_programs
from huimin.simulation.run import Month, Result, evaluate_both, figures_of, month_outcomes
from huimin.simulation.scenario import Scenario
from huimin.simulation.sources import Source

COUNTY = 6


def _part(
    population: Population,
    weights: np.ndarray,
    scenario: Scenario,
    baseline: ParameterSet,
) -> list[tuple[pl.DataFrame, list[dict[str, Any]]]]:
    reform = reformed_parameters(baseline, scenario.changes)
    replaced = reformed_programs(scenario.module)
    names = list(scenario.programs or PROGRAMS)
    out = []
    for period in scenario.periods:
        before, after = evaluate_both(population, period, baseline, reform, names, replaced)
        out.append(month_outcomes(population, period, weights, before, after))
    return out


def partitions(population: Population) -> list[np.ndarray]:
    counties = population.households["region_code"].str.slice(0, COUNTY).to_numpy()
    return [np.flatnonzero(counties == county) for county in np.unique(counties)]


def simulate_partitioned(
    scenario: Scenario,
    source: Source,
    *,
    scheduler: Any,
    baseline: ParameterSet | None = None,
) -> Result:
    """`scheduler`: an address (tcp://host:port) or a `distributed.Client` already connected."""
    from distributed import Client

    base = baseline or load_parameters()
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
    started = time.perf_counter()
    try:
        parts = partitions(source.population)
        futures = [
            client.submit(
                _part,
                source.population.take(rows),
                source.weights[rows],
                scenario,
                base,
                pure=False,
            )
            for rows in parts
        ]
        answers = client.gather(futures)
    finally:
        if client is not scheduler:
            client.close()
    result = Result(scenario=scenario, programs=list(scenario.programs or PROGRAMS), months=[])
    result.rules_seconds = time.perf_counter() - started
    order = np.concatenate(parts)
    inverse = np.argsort(order, kind="stable")
    for m, period in enumerate(scenario.periods):
        stacked = pl.concat([answer[m][0] for answer in answers])
        outcomes = stacked[inverse].with_columns(
            pl.int_range(stacked.height, dtype=pl.UInt32).alias("household_idx")
        )
        recipients = [dict(row) for row in answers[0][m][1]]
        for row_i, row in enumerate(recipients):
            for key in ("baseline", "reform", "gained", "lost"):
                row[key] = float(sum(answer[m][1][row_i][key] for answer in answers))
        result.months.append(Month(period, outcomes, recipients, 0.0))
    started = time.perf_counter()
    result.figures = figures_of(
        result, resamples=scenario.metrics.bootstrap if source.weighted else 0
    )
    result.metrics_seconds = time.perf_counter() - started
    return result
