"""Background work of the import and of large exports. Tasks are doors: they call the service
and report progress."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import task

from huimin.core.jobs import failures_recorded
from huimin.core.models import User
from huimin.core.services import job_finish, job_progress
from huimin.registry.bulk import storage
from huimin.registry.bulk.export import export_prepare, export_write
from huimin.registry.bulk.services.importing import registry_import_run
from huimin.registry.queries import Filters


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


EXPORT_KIND = "registry.export"


@task()
def export_registry_file(
    job_id: int,
    user_id: int,
    language: str,
    q: str,
    village: str,
    file_format: str,
    reveal: bool,
    contains: bool = False,
    age_band: str = "",
    disability: str = "",
    residence_type: str = "",
) -> None:
    with failures_recorded(job_id), translation.override(language):
        run_export_job(
            job_id=job_id,
            user_id=user_id,
            q=q,
            village=village,
            file_format=file_format,
            reveal=reveal,
            contains=contains,
            age_band=age_band,
            disability=disability,
            residence_type=residence_type,
        )


def run_export_job(*, job_id: int, user_id: int, **arguments: object) -> None:
    """A large export, in the worker: the same checks, rows and audit event as a small one.

    The search runs again as the job starts, with the user's jurisdiction as it is then. The file
    is stored encrypted (bulk/storage.py) and its owner may download it until it expires.
    """
    user = User.objects.get(pk=user_id)
    filters = Filters(
        age_band=str(arguments.get("age_band") or ""),
        disability=str(arguments.get("disability") or ""),
        residence_type=str(arguments.get("residence_type") or ""),
    )
    prepared = export_prepare(
        user=user,
        q=str(arguments.get("q") or ""),
        village=str(arguments.get("village") or ""),
        file_format=str(arguments.get("file_format") or "xlsx"),
        reveal=bool(arguments.get("reveal")),
        filters=filters,
        contains=bool(arguments.get("contains")),
    )
    job_progress(job_id=job_id, done=0, total=prepared.rows)

    def progress(done: int, total: int) -> None:
        job_progress(job_id=job_id, done=done, total=total)

    exported = export_write(user=user, prepared=prepared, progress=progress, job_id=job_id)
    path = storage.export_save(exported.content, file_format=prepared.file_format)
    expires = timezone.now() + timedelta(hours=settings.EXPORT_FILES_RETENTION_HOURS)
    message = translation.gettext("%(rows)d people exported") % {"rows": exported.rows}
    job_finish(
        job_id=job_id,
        outcome={
            "export_file": str(path),
            "file_name": exported.file_name,
            "content_type": exported.content_type,
            "rows": exported.rows,
            "expires_at": expires.isoformat(),
        },
        message=message,
    )
