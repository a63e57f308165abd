"""Background work of core. Tasks are doors: they call services and report progress."""

from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from huimin.core.audit import audit_verify
from huimin.core.jobs import failures_recorded
from huimin.core.models import AuditEvent
from huimin.core.services import job_fail, job_finish, job_progress


@task()
def verify_audit_chain(job_id: int, language: str = "zh-hans") -> None:
    with failures_recorded(job_id), translation.override(language):
        _verify(job_id)


def _verify(job_id: int) -> None:
    total = AuditEvent.objects.count()
    job_progress(job_id=job_id, done=0, total=total, message=_("checking the audit chain"))
    report = audit_verify(on_progress=lambda done: job_progress(job_id=job_id, done=done))
    outcome = {
        "events_checked": report.events_checked,
        "intact": report.intact,
        "first_broken_seq": report.first_broken_seq,
        "problem": report.problem,
    }
    if report.intact:
        job_finish(
            job_id=job_id,
            outcome=outcome,
            message=_("%(n)s events checked: the chain is intact") % {"n": report.events_checked},
        )
    else:
        job_fail(job_id=job_id, message=report.problem)
