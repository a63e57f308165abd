"""Writes of the simulation app: scenarios and their versions, runs and their results."""

from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huimin.core.access import covers
from huimin.core.audit import audit_record
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.programs.parameters import live_parameters
from huimin.simulation.models import RunStatus, Scenario, ScenarioVersion, SimulationRun
from huimin.simulation.scenario import Scenario as Spec
from huimin.simulation.scenario import ScenarioInvalid, check_scenario


def checked_spec(raw: Any) -> Spec:
    """The scenario a mapping describes, checked against the live parameters."""
    try:
        return check_scenario(raw, live_parameters())
    except ScenarioInvalid as error:
        raise ValidationFailed(
            error.text(),
            errors=[(what or None, message) for _line, what, message in error.problems],
        ) from None


def _region_of(actor: User, spec: Spec) -> str:
    region = spec.population.region
    if not region or not covers(actor, region):
        raise ValidationFailed(
            _("The population must lie within your jurisdiction: give its region code."),
            field="population.region",
        )
    return region


@transaction.atomic
def scenario_create(*, actor: User, raw: Any) -> Scenario:
    spec = checked_spec(raw)
    region = _region_of(actor, spec)
    scenario = Scenario.objects.create(name=spec.name, region_code=region, created_by=actor)
    version = ScenarioVersion.objects.create(
        scenario=scenario, number=1, spec=spec.as_dict(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="simulation.scenario_create",
        object_type="scenario",
        object_id=scenario.pk,
        region_code=region,
        changes={"name": spec.name, "version": version.number},
    )
    return scenario


@transaction.atomic
def scenario_revise(*, actor: User, scenario: Scenario, raw: Any) -> ScenarioVersion:
    """A new version; earlier versions and their runs stay as they were."""
    spec = checked_spec(raw)
    region = _region_of(actor, spec)
    locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if region != locked.region_code:
        raise ValidationFailed(
            _("A new version keeps the scenario's region; start a new scenario for another."),
            field="population.region",
        )
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ScenarioVersion.objects.create(
        scenario=locked, number=number, spec=spec.as_dict(), created_by=actor
    )
    if locked.name != spec.name:
        locked.name = spec.name
        locked.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="simulation.scenario_revise",
        object_type="scenario",
        object_id=locked.pk,
        region_code=region,
        changes={"name": spec.name, "version": number},
    )
    return version


@transaction.atomic
def simulation_run_start(*, actor: User, version: ScenarioVersion) -> SimulationRun:
    """Record a run of a version and start it as a background job (progress on the jobs page)."""
    from huimin.core.jobs import job_start
    from huimin.simulation.tasks import run_simulation

    run = SimulationRun.objects.create(
        version=version, region_code=version.scenario.region_code, started_by=actor
    )
    job = job_start(
        owner=actor,
        kind="simulation",
        title=_("Simulation: %(name)s") % {"name": version.scenario.name},
        task=run_simulation,
        run_id=run.pk,
        language=translation.get_language() or "zh-hans",
    )
    run.job = job
    run.save(update_fields=["job"])
    audit_record(
        actor=actor,
        action="simulation.run_start",
        object_type="simulation_run",
        object_id=run.pk,
        region_code=run.region_code,
        changes={"scenario": version.scenario_id, "version": version.number},
    )
    return run


@transaction.atomic
def simulation_run_finish(
    *,
    run_id: int,
    figures: dict[str, Any] | None,
    message: str = "",
    rules_seconds: float = 0.0,
    metrics_seconds: float = 0.0,
) -> SimulationRun:
    run = SimulationRun.objects.select_for_update().get(pk=run_id)
    run.status = RunStatus.DONE if figures is not None else RunStatus.FAILED
    run.figures = figures or {}
    run.message = message[:500]
    run.rules_seconds = rules_seconds
    run.metrics_seconds = metrics_seconds
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status", "figures", "message", "rules_seconds", "metrics_seconds", "finished_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=None,
        action="simulation.run_finish",
        object_type="simulation_run",
        object_id=run.pk,
        region_code=run.region_code,
        changes={"status": run.status},
    )
    return run
