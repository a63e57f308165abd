"""Requests, complaints and reports (诉求): the resident's side and the staff's side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.citizens.access import (
    citizen_required,
    current_citizen,
    get_request_for_citizen,
    get_request_for_staff,
    requests_for_citizen,
    requests_for_staff,
)
from huimin.citizens.forms import AnswerForm, RatingForm, RequestForm, StaffRequestForm
from huimin.citizens.models import Request, RequestStatus
from huimin.citizens.services import request_answer, request_file, request_rate
from huimin.citizens.views.public import _lang
from huimin.core.errors import HuiminError
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.payments.models import PaymentVisit

PAGE_SIZE = 100


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """File a question, complaint, report or request for help; signed in or not."""
    account = current_citizen(request)
    initial = {}
    if account is not None and account.household is not None:
        initial["township"] = account.household.region_code[:9]
    form = RequestForm(request.POST or None, initial=initial, lang=_lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_file(
                kind=data["kind"],
                text=data["text"],
                region_code=data["township"],
                account=None if data["anonymous"] else account,
                contact_phone="" if data["anonymous"] else data["contact_phone"],
                anonymous=data["anonymous"],
                concerns_caseworker=data["concerns_caseworker"],
                request=request,
            )
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if filed.anonymous:
                messages.success(request, _("Your report is received. Nothing about you was kept."))
            else:
                messages.success(
                    request,
                    _("Received as no. %(number)s; the answer is due by %(day)s.")
                    % {"number": filed.pk, "day": filed.due_date.isoformat()},
                )
            return redirect("portal-requests" if account and not filed.anonymous else "portal-home")
    return render(request, "citizens/request_new.html", {"form": form, "account": account})


@citizen_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    account = request.citizen  # type: ignore[attr-defined]
    filed = requests_for_citizen(account).prefetch_related("answers").order_by("-created_at")
    return render(
        request, "citizens/my_requests.html", {"requests": filed, "rating_form": RatingForm()}
    )


@citizen_required
@require_POST
def request_rate_view(request: HttpRequest, request_id: int) -> HttpResponse:
    account = request.citizen  # type: ignore[attr-defined]
    filed = get_request_for_citizen(account, request_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            request_rate(
                account=account,
                filed=filed,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose from 1 to 5."))
    return redirect("portal-requests")


# --- Staff ---


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def staff_request_list(request: AuthedRequest) -> HttpResponse:
    """Open requests of the area, overdue and escalated first, then by due date."""
    today = timezone.localdate()
    open_requests = (
        requests_for_staff(request.user)
        .filter(status=RequestStatus.OPEN)
        .order_by("due_date", "pk")[:PAGE_SIZE]
    )
    return render(
        request,
        "citizens/staff_request_list.html",
        {"requests": open_requests, "today": today},
    )


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_request_detail(request: AuthedRequest, request_id: int) -> HttpResponse:
    filed = get_request_for_staff(request.user, request_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            request_answer(
                actor=request.user,
                filed=filed,
                text=form.cleaned_data["text"],
                close=form.cleaned_data["close"],
                request=request,
            )
        except HuiminError as error:
            form.add_error(None, error.message)
        else:
            return redirect("citizen-request-detail", request_id=filed.pk)
    answers = filed.answers.select_related("answered_by")
    context = {
        "filed": filed,
        "answers": answers,
        "form": form,
        "today": timezone.localdate(),
        "visit": _payment_checked(filed),
    }
    return render(request, "citizens/staff_request_detail.html", context)


def _payment_checked(filed: Request) -> PaymentVisit | None:
    """The post-payment check a follow-up came from, with its line and payroll (one query).
    The request is within the user's area, and so is the payroll: it is routed to its region."""
    if filed.payment_visit_id is None:
        return None
    return PaymentVisit.objects.select_related("line__payee", "cycle", "recorded_by").get(
        pk=filed.payment_visit_id
    )


@login_required
@permission_required("casework.take_application", raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_request_new(request: AuthedRequest) -> HttpResponse:
    """A visit, a call or a 12345 hotline ticket, recorded by staff."""
    form = StaffRequestForm(request.POST or None, lang=_lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_file(
                actor=request.user,
                channel=data["channel"],
                kind=data["kind"],
                text=data["text"],
                region_code=data["township"],
                contact_phone="" if data["anonymous"] else data["contact_phone"],
                anonymous=data["anonymous"],
                concerns_caseworker=data["concerns_caseworker"],
                request=request,
            )
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("citizen-request-detail", request_id=filed.pk)
    return render(request, "citizens/staff_request_new.html", {"form": form})


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def staff_request_report(request: AuthedRequest) -> HttpResponse:
    """For supervisors: per township and month, requests closed, share in time, mean rating."""
    rows = list(
        requests_for_staff(request.user)
        .filter(status=RequestStatus.CLOSED)
        .annotate(month=TruncMonth("closed_at"), township=F("region_code"))
        .values("township", "month")
        .annotate(
            closed=Count("pk"),
            in_time=Count("pk", filter=Q(answered_in_time=True)),
            rated=Count("rating"),
            mean_rating=Avg("rating"),
        )
        .order_by("-month", "township")
    )
    names = dict(
        (r.code, r.name_for(_lang()))
        for r in Region.objects.filter(code__in={row["township"] for row in rows})
    )
    for row in rows:
        row["name"] = names.get(row["township"], row["township"])
        row["share"] = round(100 * row["in_time"] / row["closed"]) if row["closed"] else 0
    escalated = requests_for_staff(request.user).filter(
        status=RequestStatus.OPEN, escalated_at__isnull=False
    )
    return render(
        request,
        "citizens/staff_request_report.html",
        {
            "rows": rows,
            "escalated": escalated.order_by("due_date")[:PAGE_SIZE],
            "today": timezone.localdate(),
        },
    )
