from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huimin.core import access, services
from huimin.core.errors import HuiminError
from huimin.core.http import AuthedRequest
from huimin.core.jobs import job_start
from huimin.core.models import ApiToken, AuditEvent, Job
from huimin.core.roles import ROLE_LABELS, roles_of
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
    return render(request, "core/home.html", context)


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
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    return render(request, "core/token_list.html", {"tokens": tokens})


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    try:
        record, token = services.api_token_create(
            user=request.user, name=request.POST.get("name", "")
        )
    except HuiminError as error:
        messages.error(request, error.message)
        return redirect("token-list")
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    return render(
        request,
        "core/token_list.html",
        {"tokens": tokens, "new_token": token, "new_record": record},
    )


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    access.get_own_object(request.user, ApiToken.objects.all(), owner_field="user", pk=token_id)
    services.api_token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked."))
    return redirect("token-list")


@login_required
@permission_required("core.view_audit", raise_exception=True)
@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    events = access.scope(AuditEvent.objects.all(), request.user).order_by("-seq")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page})


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
