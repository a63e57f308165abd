"""Pages of the import and export: doors onto bulk.services, bulk.export and the import task."""

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core import access, services
from huimin.core.errors import HuiminError, NotAllowed
from huimin.core.jobs import failures_recorded, job_start
from huimin.core.models import Job, User
from huimin.core.services import job_create
from huimin.registry.bulk import storage
from huimin.registry.bulk.export import (
    EXPORT_PERMISSIONS,
    FILTER_KEYS,
    export_prepare,
    export_write,
)
from huimin.registry.bulk.reading import file_format_of
from huimin.registry.bulk.tasks import (
    EXPORT_KIND,
    export_registry_file,
    import_registry_file,
    run_import_job,
)
from huimin.registry.bulk.template import template_csv, template_xlsx
from huimin.registry.queries import Filters

# Files up to this size are checked in the request: the answer comes at once, no worker needed.
INLINE_MAX_BYTES = 512 * 1024
MAX_UPLOAD_BYTES = 400 * 1024 * 1024
IMPORT_KIND = "registry.import"

MODE_TITLES = {
    "check": gettext_lazy("Check import file"),
    "all": gettext_lazy("Import, all or nothing"),
    "valid": gettext_lazy("Import the valid rows"),
}


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise HuiminError(_("Choose a file to upload."))
            file_format = file_format_of(upload.name or "")
            if upload.size and upload.size > MAX_UPLOAD_BYTES:
                raise HuiminError(_("The file is too large; split it into files under 400 MB."))
        except HuiminError as refused:
            error = refused.message
        else:
            storage.files_purge()
            path = storage.upload_save(upload.chunks(), file_format=file_format)
            job = _start(request, path=path, file_name=Path(upload.name or "").name, mode="check")
            return redirect("registry:import-result", job_id=job.pk)
    recent = Job.objects.filter(owner_id=request.user.pk, kind=IMPORT_KIND)[:10]
    return render(request, "registry/bulk/import.html", {"error": error, "recent": recent})


def _start(request: HttpRequest, *, path: Path, file_name: str, mode: str) -> Job:
    user: User = request.user  # type: ignore[assignment]
    title = f"{MODE_TITLES[mode]}: {file_name}"
    arguments = {"user_id": user.pk, "path": str(path), "file_name": file_name, "mode": mode}
    if path.stat().st_size <= INLINE_MAX_BYTES:
        job = job_create(owner=user, kind=IMPORT_KIND, title=title)
        try:
            with failures_recorded(job.pk):
                run_import_job(job_id=job.pk, **arguments)  # type: ignore[arg-type]
        except HuiminError:
            pass  # failures_recorded has put the message on the job, which the next page shows
        return job
    return job_start(
        owner=user,
        kind=IMPORT_KIND,
        title=title,
        task=import_registry_file,
        language=translation.get_language(),
        **arguments,
    )


def _import_job(request: HttpRequest, job_id: int) -> Job:
    return access.get_own_object(request.user, Job.objects.filter(kind=IMPORT_KIND), pk=job_id)


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_GET
def import_result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    outcome = job.outcome or {}
    context = {
        "job": job,
        "outcome": outcome,
        "counts": outcome.get("counts", {}),
        "written": outcome.get("written", {}),
        "can_apply": job.status == "succeeded" and outcome.get("mode") == "check",
    }
    return render(request, "registry/bulk/import_result.html", context)


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_POST
def import_apply(request: HttpRequest, job_id: int) -> HttpResponse:
    checked = _import_job(request, job_id)
    mode = request.POST.get("mode", "")
    outcome = checked.outcome or {}
    if mode not in ("all", "valid") or outcome.get("mode") != "check":
        messages.error(request, _("Choose one of the two ways to import."))
        return redirect("registry:import-result", job_id=checked.pk)
    path = Path(outcome.get("path") or "")
    if not storage.is_current(path):
        messages.error(request, _("The uploaded file is no longer there; upload it again."))
        return redirect("registry:import")
    job = _start(request, path=path, file_name=outcome.get("file_name", path.name), mode=mode)
    return redirect("registry:import-result", job_id=job.pk)


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_GET
def import_rejected(request: HttpRequest, job_id: int) -> FileResponse:
    job = _import_job(request, job_id)
    rejected = (job.outcome or {}).get("rejected_file", "")
    path = Path(rejected) if rejected else None
    if path is None or not storage.is_current(path):
        raise Http404  # never made, or deleted after the retention period
    try:
        content = storage.read_sealed(path)
    except storage.FileGone as gone:
        raise Http404 from gone
    file_format = storage.file_format_of_stored(path)
    name = f"{Path(job.outcome.get('file_name', 'import')).stem}-rejected.{file_format}"
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name)


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_GET
def import_template_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="huimin-import-template.csv"'
    return response


@login_required
@permission_required("registry.import_registry", raise_exception=True)
@require_GET
def import_template_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="huimin-import-template.xlsx"'
    return response


@login_required
@permission_required(EXPORT_PERMISSIONS, raise_exception=True)
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/bulk/export.html", _export_context(request))


def _export_context(request: HttpRequest, error: str = "") -> dict:
    return {
        "q": request.GET.get("q", ""),
        "village": request.GET.get("village", ""),
        "filters": {
            key: request.GET.get(key, "")
            for key in (*FILTER_KEYS, "contains")
            if request.GET.get(key)
        },
        "may_reveal": request.user.has_perm("core.reveal_pii"),
        "inline_max": settings.EXPORT_INLINE_MAX_ROWS,
        "hours": settings.EXPORT_FILES_RETENTION_HOURS,
        "error": error,
    }


@login_required
@permission_required(EXPORT_PERMISSIONS, raise_exception=True)
@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    """A small export comes back at once; a large one starts a job and shows its progress."""
    user: User = request.user  # type: ignore[assignment]
    try:
        prepared = export_prepare(
            user=user,
            q=request.GET.get("q", ""),
            village=request.GET.get("village", ""),
            file_format=request.GET.get("format", "xlsx"),
            reveal=request.GET.get("reveal") == "1",
            filters=Filters(**{key: request.GET.get(key, "") for key in FILTER_KEYS}),
            contains=request.GET.get("contains") in ("1", "on", "true"),
        )
        if prepared.rows > settings.EXPORT_INLINE_MAX_ROWS:
            storage.files_purge()
            job = job_start(
                owner=user,
                kind=EXPORT_KIND,
                title=_("Export of %(n)d people") % {"n": prepared.rows},
                task=export_registry_file,
                user_id=user.pk,
                language=translation.get_language() or "",
                **prepared.arguments(),
            )
            return redirect("registry:export-result", export_id=job.pk)
        exported = export_write(user=user, prepared=prepared, request=request)
    except HuiminError as refused:
        context = _export_context(request, refused.message)
        # A refused export is the form again with the reason, like any form with an error.
        status = 403 if isinstance(refused, NotAllowed) else 200
        return render(request, "registry/bulk/export.html", context, status=status)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.file_name}"'
    return response


def _export_job(request: HttpRequest, export_id: int) -> Job:
    return access.get_own_object(request.user, Job.objects.filter(kind=EXPORT_KIND), pk=export_id)


def _export_file(job: Job) -> Path | None:
    """The job's file while its link holds: made, ours, and not expired."""
    outcome = job.outcome or {}
    stored = outcome.get("export_file", "")
    if job.status != "succeeded" or not stored:
        return None
    expires = parse_datetime(outcome.get("expires_at", ""))
    if expires is None or expires <= timezone.now():
        return None
    path = Path(stored)
    return path if storage.is_current(path) else None


@login_required
@permission_required(EXPORT_PERMISSIONS, raise_exception=True)
@require_GET
def export_result(request: HttpRequest, export_id: int) -> HttpResponse:
    """A large export's progress, then its download link until it expires (htmx polls it)."""
    services.job_interrupt_lapsed(owner=request.user, job_id=export_id)  # type: ignore[arg-type]
    job = _export_job(request, export_id)
    outcome = job.outcome or {}
    context = {
        "job": job,
        "outcome": outcome,
        "available": _export_file(job) is not None,
        "expires_at": parse_datetime(outcome.get("expires_at", "") or ""),
    }
    template = (
        "registry/bulk/_export_status.html"
        if request.headers.get("HX-Request")
        else ("registry/bulk/export_result.html")
    )
    return render(request, template, context)


@login_required
@permission_required(EXPORT_PERMISSIONS, raise_exception=True)
@require_GET
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    """The file of a large export, for its owner only, until the link expires (then 404)."""
    job = _export_job(request, export_id)
    path = _export_file(job)
    if path is None:
        raise Http404
    try:
        content = storage.read_sealed(path)
    except storage.FileGone as gone:
        raise Http404 from gone
    outcome = job.outcome or {}
    response = FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=outcome.get("file_name", "registry.xlsx"),
        content_type=outcome.get("content_type"),
    )
    return response
