"""The supervisor's pages: the team with its open and overdue work; reassigning and extending."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huimin.casework import services, supervision
from huimin.casework.access import get_application_for
from huimin.casework.views._common import refused, user_of
from huimin.core.errors import HuiminError


@login_required
@permission_required(supervision.SUPERVISE, raise_exception=True)
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return render(request, "casework/team.html", {"team": supervision.team(request.user)})


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def application_reassign(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    # The service says who may reassign; the 404 above keeps other areas out.
    try:
        member_id = int(request.POST.get("to", ""))
    except ValueError:
        member_id = 0
    try:
        member = supervision.team_member_for(request.user, member_id)
    except Http404:
        messages.error(request, _("Choose someone of your team who works in the household's area."))
        return redirect("casework:application", application_id=application.pk)
    try:
        services.application_reassign(
            actor=user_of(request),
            application=application,
            to=member,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(
            request, _("%(name)s is now responsible for this case.") % {"name": member}
        )
    return redirect("casework:application", application_id=application.pk)


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def procedure_extend(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    try:
        services.procedure_extend(
            actor=user_of(request),
            application=application,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The procedure's time limit is extended."))
    return redirect("casework:application", application_id=application.pk)
