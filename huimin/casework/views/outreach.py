"""Outreach (政策找人): run the rules over the area, list who appears to qualify, act on each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huimin.casework import services
from huimin.casework.access import get_outreach_for
from huimin.casework.models import OutreachCandidate, OutreachStatus
from huimin.casework.views._common import GET_POST, refused, user_of
from huimin.core.access import scope
from huimin.core.errors import HuiminError

LISTED = 200


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_http_methods(GET_POST)
def outreach(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            found = services.outreach_run(actor=user_of(request), request=request)
        except HuiminError as error:
            refused(request, error)
        else:
            messages.success(request, _("%(n)s household(s) newly found.") % {"n": len(found)})
        return redirect("casework:outreach")
    candidates = list(
        scope(
            OutreachCandidate.objects.filter(
                status__in=[OutreachStatus.OPEN, OutreachStatus.CONTACTED]
            ),
            request.user,
        ).select_related("household")[:LISTED]
    )
    return render(request, "casework/outreach.html", {"candidates": candidates})


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def outreach_act(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = get_outreach_for(request.user, candidate_id)
    action = request.POST.get("action", "")
    try:
        if action == "apply":
            application = services.outreach_apply(
                actor=user_of(request), candidate=candidate, request=request
            )
            messages.success(request, _("The application is started."))
            return redirect("casework:application", application_id=application.pk)
        services.outreach_mark(
            actor=user_of(request),
            candidate=candidate,
            outcome=action,
            note=request.POST.get("note", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("Recorded."))
    return redirect("casework:outreach")
