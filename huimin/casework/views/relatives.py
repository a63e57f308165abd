"""Staff relatives: declare one, see the flagged applications of the area, the county re-check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from huimin.casework import services
from huimin.casework.access import get_application_for
from huimin.casework.models import Application, RelativeDeclaration, RelativeFlag
from huimin.casework.views._common import GET_POST, refused, user_of
from huimin.core.access import scope
from huimin.core.errors import HuiminError, ValidationFailed
from huimin.registry.models import Person

LISTED = 200


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_http_methods(GET_POST)
def relatives(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            person = _person(request)
            services.relative_declare(
                actor=user_of(request),
                person=person,
                relation=request.POST.get("relation", ""),
                request=request,
            )
        except HuiminError as error:
            refused(request, error)
        else:
            messages.success(request, _("The relative is declared."))
        return redirect("casework:relatives")
    flagged = list(
        scope(Application.objects.exclude(relative_flag=""), request.user)
        .select_related("household", "applicant", "relative_staff", "relative_reviewed_by")
        .order_by("-created_at")[:LISTED]
    )
    mine = list(
        RelativeDeclaration.objects.filter(staff_id=request.user.pk).select_related(
            "person__household"
        )
    )
    context = {"flagged": flagged, "mine": mine, "flags": dict(RelativeFlag.choices)}
    return render(request, "casework/relatives.html", context)


def _person(request: HttpRequest) -> Person:
    """The member named in the form, in a household of the user's area."""
    number = request.POST.get("household_no", "").strip()
    name = request.POST.get("name", "").strip()
    found = scope(
        Person.objects.filter(household__household_no=number, name=name, death_date__isnull=True),
        request.user,
        "household__region_code",
    ).first()
    if found is None:
        raise ValidationFailed(_("No living member of that name in that household of your area."))
    return found


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def relative_review(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    try:
        services.relative_review_record(
            actor=user_of(request),
            application=application,
            note=request.POST.get("note", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The county's re-check is recorded."))
    return redirect("casework:application", application_id=application.pk)
