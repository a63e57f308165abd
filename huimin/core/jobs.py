"""Starting long work as a job the user can follow on the jobs page."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django_tasks.base import Task

from huimin.core.errors import HuiminError
from huimin.core.models import Job, User
from huimin.core.services import job_create, job_fail


def job_start(*, owner: User, kind: str, title: str, task: Task, **arguments: object) -> Job:
    """Record the job, then enqueue its task once the record is committed (the worker must see it)."""
    with transaction.atomic():
        job = job_create(owner=owner, kind=kind, title=title)
        transaction.on_commit(lambda: _enqueue(job.pk, task, arguments))
    return job


def _enqueue(job_id: int, task: Task, arguments: dict[str, object]) -> None:
    result = task.enqueue(job_id=job_id, **arguments)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


@contextmanager
def failures_recorded(job_id: int) -> Iterator[None]:
    """Inside a task: any error marks the job failed with its message, then propagates."""
    try:
        yield
    except HuiminError as error:
        job_fail(job_id=job_id, message=error.message)
        raise
    except Exception as error:
        job_fail(job_id=job_id, message=f"unexpected error: {error!r}")
        raise
