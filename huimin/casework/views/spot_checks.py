"""The county's spot-checks: draw a sample of the decided cases of a period, record re-checks."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework import services
from huimin.casework.access import get_spot_check_for, get_spot_check_item_for
from huimin.casework.models import SpotCheck, SpotCheckResult
from huimin.casework.services._common import OFFICE_DIGITS
from huimin.casework.supervision import SUPERVISE
from huimin.casework.views._common import GET_POST, user_of
from huimin.core.access import region_codes_of, scope
from huimin.core.errors import HuiminError, ValidationFailed


def _date(raw: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as bad:
        raise ValidationFailed(_("Give a date as YYYY-MM-DD."), field=field) from bad


def _seed(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise ValidationFailed(_("The seed is a whole number."), field="seed")
    return int(raw)


@login_required
@permission_required(SUPERVISE, raise_exception=True)
@require_http_methods(GET_POST)
def spot_checks(request: HttpRequest) -> HttpResponse:
    """The spot-checks of the user's counties, and the form that draws a new one."""
    if request.method == "POST":
        try:
            drawn = services.spot_check_draw(
                actor=user_of(request),
                county_code=request.POST.get("county", "").strip(),
                starts_on=_date(request.POST.get("starts_on", ""), "starts_on"),
                ends_on=_date(request.POST.get("ends_on", ""), "ends_on"),
                seed=_seed(request.POST.get("seed", "")),
                request=request,
            )
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The sample is drawn."))
            return redirect("casework:spot-check", spot_check_id=drawn.pk)
    found = scope(SpotCheck.objects.select_related("drawn_by"), request.user)
    counties = [c for c in region_codes_of(request.user) if len(c) <= OFFICE_DIGITS]
    context = {
        "spot_checks": list(found[:50]),
        "county": counties[0] if len(counties) == 1 and len(counties[0]) == OFFICE_DIGITS else "",
        "may_draw": request.user.has_perm("casework.decide_application"),
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "casework/spot_checks.html", context)


@login_required
@permission_required(SUPERVISE, raise_exception=True)
@require_GET
def spot_check(request: HttpRequest, spot_check_id: int) -> HttpResponse:
    found = get_spot_check_for(request.user, spot_check_id)
    items = list(
        found.items.select_related("decision__application__applicant", "checked_by").order_by(
            "-relative_flagged", "id"
        )
    )
    context = {
        "spot_check": found,
        "items": items,
        "done": sum(item.result != SpotCheckResult.PENDING for item in items),
        "discrepancies": sum(item.result == SpotCheckResult.DISCREPANCY for item in items),
        "may_record": request.user.has_perm("casework.decide_application"),
    }
    return render(request, "casework/spot_check.html", context)


@login_required
@permission_required(SUPERVISE, raise_exception=True)
@require_POST
def spot_check_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_spot_check_item_for(request.user, item_id)
    try:
        services.spot_check_record(
            actor=user_of(request),
            item=item,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            request=request,
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The re-check is recorded."))
    return redirect("casework:spot-check", spot_check_id=item.spot_check_id)
