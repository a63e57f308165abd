"""Pages of the funds: the allocations of the area (record, adjust), one allocation down to the
payrolls that draw on it, and the ledger of a region's payrolls over a year or months."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework.models import Program
from huimin.core.access import covers, region_codes_of
from huimin.core.errors import HuiminError, NotAllowed, ValidationFailed
from huimin.core.models import Region, User
from huimin.core.money import parse_yuan
from huimin.payments import access, services
from huimin.payments.models import Allocation
from huimin.payments.queries import (
    allocation_adjustments,
    allocation_cycles,
    allocations_spending,
    ledger_by_cycle,
    ledger_verify,
)

ALLOCATIONS_SHOWN = 200
PAYROLLS_SHOWN = 200  # of one allocation, newest first
# The ledger checks every line's seal: a region's payrolls over two years at most at once.
LEDGER_MAX_MONTHS = 24


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise NotAllowed(_("You may not do this."))


def _year(text: str, field: str = "year") -> int:
    if not text.strip().isdigit() or len(text.strip()) != 4:
        raise ValidationFailed(_("Give the year as four digits, such as 2026."), field=field)
    return int(text.strip())


def _shares(request: HttpRequest) -> dict[str, int]:
    """The three shares typed in yuan, as fen."""
    return {
        name: parse_yuan(request.POST.get(name, "").strip() or "0", field=name)
        for name in services.SHARES
    }


def _region_names(codes: set[str]) -> dict[str, str]:
    language = translation.get_language() or ""
    return {r.code: r.name_for(language) for r in Region.objects.filter(code__in=codes)}


def _allocation_filters(request: HttpRequest) -> dict[str, object]:
    """The list's filters; one that is not valid is named and left out."""
    filters: dict[str, object] = {}
    year, program = request.GET.get("year", "").strip(), request.GET.get("program", "").strip()
    try:
        if year:
            filters["year"] = _year(year)
        if program:
            if program not in Program.values:
                raise ValidationFailed(_("Choose a program."), field="program")
            filters["program"] = program
    except ValidationFailed as error:
        messages.error(request, error.message)
    return filters


def _allocation_create(request: HttpRequest) -> Allocation:
    _require(request, "payments.add_allocation")
    region = request.POST.get("region_code", "").strip()
    if not region or not covers(request.user, region):
        raise ValidationFailed(_("Choose a region in your area."), field="region_code")
    return services.allocation_create(
        actor=_user(request),
        program=request.POST.get("program", ""),
        region_code=region,
        year=_year(request.POST.get("year", "")),
        **_shares(request),
    )


@login_required
@permission_required("payments.view_allocation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def allocation_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            allocation = _allocation_create(request)
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The allocation is recorded."))
            return redirect("payments:allocation", allocation_id=allocation.pk)
    filters = _allocation_filters(request)
    allocations = list(
        access.allocations_for(request.user)
        .filter(**filters)
        .order_by("-year", "region_code", "program")[:ALLOCATIONS_SHOWN]
    )
    spending = allocations_spending(allocations)
    names = _region_names({a.region_code for a in allocations})
    context = {
        "rows": [(a, names.get(a.region_code, ""), spending[a.pk]) for a in allocations],
        "filters": filters,
        "programs": Program.choices,
        "this_year": timezone.localdate().year,
    }
    return render(request, "payments/allocation_list.html", context)


@login_required
@permission_required("payments.view_allocation", raise_exception=True)
@require_GET
def allocation_detail(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = access.get_allocation_for(request.user, allocation_id)
    draws = allocation_cycles(allocation, access.cycles_for(request.user))
    context = {
        "allocation": allocation,
        "region_name": _region_names({allocation.region_code}).get(allocation.region_code, ""),
        "spending": allocations_spending([allocation])[allocation.pk],
        "draws": draws[:PAYROLLS_SHOWN],
        "more_draws": max(0, len(draws) - PAYROLLS_SHOWN),
        "adjustments": list(allocation_adjustments(allocation).select_related("actor")[:50]),
        "ledger_query": urlencode({"region": allocation.region_code, "year": allocation.year}),
    }
    return render(request, "payments/allocation.html", context)


@login_required
@permission_required("payments.view_allocation", raise_exception=True)
@require_POST
def allocation_adjust(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = access.get_allocation_for(request.user, allocation_id)
    try:
        _require(request, "payments.change_allocation")
        services.allocation_adjust(
            actor=_user(request),
            allocation=allocation,
            reason=request.POST.get("reason", ""),
            **_shares(request),
        )
    except HuiminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The allocation is adjusted."))
    return redirect("payments:allocation", allocation_id=allocation.pk)


def _ledger_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The first and last month asked for: a year, or from one month to another."""
    start, end = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    if start or end:
        first = services.month_parse(start or end, field="from")
        last = services.month_parse(end or start, field="to")
        if last < first:
            raise ValidationFailed(_("The last month comes before the first."), field="to")
        if (last.year - first.year) * 12 + last.month - first.month >= LEDGER_MAX_MONTHS:
            raise ValidationFailed(
                _("Ask for %(n)d months at most.") % {"n": LEDGER_MAX_MONTHS}, field="to"
            )
        return first, last
    year = _year(request.GET.get("year", "").strip() or str(timezone.localdate().year))
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


@login_required
@permission_required("payments.view_paymentline", raise_exception=True)
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """Per payroll of a region: where every fen went, the totals, and the ledger check."""
    own = region_codes_of(request.user)
    region = request.GET.get("region", "").strip() or (own[0] if own else "")
    if not region or not covers(request.user, region):
        raise Http404  # outside the jurisdiction, as if there were no such region
    this_year = dt.date(timezone.localdate().year, 1, 1)
    try:
        first, last = _ledger_period(request)
    except ValidationFailed as error:
        messages.error(request, error.message)
        first, last = this_year, this_year.replace(month=12)
    cycles = access.cycles_for(request.user).filter(
        region_code__startswith=region, month__gte=first, month__lte=last
    )
    rows, totals = ledger_by_cycle(cycles)
    context = {
        "region": region,
        "region_name": _region_names({region}).get(region, ""),
        "own_regions": own,
        "first": first,
        "last": last,
        "rows": rows,
        "totals": totals,
        "report": ledger_verify(cycles),
    }
    return render(request, "payments/ledger.html", context)
