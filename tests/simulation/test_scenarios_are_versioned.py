"""Scenarios are stored with numbered versions; every write is audited; runs are jobs."""

import polars as pl
import pytest

from huimin.core import roles
from huimin.core.errors import ValidationFailed
from huimin.core.models import AuditEvent, Job
from huimin.simulation.models import RunStatus, ScenarioVersion, SimulationRun
from huimin.simulation.services import scenario_create, scenario_revise, simulation_run_start
from tests.conftest import make_user
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db


def spec(**overrides: object) -> dict:
    raw: dict = {
        "name": "Dali city +10%",
        "period": "2026-03",
        "population": {"source": "registry", "region": "532901"},
        "reform": {"parameters": [{"name": "dibao.standard", "scale": 1.1}]},
        "metrics": {"poverty_line_fen": 60000},
    }
    raw.update(overrides)
    return raw


@pytest.fixture
def analyst(regions):  # type: ignore[no-untyped-def]
    return make_user("analyst_5329", roles.ANALYST, ["5329"])


def test_it_keeps_every_version(analyst) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_create(actor=analyst, raw=spec())
    second = scenario_revise(actor=analyst, scenario=scenario, raw=spec(name="Dali city +20%"))
    assert second.number == 2
    versions = list(ScenarioVersion.objects.filter(scenario=scenario).order_by("number"))
    assert [v.spec["reform"]["parameters"][0]["scale"] for v in versions] == [1.1, 1.1]
    assert versions[1].spec["name"] == "Dali city +20%"
    actions = list(
        AuditEvent.objects.filter(object_type="scenario").values_list("action", flat=True)
    )
    assert sorted(actions) == ["simulation.scenario_create", "simulation.scenario_revise"]


def test_it_refuses_a_population_outside_the_jurisdiction(analyst) -> None:  # type: ignore[no-untyped-def]
    raw = spec(population={"source": "registry", "region": "530102"})
    with pytest.raises(ValidationFailed) as refused:
        scenario_create(actor=analyst, raw=raw)
    assert refused.value.field == "population.region"


def test_it_refuses_an_unknown_parameter_naming_it(analyst) -> None:  # type: ignore[no-untyped-def]
    raw = spec(reform={"parameters": [{"name": "dibao.standrd", "scale": 1.1}]})
    with pytest.raises(ValidationFailed) as refused:
        scenario_create(actor=analyst, raw=raw)
    assert "dibao.standrd" in refused.value.message


def test_it_runs_a_version_as_a_job_over_the_registry(  # type: ignore[no-untyped-def]
    analyst, caseworker_a, django_capture_on_commit_callbacks
) -> None:
    for _ in range(3):
        make_household(caseworker_a)
    scenario = scenario_create(actor=analyst, raw=spec())
    with django_capture_on_commit_callbacks(execute=True):
        run = simulation_run_start(actor=analyst, version=scenario.latest)
    run = SimulationRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.DONE, run.message
    assert run.figures["households"] == 3
    job = Job.objects.get(pk=run.job.pk if run.job else 0)
    assert job.status == "succeeded" and job.outcome == {"run_id": run.pk}
    assert AuditEvent.objects.filter(action="simulation.run_finish", object_id=str(run.pk)).exists()


def test_it_writes_a_snapshot_without_personal_data(analyst, caseworker_a, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    make_household(caseworker_a, head="王大山")
    make_household(caseworker_a, head="赵小河")
    call_command("snapshot", user=analyst.username, region="532901", period="2026-03", out=tmp_path)
    names = ("households", "persons", "incomes")
    frames = {name: pl.read_parquet(tmp_path / f"{name}.parquet") for name in names}
    columns = {c for frame in frames.values() for c in frame.columns}
    for personal in ("name_zh", "id_number", "phone", "bank_card_no", "address_zh", "household_no"):
        assert personal not in columns
    # renumbered: no registry id leaves the system
    assert frames["households"]["household_id"].to_list() == [1, 2]
    assert frames["persons"]["person_id"].to_list() == [1, 2, 3, 4]
    text = b"".join((tmp_path / f"{n}.parquet").read_bytes() for n in names)
    for name in ("王大山", "赵小河", "李梅"):
        assert name.encode() not in text
    assert AuditEvent.objects.filter(action="simulation.snapshot").exists()


def test_it_refuses_a_snapshot_outside_the_jurisdiction(analyst, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command(
            "snapshot", user=analyst.username, region="530102", period="2026-03", out=tmp_path
        )
