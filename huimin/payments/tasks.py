"""Background work of payments: generating a payroll cycle's lines, with progress."""

from django.utils import translation
from django_tasks import task

from huimin.core.jobs import failures_recorded
from huimin.core.models import User
from huimin.core.services import job_finish, job_progress
from huimin.payments import services
from huimin.payments.models import PayrollCycle

GENERATE_KIND = "payments.generate"


@task()
def generate_cycle(job_id: int, user_id: int, cycle_id: int, language: str) -> None:
    """Runs again safely: a retried job (its worker died) makes only the lines still missing."""
    with failures_recorded(job_id), translation.override(language):
        run_generate_job(job_id=job_id, user_id=user_id, cycle_id=cycle_id)


def run_generate_job(*, job_id: int, user_id: int, cycle_id: int) -> None:
    def progress(done: int, total: int) -> None:
        job_progress(job_id=job_id, done=done, total=total)

    cycle = services.cycle_generate(
        actor=User.objects.get(pk=user_id),
        cycle=PayrollCycle.objects.get(pk=cycle_id),
        progress=progress,
    )
    job_finish(
        job_id=job_id,
        outcome={"cycle": cycle.pk, "lines": cycle.line_count, "total_fen": cycle.total_fen},
        message=translation.gettext("%(n)d payment lines made") % {"n": cycle.line_count},
    )
