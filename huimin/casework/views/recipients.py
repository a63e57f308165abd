"""What a household receives; the area's recipients; a change of circumstance dealt with."""

import csv
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huimin.casework import queries, services
from huimin.casework.access import get_change_for
from huimin.casework.models import EntitlementStatus, Program
from huimin.casework.views._common import refused, user_of
from huimin.core.access import region_codes_of
from huimin.core.errors import HuiminError
from huimin.core.money import format_yuan
from huimin.core.regions import common_ancestor
from huimin.registry.access import get_household_for

PAGE_SIZE = 50


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_GET
def household_benefits(request: HttpRequest, household_id: int) -> HttpResponse:
    """What the household receives, since when, how much, the next review; every decision."""
    household = get_household_for(request.user, household_id)
    found = queries.household_benefits(request.user, household.pk)
    return render(request, "casework/household.html", {"household": household, "benefits": found})


def _filters(request: HttpRequest) -> dict[str, Any]:
    program = request.GET.get("program", "")
    status = request.GET.get("status", "")
    village = request.GET.get("village", "").strip()
    try:
        review_before: dt.date | None = dt.date.fromisoformat(request.GET.get("review_before", ""))
    except ValueError:
        review_before = None
    return {
        "program": program if program in Program.values else "",
        "status": status if status in EntitlementStatus.values else "",
        "village": village if village.isdigit() else "",
        "review_before": review_before,
    }


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_GET
def recipients(request: HttpRequest) -> HttpResponse:
    """My recipients: filter by program, village, status and review date; export as CSV."""
    filters = _filters(request)
    found = queries.recipients(request.user, **filters)
    if request.GET.get("format") == "csv":
        return _export(request, found, filters)
    summary = queries.recipients_summary(found)
    pages = max(1, -(-summary["n"] // PAGE_SIZE))
    try:
        number = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        number = 1
    rows = list(found[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    query = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items() if v}
    context = {
        "rows": rows,
        "summary": summary,
        "filters": filters,
        "programs": Program.choices,
        "statuses": EntitlementStatus.choices,
        "number": number,
        "pages": pages,
        "query": urlencode(query),
        "today": timezone.localdate(),
    }
    return render(request, "casework/recipients.html", context)


def _export(request: HttpRequest, found: Any, filters: dict[str, Any]) -> HttpResponse:
    rows = list(found)
    region = common_ancestor(region_codes_of(request.user))
    services.recipients_export_record(
        actor=user_of(request),
        region_code=region,
        filters={k: str(v) for k, v in filters.items() if v},
        rows=len(rows),
        request=request,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="recipients.csv"'
    response.write("\ufeff")  # Excel reads the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Household number"),
            _("Head of household"),
            _("Address"),
            _("Village code"),
            _("Program"),
            _("Yuan a month"),
            _("First month"),
            _("Review due"),
            _("Status"),
        ]
    )
    for e in rows:
        writer.writerow(
            [
                e.household.household_no,
                e.head_name or "",
                e.household.address,
                e.region_code,
                e.get_program_display(),
                format_yuan(e.monthly_fen),
                e.start_month.strftime("%Y-%m"),
                e.review_due.isoformat() if e.review_due else "",
                e.get_status_display(),
            ]
        )
    return response


@login_required
@permission_required("casework.prepare_application", raise_exception=True)
@require_POST
def change_close(request: HttpRequest, change_id: int) -> HttpResponse:
    change = get_change_for(request.user, change_id)
    try:
        services.change_close(
            actor=user_of(request),
            change=change,
            note=request.POST.get("note", ""),
            resume=request.POST.get("resume") == "1",
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The change is marked as dealt with."))
    return redirect("casework:household", household_id=change.household_id)
