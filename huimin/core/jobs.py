"""Starting long work as a job the user can follow on the jobs page.

A job keeps the task and the arguments it was started with, so that one whose worker died (its
lease lapsed: services.job_interrupt_lapsed) can be started again by its owner (services.job_retry).
Tasks must therefore take JSON arguments, commit their work whole or not at all, and give the
same result when run twice on the same input; they enter `failures_recorded` first, which takes
the lease, and report progress (which renews it) more often than HUIMIN_JOB_LEASE_SECONDS.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import translation
from django_tasks.base import Task

from huimin.core.errors import HuiminError
from huimin.core.models import Job, User
from huimin.core.services import job_begin, job_create, job_enqueue, job_fail


def job_start(*, owner: User, kind: str, title: str, task: Task, **arguments: object) -> Job:
    """Record the job, then enqueue its task once the record is committed (the worker must see it)."""
    with transaction.atomic():
        job = job_create(
            owner=owner,
            kind=kind,
            title=title,
            task_path=task.module_path,
            arguments=arguments,
            language=translation.get_language() or "",
        )
        transaction.on_commit(
            lambda: job_enqueue(job_id=job.pk, task=task, arguments=dict(arguments))
        )
    return job


@contextmanager
def failures_recorded(job_id: int) -> Iterator[None]:
    """Inside a task: the job runs and holds its lease; any error marks it failed with its
    message, then propagates."""
    job_begin(job_id=job_id)
    try:
        yield
    except HuiminError as error:
        job_fail(job_id=job_id, message=error.message)
        raise
    except Exception as error:
        job_fail(job_id=job_id, message=f"unexpected error: {error!r}")
        raise
