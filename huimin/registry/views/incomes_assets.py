"""The forms that add an income of a member or an asset of a household, and end them."""

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huimin.core.errors import HuiminError
from huimin.registry import services
from huimin.registry.access import get_asset_for, get_household_for, get_income_for, get_person_for
from huimin.registry.forms import AssetForm, EndForm, IncomeForm, show_error
from huimin.registry.models import Household
from huimin.registry.views._common import GET_POST, form_page, user_of


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def income_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    form = IncomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.income_add(
                actor=user_of(request),
                person=person,
                income_type=data["income_type"],
                monthly_fen=data["monthly_fen"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                verified=data["verified"],
                exclusion_reason=data["exclusion_reason"],
                note=data["note"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The income is added."))
            return redirect("registry:household", household_id=person.household_id)
    return form_page(
        request,
        form,
        person.household,
        title=_("Add an income of %(name)s") % {"name": person.name},
        intro=_(
            "Record every income as it is. Each program's rules decide, by month and region, "
            "which kinds count: dibao, for example, does not count the basic old-age pension "
            "today. Exclude this one record only for a reason you can state."
        ),
        submit=_("Add the income"),
    )


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def income_end(request: HttpRequest, income_id: int) -> HttpResponse:
    income = get_income_for(request.user, income_id)
    return _end_record(
        request,
        household=income.person.household,
        end=lambda valid_to: services.income_end(
            actor=user_of(request), income=income, valid_to=valid_to, request=request
        ),
        done=_("The income is ended."),
        title=_("End an income of %(name)s") % {"name": income.person.name},
        intro=_("%(kind)s since %(since)s. The record stays in the history.")
        % {"kind": income.get_income_type_display(), "since": income.valid_from},
        submit=_("End the income"),
    )


@login_required
@permission_required("registry.change_household", raise_exception=True)
@require_http_methods(GET_POST)
def asset_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    form = AssetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.asset_add(
                actor=user_of(request),
                household=household,
                kind=data["kind"],
                value_fen=data["value_fen"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                is_disability_vehicle=data["is_disability_vehicle"],
                description=data["description"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The asset is added."))
            return redirect("registry:household", household_id=household.pk)
    return form_page(
        request,
        form,
        household,
        title=_("Add an asset of household %(no)s") % {"no": household.household_no},
        intro=_(
            "Deposits, securities, vehicles, homes, commercial property, debts owed to the family."
        ),
        submit=_("Add the asset"),
    )


@login_required
@permission_required("registry.change_household", raise_exception=True)
@require_http_methods(GET_POST)
def asset_end(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = get_asset_for(request.user, asset_id)
    return _end_record(
        request,
        household=asset.household,
        end=lambda valid_to: services.asset_end(
            actor=user_of(request), asset=asset, valid_to=valid_to, request=request
        ),
        done=_("The asset is ended."),
        title=_("The family no longer holds this asset"),
        intro=_("%(kind)s since %(since)s. The record stays in the history.")
        % {"kind": asset.get_kind_display(), "since": asset.valid_from},
        submit=_("Save"),
    )


def _end_record(
    request: HttpRequest,
    *,
    household: Household,
    end: Callable[[date], object],
    done: str,
    title: str,
    intro: str,
    submit: str,
) -> HttpResponse:
    """Ask for the last day of an income or asset, end it through `end`, back to the household."""
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            end(form.cleaned_data["valid_to"])
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, done)
            return redirect("registry:household", household_id=household.pk)
    return form_page(request, form, household, title=title, intro=intro, submit=submit)
