"""The household page, and the forms that register a household or change its own facts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core.errors import HuiminError
from huimin.core.money import format_yuan
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.registry import queries, services
from huimin.registry.access import get_household_for
from huimin.registry.forms import HeadForm, HouseholdForm, PayeeForm, PersonForm, show_error
from huimin.registry.models import Asset, AssetKind, Household
from huimin.registry.validation import HouseholdFacts
from huimin.registry.views._common import GET_POST, form_page, places, region_names, user_of
from huimin.registry.views.history import history_rows


def household_context(request: HttpRequest, household: Household) -> dict:
    """Everything the household page shows, personal numbers masked."""
    detail = queries.household_detail(household)
    names = region_names([household.region_code, household.region_code[:9]])
    living = [m for m in detail.members if not m.is_dead]
    for member in detail.members:
        member.masked_id = mask(member.id_number)  # type: ignore[attr-defined]
        member.pii_target = f"id-{member.pk}"  # type: ignore[attr-defined]
    return {
        "household": household,
        "village_name": names.get(household.region_code, ""),
        "township_name": names.get(household.region_code[:9], ""),
        "members": detail.members,
        "members_with_income": [m for m in detail.members if m.incomes.all()],
        "assets": [(asset, asset_amount(asset)) for asset in detail.assets],
        "history": history_rows(detail.snapshots),
        "masked_bank": mask_bank_account(household.bank_account),
        "masked_phone": mask_phone(household.phone),
        "payee_form": PayeeForm(
            initial={"payee": household.payee_id, "version": household.version},
            members=living,
        )
        if living
        else None,
        "today": timezone.localdate(),
    }


# Money held: the rules add these values up against the financial-asset limit.
MONEY_ASSETS = (AssetKind.DEPOSIT, AssetKind.SECURITIES, AssetKind.DEBT_OWED)


def asset_amount(asset: Asset) -> str:
    """What one asset record amounts to, in its own unit.

    Deposits, securities and debts are money; a vehicle is one vehicle and its value (the rules
    weigh the value of a vehicle that is not a disability vehicle); a home or a commercial property
    is one property, counted by number (its value shown only when it was recorded). The registry
    records no floor area.
    """
    value = _("%(yuan)s yuan") % {"yuan": format_yuan(asset.value_fen)}
    if asset.kind in MONEY_ASSETS:
        return value
    if asset.kind == AssetKind.VEHICLE:
        return _("1 vehicle, worth %(value)s") % {"value": value}
    one = _("1 home") if asset.kind == AssetKind.HOME else _("1 property")
    if asset.value_fen:
        return _("%(one)s, worth %(value)s") % {"one": one, "value": value}
    return one


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    return render(request, "registry/household.html", household_context(request, household))


@login_required
@permission_required("registry.add_household", raise_exception=True)
@require_http_methods(GET_POST)
def household_create(request: HttpRequest) -> HttpResponse:
    villages, _names = places(request, villages_only=True)
    data = request.POST if request.method == "POST" else None
    household_form = HouseholdForm(data, villages=villages)
    head_form = PersonForm(data, prefix="head", head=True)
    if request.method == "POST" and household_form.is_valid() and head_form.is_valid():
        try:
            household = services.household_create(
                actor=user_of(request),
                facts=household_form.facts(),
                members=[head_form.facts(relation="head")],
                request=request,
            )
        except HuiminError as error:
            show_error(error, household_form, head_form)
        else:
            messages.success(
                request,
                _("Household %(no)s is registered. Add the other members below.")
                % {"no": household.household_no},
            )
            return redirect("registry:household", household_id=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": household_form, "head_form": head_form, "household": None},
    )


@login_required
@permission_required("registry.change_household", raise_exception=True)
@require_http_methods(GET_POST)
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    villages, _names = places(request, villages_only=True)
    initial = {
        "region_code": household.region_code,
        "address": household.address,
        "residence_type": household.residence_type,
        "bank_name": household.bank_name,
        "version": household.version,
    }
    form = HouseholdForm(
        request.POST if request.method == "POST" else None, villages=villages, initial=initial
    )
    keep = _kept_numbers_help(form, household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=user_of(request),
                household=household,
                facts=form.facts(keep=keep),
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The household's details are saved."))
            return redirect("registry:household", household_id=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "household": household})


def _kept_numbers_help(form: HouseholdForm, household: Household) -> HouseholdFacts:
    """Numbers on record are never put in the form in clear; empty means keep them."""
    if household.bank_account:
        form.fields["bank_account"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
            "masked": mask_bank_account(household.bank_account)
        }
    if household.phone:
        form.fields["phone"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
            "masked": mask_phone(household.phone)
        }
    return HouseholdFacts(
        region_code=household.region_code,
        address=household.address,
        residence_type=household.residence_type,
        bank_account=household.bank_account,
        phone=household.phone,
    )


@login_required
@permission_required("registry.change_household", raise_exception=True)
@require_POST
def household_payee(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    living = list(household.members.filter(death_date__isnull=True))
    form = PayeeForm(request.POST, members=living)
    if form.is_valid():
        try:
            services.household_set_payee(
                actor=user_of(request),
                household=household,
                payee=next(m for m in living if str(m.pk) == form.cleaned_data["payee"]),
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except HuiminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The payee is changed."))
    else:
        messages.error(request, _("Choose a living member as the payee."))
    return redirect("registry:household", household_id=household.pk)


@login_required
@permission_required("registry.change_household", raise_exception=True)
@require_http_methods(GET_POST)
def household_head(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    living = list(household.members.filter(death_date__isnull=True).exclude(relation="head"))
    form = HeadForm(request.POST if request.method == "POST" else None, members=living)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_head(
                actor=user_of(request),
                household=household,
                new_head=next(m for m in living if str(m.pk) == form.cleaned_data["new_head"]),
                old_head_relation=form.cleaned_data["old_head_relation"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The head of household is changed."))
            return redirect("registry:household", household_id=household.pk)
    return form_page(
        request,
        form,
        household,
        title=_("Change the head of household %(no)s") % {"no": household.household_no},
        intro=_("Only living members other than the present head can be chosen."),
        submit=_("Change the head"),
        empty=_("There is no other living member who could head this household.")
        if not living
        else "",
    )
