"""Starting long work as a job the user can follow on the jobs page."""

from django.db import transaction
from django_tasks.base import Task

from huimin.core.models import Job, User
from huimin.core.services import job_create


def job_start(*, owner: User, kind: str, title: str, task: Task, **arguments: object) -> Job:
    """Record the job, then enqueue its task once the record is committed (the worker must see it)."""
    with transaction.atomic():
        job = job_create(owner=owner, kind=kind, title=title)
        transaction.on_commit(lambda: _enqueue(job.pk, task, arguments))
    return job


def _enqueue(job_id: int, task: Task, arguments: dict[str, object]) -> None:
    result = task.enqueue(job_id=job_id, **arguments)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


class failures_recorded:  # noqa: N801 - used as a context manager, reads like a clause
    """Inside a task: any error marks the job failed with its message before it propagates."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:  # type: ignore[no-untyped-def]
        if error is not None:
            from huimin.core.errors import HuiminError
            from huimin.core.services import job_fail

            message = error.message if isinstance(error, HuiminError) else f"unexpected error: {error!r}"
            job_fail(job_id=self.job_id, message=message)
        return False
