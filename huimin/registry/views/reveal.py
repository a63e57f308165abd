"""Showing one personal number in clear: permission checked, audited, never cached."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from huimin.core.errors import NotAllowed
from huimin.core.services import pii_reveal
from huimin.registry.access import get_household_for, get_person_for
from huimin.registry.models import Household, Person
from huimin.registry.views._common import user_of
from huimin.registry.views.households import household_context


@login_required
@permission_required("core.reveal_pii", raise_exception=True)
@require_POST
@never_cache
def household_reveal(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    field = request.POST.get("field", "")
    if field not in ("bank_account", "phone"):
        return HttpResponseBadRequest(_("Nothing to show."))
    value = _reveal(request, household, field, household.region_code)
    return _revealed(request, f"{field}-value", value, household)


@login_required
@permission_required("core.reveal_pii", raise_exception=True)
@require_POST
@never_cache
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    value = _reveal(request, person, "id_number", person.household.region_code)
    return _revealed(request, f"id-{person.pk}", value, person.household, person=person)


def _reveal(request: HttpRequest, record: Household | Person, field: str, region: str) -> str:
    try:
        return pii_reveal(
            user=user_of(request), record=record, field=field, region_code=region, request=request
        )
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from refusal


def _revealed(
    request: HttpRequest,
    target: str,
    value: str,
    household: Household,
    person: Person | None = None,
) -> HttpResponse:
    """The clear value for this one response: a fragment for htmx, else the whole page."""
    if request.headers.get("HX-Request"):
        return render(request, "registry/_revealed.html", {"value": value, "target": target})
    context = household_context(request, household)
    if person is not None:
        for member in context["members"]:
            if member.pk == person.pk:
                member.masked_id = None
                member.revealed_id = value
    else:
        context["revealed_" + target.split("-")[0]] = value
    return render(request, "registry/household.html", context)
