"""Background work of simulation: a run as a job with progress. Tasks are doors onto services."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from huimin.core.jobs import failures_recorded
from huimin.core.services import job_finish, job_progress
from huimin.programs.parameters import live_parameters
from huimin.simulation.models import SimulationRun
from huimin.simulation.populations import source_for
from huimin.simulation.run import simulate
from huimin.simulation.scenario import check_scenario
from huimin.simulation.services import simulation_run_finish


@task()
def run_simulation(job_id: int, run_id: int, language: str = "zh-hans") -> None:
    with translation.override(language):
        try:
            with failures_recorded(job_id):
                _run(job_id, run_id)
        except Exception as error:
            simulation_run_finish(run_id=run_id, figures=None, message=str(error))
            raise


def _run(job_id: int, run_id: int) -> None:
    run = SimulationRun.objects.select_related("version", "started_by").get(pk=run_id)
    parameters = live_parameters()
    scenario = check_scenario(run.version.spec, parameters)
    total = len(scenario.periods) + 2
    job_progress(job_id=job_id, done=0, total=total, message=_("building the population"))
    source = source_for(spec=scenario.population, user=run.started_by, period=scenario.periods[0])

    def progress(done: int, steps: int, label: str) -> None:
        job_progress(
            job_id=job_id, done=done + 1, message=_("evaluating %(what)s") % {"what": label}
        )

    if settings.HUIMIN_SIMULATION_DASK:
        from huimin.simulation.partitioned import simulate_partitioned

        progress(0, total, _("on the Dask cluster"))
        result = simulate_partitioned(
            scenario, source, scheduler=settings.HUIMIN_SIMULATION_DASK, baseline=parameters
        )
    else:
        result = simulate(scenario, source, baseline=parameters, on_progress=progress)
    simulation_run_finish(
        run_id=run_id,
        figures=result.figures,
        rules_seconds=result.rules_seconds,
        metrics_seconds=result.metrics_seconds,
    )
    job_finish(job_id=job_id, outcome={"run_id": run_id}, message=_("simulation finished"))
