from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huimin.core import access, services
from huimin.core.audit_trail import AuditFilterForm, audit_page
from huimin.core.errors import HuiminError, ValidationFailed
from huimin.core.http import AuthedRequest
from huimin.core.jobs import job_start
from huimin.core.models import ApiToken, Job, Region, User
from huimin.core.roles import ADMINISTRATOR, ROLE_LABELS, roles_of
from huimin.core.tasks import verify_audit_chain

PAGE_SIZE = 50


@login_required
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    services.job_interrupt_lapsed(owner=user)
    context = {
        "roles": [ROLE_LABELS[r] for r in roles_of(user)],
        "regions": user.jurisdictions.order_by("code"),
        "recent_jobs": Job.objects.filter(owner=user)[:5],
    }
    if ADMINISTRATOR in roles_of(user):
        context["example_values"] = _example_values(user)
    return render(request, "core/home.html", context)


def _example_values(user: User) -> list[dict[str, object]]:
    """The shipped example values in force in the administrator's jurisdiction, with the
    region each is set for in words."""
    from huimin.programs.examples import example_values_in_force  # core loads before programs

    codes = list(user.jurisdictions.values_list("code", flat=True))
    lang = "en" if get_language() == "en" else "zh"
    values = example_values_in_force(region_codes=codes, on=timezone.localdate(), lang=lang)
    names = {
        r.code: r.name_for(lang)
        for r in Region.objects.filter(code__in={v.region for v in values if v.region})
    }
    return [
        {"value": v, "region_name": names.get(v.region, v.region) if v.region else _("Nationwide")}
        for v in values
    ]


@login_required
@require_GET
def job_list(request: AuthedRequest) -> HttpResponse:
    services.job_interrupt_lapsed(owner=request.user)
    page = Paginator(Job.objects.filter(owner=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "core/job_list.html", {"page": page})


@login_required
@require_GET
def job_row(request: AuthedRequest, job_id: int) -> HttpResponse:
    """One job's row, polled by the jobs page while the job runs."""
    services.job_interrupt_lapsed(owner=request.user, job_id=job_id)
    job = access.get_own_object(request.user, Job.objects.all(), pk=job_id)
    return render(request, "core/_job_row.html", {"job": job})


def _own_tokens(request: AuthedRequest):  # type: ignore[no-untyped-def]
    return ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )


def _token_page(request: AuthedRequest, **extra: object) -> HttpResponse:
    context = {
        "tokens": _own_tokens(request),
        "longest": settings.API_TOKEN_DAYS,
        "now": timezone.now(),
        **extra,
    }
    return render(request, "core/token_list.html", context)


@login_required
@require_POST
def job_retry(request: AuthedRequest, job_id: int) -> HttpResponse:
    """Start an interrupted job again (its worker died), with the same arguments."""
    access.get_own_object(request.user, Job.objects.all(), pk=job_id)
    try:
        services.job_retry(actor=request.user, job_id=job_id)
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The job has started again; follow it below."))
    return redirect("job-list")


@login_required
@require_GET
def token_list(request: AuthedRequest) -> HttpResponse:
    return _token_page(request)


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    days_text = request.POST.get("days", "").strip()
    try:
        try:
            days = int(days_text) if days_text else None
        except ValueError as error:
            raise ValidationFailed(
                _("Give the number of days as a whole number."), field="days"
            ) from error
        record, token = services.api_token_create(
            user=request.user,
            name=request.POST.get("name", ""),
            read_only=request.POST.get("read_only") == "1",
            days=days,
        )
    except HuiminError as error:
        messages.error(request, error.message)
        return redirect("token-list")
    return _token_page(request, new_token=token, new_record=record)


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    """The owner revokes from their tokens page, an administrator from the overview."""
    services.api_token_revoke(user=request.user, token_id=token_id)  # 404 if neither
    messages.success(request, _("The token was revoked."))
    if request.POST.get("next") == "admin" and request.user.has_perm("core.view_apitoken"):
        return redirect("token-admin")
    return redirect("token-list")


@login_required
@permission_required(("core.view_apitoken", "core.change_apitoken"), raise_exception=True)
@require_GET
def token_admin(request: AuthedRequest) -> HttpResponse:
    """Every token of the staff in the administrator's jurisdiction, newest first."""
    tokens = (
        access.api_tokens_administered_by(request.user)
        .select_related("user")
        .order_by("revoked_at", "-created_at", "-pk")
    )
    page = Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/token_admin.html", {"page": page, "now": timezone.now()})


@login_required
@permission_required("core.view_audit", raise_exception=True)
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    page = audit_page(request.user, form, language=get_language()) if form.is_valid() else None
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@login_required
@permission_required("core.view_audit", raise_exception=True)
@require_POST
def audit_verify_start(request: AuthedRequest) -> HttpResponse:
    job_start(
        owner=request.user,
        kind="audit.verify",
        title=_("Verify the audit chain"),
        task=verify_audit_chain,
        language=get_language(),
    )
    messages.success(request, _("The check has started; follow it below."))
    return redirect("job-list")
