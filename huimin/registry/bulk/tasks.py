"""Background work of the import. Tasks are doors: they call the service and report progress."""

from pathlib import Path

from django.utils import translation
from django_tasks import task

from huimin.core.jobs import failures_recorded
from huimin.core.models import User
from huimin.core.services import job_finish, job_progress
from huimin.registry.bulk import storage
from huimin.registry.bulk.services.importing import registry_import_run


@task()
def import_registry_file(
    job_id: int, user_id: int, path: str, file_name: str, mode: str, language: str
) -> None:
    with failures_recorded(job_id), translation.override(language):
        run_import_job(job_id=job_id, user_id=user_id, path=path, file_name=file_name, mode=mode)


def run_import_job(*, job_id: int, user_id: int, path: str, file_name: str, mode: str) -> None:
    """The job's body; small files run it inline in the request, large ones in the worker.

    `path` is the encrypted upload (bulk/storage.py). The importer reads a clear copy that is
    removed when this function returns or raises, with the rejected rows it wrote beside it;
    those are kept encrypted. An upload that has been imported is deleted: only a checked one
    waits, encrypted, for the user to choose how to import it.
    """
    user = User.objects.get(pk=user_id)
    stored = Path(path)

    def progress(done: int, total: int, message: str) -> None:
        job_progress(job_id=job_id, done=done, total=total, message=message)

    with storage.clear_copy(stored) as clear:
        outcome = registry_import_run(
            user=user, path=clear, file_name=file_name, mode=mode, progress=progress
        )
        if outcome.rejected_file:
            outcome.rejected_file = str(
                storage.rejected_save(Path(outcome.rejected_file), upload=stored)
            )
    if mode != "check":
        storage.discard(stored)
    counts = outcome.counts
    if outcome.imported:
        written = outcome.written
        message = translation.gettext(
            "%(persons)d persons and %(households)d households created, %(changed)d households "
            "changed, %(rejected)d rows refused"
        ) % {
            "persons": written["persons_created"],
            "households": written["households_created"],
            "changed": written["households_changed"],
            "rejected": counts["rows_rejected"],
        }
    else:
        message = translation.gettext(
            "Checked %(rows)d rows: %(ok)d can be imported, %(rejected)d have problems"
        ) % {
            "rows": counts["rows"],
            "ok": counts["rows_accepted"],
            "rejected": counts["rows_rejected"],
        }
    kept = path if mode == "check" else ""
    job_finish(job_id=job_id, outcome={**outcome.as_json(), "path": kept}, message=message)
