"""The only ways a citizen's page gets a citizen's records.

A citizen's session holds their account id under its own key (never Django's staff login), so no
staff permission applies to it. Every record is reached from the signed-in account: its linked
household's applications, nothing else; another household's record answers 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from huimin.casework.models import Application
from huimin.citizens.models import CitizenAccount, CitizenNotice, Request
from huimin.core.access import region_filter
from huimin.core.models import User
from huimin.payments.models import CycleStatus, LineStatus, PaymentLine

SESSION_KEY = "huimin_citizen_account"


def current_citizen(request: HttpRequest) -> CitizenAccount | None:
    account_id = request.session.get(SESSION_KEY)
    if account_id is None:
        return None
    return (
        CitizenAccount.objects.select_related("household", "person").filter(pk=account_id).first()
    )


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A citizen's page: signed in with a code, or off to the sign-in page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = current_citizen(request)
        if account is None:
            if kwargs:  # a record's page: as if it did not exist
                raise Http404
            return redirect("portal-sign-in")
        request.citizen = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def applications_for(account: CitizenAccount) -> QuerySet[Application]:
    if account.household_id is None:
        return Application.objects.none()
    return Application.objects.filter(household_id=account.household_id)


def get_application_for(account: CitizenAccount, application_id: int) -> Application:
    application = applications_for(account).filter(pk=application_id).first()
    if application is None:
        raise Http404
    return application


def notices_for(account: CitizenAccount) -> QuerySet[CitizenNotice]:
    """The texts sent to this account (not those to another member's account)."""
    return CitizenNotice.objects.filter(account=account)


def payment_lines_for(account: CitizenAccount) -> QuerySet[PaymentLine]:
    """The payment lines of the account's own household, once their payroll is approved (a
    draft's lines may still change or be excluded)."""
    if account.household_id is None:
        return PaymentLine.objects.none()
    return (
        PaymentLine.objects.filter(household_id=account.household_id)
        .exclude(status=LineStatus.EXCLUDED)
        .exclude(cycle__status__in=(CycleStatus.DRAFT, CycleStatus.CHECKED))
    )


def requests_for_citizen(account: CitizenAccount) -> "QuerySet[Request]":
    return Request.objects.filter(account=account)


def get_request_for_citizen(account: CitizenAccount, request_id: int) -> Request:
    found = requests_for_citizen(account).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def requests_for_staff(user: User | AnonymousUser) -> "QuerySet[Request]":
    """The requests routed to the user's jurisdiction (a county's include those about its
    caseworkers; a township's do not)."""
    return Request.objects.filter(region_filter(user))


def get_request_for_staff(user: User | AnonymousUser, request_id: int) -> Request:
    found = requests_for_staff(user).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found
