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


@pytest.mark.django_db
def test_it_runs_a_job_on_the_cluster_the_setting_names(  # type: ignore[no-untyped-def]
    regions, settings, django_capture_on_commit_callbacks
) -> None:
    distributed = pytest.importorskip("distributed")
    from huimin.core import roles
    from huimin.simulation.models import RunStatus, SimulationRun
    from huimin.simulation.services import scenario_create, simulation_run_start
    from tests.conftest import make_user

    analyst = make_user("analyst_dali", roles.ANALYST, ["5329"])
    raw = {
        "name": "on Dask",
        "period": "2026-03",
        "population": {"source": "synthetic", "region": "5329", "persons": 1500, "seed": 8},
        "reform": {"parameters": [{"name": "dibao.standard", "scale": 1.2}]},
        "metrics": {"poverty_line_fen": 60000},
    }
    scenario = scenario_create(actor=analyst, raw=raw)
    with django_capture_on_commit_callbacks(execute=True):
        here = simulation_run_start(actor=analyst, version=scenario.latest)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        settings.HUIMIN_SIMULATION_DASK = cluster.scheduler_address
        with django_capture_on_commit_callbacks(execute=True):
            there = simulation_run_start(actor=analyst, version=scenario.latest)
    here, there = SimulationRun.objects.get(pk=here.pk), SimulationRun.objects.get(pk=there.pk)
    assert here.status == there.status == RunStatus.DONE, there.message
    assert here.figures == there.figures
