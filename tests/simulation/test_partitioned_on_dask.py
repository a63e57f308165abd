"""A run partitioned by county on a Dask cluster equals the single-process run to the fen."""

import pytest

from huimin.simulation.partitioned import simulate_partitioned
from huimin.simulation.run import simulate
from huimin.simulation.scenario import PopulationSpec
from huimin.simulation.sources import load_source
from tests.rules.pinned import pinned_parameters
from tests.simulation.helpers import scenario


def test_it_gives_the_same_figures_partitioned_by_county() -> None:
    distributed = pytest.importorskip("distributed")
    source = load_source(PopulationSpec(source="synthetic", region="5329", persons=4000, seed=5))
    question = scenario(
        period={"from": "2026-02", "to": "2026-03"},
        reform={
            "parameters": [{"name": "dibao.standard.rural", "scale": 1.2, "region": "532922"}],
            "module": {"name": "dibao_minimum_payment", "options": {"floor_fen": 8000}},
        },
    )
    single = simulate(question, source, baseline=pinned_parameters())
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        parted = simulate_partitioned(
            question, source, scheduler=client, baseline=pinned_parameters()
        )
    for one, other in zip(single.months, parted.months, strict=True):
        columns = one.outcomes.columns
        assert one.outcomes.equals(other.outcomes.select(columns))
    assert parted.figures == single.figures
    assert single.figures["cost"]["monthly"]["change_fen"] > 0
