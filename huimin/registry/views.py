"""Registry pages: parse the form, call a query or a service, show the result. Nothing else."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core import access as core_access
from huimin.core.errors import HuiminError, NotAllowed
from huimin.core.models import Region, RegionLevel, User
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.core.services import pii_reveal
from huimin.registry import queries, services
from huimin.registry.access import (
    get_asset_for,
    get_household_for,
    get_income_for,
    get_person_for,
)
from huimin.registry.forms import (
    AssetForm,
    DeathForm,
    EndForm,
    HeadForm,
    HouseholdForm,
    IncomeForm,
    PayeeForm,
    PersonForm,
    SearchForm,
    TransferForm,
    show_error,
)
from huimin.registry.models import AssetKind, Household, IncomeType, Person, Relation
from huimin.registry.validation import HouseholdFacts

GET_POST = ["GET", "POST"]

# What each snapshot reason means, in words for the history list.
REASONS = {
    "household_create": gettext_lazy("Household registered"),
    "household_update": gettext_lazy("Household details changed"),
    "household_set_payee": gettext_lazy("Payee changed"),
    "household_set_head": gettext_lazy("Head of household changed"),
    "person_add": gettext_lazy("Member added"),
    "person_update": gettext_lazy("Member details changed"),
    "person_transfer_in": gettext_lazy("Member moved in"),
    "person_transfer_out": gettext_lazy("Member moved out"),
    "person_record_death": gettext_lazy("Death recorded"),
    "income_add": gettext_lazy("Income added"),
    "income_end": gettext_lazy("Income ended"),
    "asset_add": gettext_lazy("Asset added"),
    "asset_end": gettext_lazy("Asset ended"),
    "import": gettext_lazy("Imported from a file"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _places(request: HttpRequest, *, villages_only: bool) -> tuple[list, dict[str, str]]:
    """(choices, names by code) of the townships and villages in the user's jurisdiction."""
    english = (get_language() or "").startswith("en")
    regions = core_access.scope(
        Region.objects.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE]),
        request.user,
        field="code",
    ).values_list("code", "level", "name_zh", "name_en")
    names = {code: (en if english else zh) for code, _level, zh, en in regions}
    choices = []
    for code, level, _zh, _en in regions:
        if level == RegionLevel.VILLAGE:
            choices.append((code, f"{names.get(code[:9], '')} · {names[code]}"))
        elif not villages_only:
            label = _("%(township)s (whole township)") % {"township": names[code]}
            choices.append((code, label))
    return choices, names


def _region_names(codes: list[str]) -> dict[str, str]:
    english = (get_language() or "").startswith("en")
    rows = Region.objects.filter(code__in=codes).values_list("code", "name_zh", "name_en")
    return {code: (en if english else zh) for code, zh, en in rows}


# ---------------------------------------------------------------- search


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    places, names = _places(request, villages_only=False)
    form = SearchForm(request.GET or None, places=places)
    page = None
    if form.is_valid():
        try:
            terms = queries.search_parse(
                form.cleaned_data["q"],
                village=form.cleaned_data["village"],
                contains=form.cleaned_data["contains"],
            )
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if not terms.empty:
                people = queries.person_search(_user(request), terms)
                page = queries.page_of(people, request.GET.get("page"))
                for person in page.items:
                    person.masked_id = mask(person.id_number)  # type: ignore[attr-defined]
                    person.village_name = names.get(person.household.region_code, "")  # type: ignore[attr-defined]
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "registry/search.html",
        {"form": form, "page": page, "query": keep.urlencode()},
    )


# ---------------------------------------------------------------- household page


def _household_context(request: HttpRequest, household: Household) -> dict:
    detail = queries.household_detail(household)
    names = _region_names([household.region_code, household.region_code[:9]])
    living = [m for m in detail.members if not m.is_dead]
    for member in detail.members:
        member.masked_id = mask(member.id_number)  # type: ignore[attr-defined]
        member.pii_target = f"id-{member.pk}"  # type: ignore[attr-defined]
    history = [
        {
            "snapshot": snap,
            "what": REASONS.get(snap.reason, snap.reason),
            "note": snap.data.get("note", ""),
            "fields": _changed_fields(snap) if snap.reason.endswith("update") else [],
        }
        for snap in detail.snapshots
    ]
    return {
        "household": household,
        "village_name": names.get(household.region_code, ""),
        "township_name": names.get(household.region_code[:9], ""),
        "members": detail.members,
        "members_with_income": [m for m in detail.members if m.incomes.all()],
        "assets": detail.assets,
        "history": history,
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


def _changed_fields(snapshot: object) -> list[str]:
    """The changed fields' labels, as the forms call them (model names are shared words)."""
    changes = snapshot.data.get("changes", {})  # type: ignore[attr-defined]
    labels = []
    for name in changes:
        form_field = PersonForm.base_fields.get(name) or HouseholdForm.base_fields.get(name)
        if form_field is not None and form_field.label:
            labels.append(str(form_field.label))
            continue
        for model in (Household, Person):
            try:
                field = model._meta.get_field(name)
                labels.append(str(getattr(field, "verbose_name", name)))
                break
            except FieldDoesNotExist:
                continue
    return labels


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    return render(request, "registry/household.html", _household_context(request, household))


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def household_as_of(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    snapshot, when = None, None
    if request.GET.get("snapshot", "").isdigit():
        snapshot = household.snapshots.filter(pk=int(request.GET["snapshot"])).first()
    else:
        try:
            when = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            when = timezone.localdate()
        snapshot = queries.household_as_of(household, when)
    data = snapshot.data if snapshot else {}
    names = _region_names([data.get("household", {}).get("region_code", "")])
    for member in data.get("members", []):
        member["relation"] = _label(Relation, member.get("relation"))
    for income in data.get("incomes", []):
        income["income_type"] = _label(IncomeType, income.get("income_type"))
    for asset in data.get("assets", []):
        asset["kind"] = _label(AssetKind, asset.get("kind"))
    context = {
        "household": household,
        "snapshot": snapshot,
        "when": when or (snapshot.taken_at.date() if snapshot else timezone.localdate()),
        "data": data,
        "what": REASONS.get(snapshot.reason, snapshot.reason) if snapshot else "",
        "village_name": names.get(data.get("household", {}).get("region_code", ""), ""),
    }
    return render(request, "registry/household_as_of.html", context)


def _label(choices: type, value: object) -> str:
    """The words for a stored code; an unknown code (from an older version) shows as it is."""
    try:
        return str(choices(value).label)  # type: ignore[operator]
    except ValueError:
        return str(value)


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
            user=_user(request), record=record, field=field, region_code=region, request=request
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
    context = _household_context(request, household)
    if person is not None:
        for member in context["members"]:
            if member.pk == person.pk:
                member.masked_id = None
                member.revealed_id = value
    else:
        context["revealed_" + target.split("-")[0]] = value
    return render(request, "registry/household.html", context)


# ---------------------------------------------------------------- household forms


@login_required
@permission_required("registry.add_household", raise_exception=True)
@require_http_methods(GET_POST)
def household_create(request: HttpRequest) -> HttpResponse:
    villages, _names = _places(request, villages_only=True)
    data = request.POST if request.method == "POST" else None
    household_form = HouseholdForm(data, villages=villages)
    head_form = PersonForm(data, prefix="head", head=True)
    if request.method == "POST" and household_form.is_valid() and head_form.is_valid():
        try:
            household = services.household_create(
                actor=_user(request),
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
    villages, _names = _places(request, villages_only=True)
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
                actor=_user(request),
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
                actor=_user(request),
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
                actor=_user(request),
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
    return _form_page(
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


# ---------------------------------------------------------------- members


@login_required
@permission_required("registry.add_person", raise_exception=True)
@require_http_methods(GET_POST)
def person_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    form = PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(
                actor=_user(request), household=household, facts=form.facts(), request=request
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": person.name})
            return redirect("registry:household", household_id=household.pk)
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "household": household, "person": None},
    )


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        person=person,
        initial=PersonForm.initial_for(person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=_user(request), person=person, facts=form.facts(), request=request
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(
                request, _("The details of %(name)s are saved.") % {"name": person.name}
            )
            return redirect("registry:household", household_id=person.household_id)
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "household": person.household, "person": person},
    )


def _other_living(person: Person) -> list[Person]:
    """Who could take over as head, if this person heads the household."""
    if person.relation != "head":
        return []
    return list(
        Person.objects.filter(household_id=person.household_id, death_date__isnull=True).exclude(
            pk=person.pk
        )
    )


def _chosen(others: list[Person], pk: str | None) -> Person | None:
    return next((m for m in others if str(m.pk) == pk), None)


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def person_transfer(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    others = _other_living(person)
    form = TransferForm(request.POST if request.method == "POST" else None, others=others)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["to_household_no"].strip()
        target = (
            core_access.scope(Household.objects.all(), request.user)
            .filter(household_no=number)
            .first()
        )
        if target is None:
            form.add_error(
                "to_household_no",
                _("There is no household %(no)s in your jurisdiction.") % {"no": number},
            )
        else:
            try:
                services.person_transfer(
                    actor=_user(request),
                    person=person,
                    to_household=target,
                    relation=form.cleaned_data["relation"],
                    on_date=form.cleaned_data["on_date"],
                    new_head=_chosen(others, form.cleaned_data.get("new_head")),
                    request=request,
                )
            except HuiminError as error:
                show_error(error, form)
            else:
                messages.success(
                    request,
                    _("%(name)s has moved to household %(no)s.")
                    % {"name": person.name, "no": target.household_no},
                )
                return redirect("registry:household", household_id=target.pk)
    return _form_page(
        request,
        form,
        person.household,
        title=_("Move %(name)s to another household") % {"name": person.name},
        intro=_("The move keeps the history: the old household will show when %(name)s left.")
        % {"name": person.name},
        submit=_("Move"),
    )


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def person_death(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for(request.user, person_id)
    others = _other_living(person)
    form = DeathForm(request.POST if request.method == "POST" else None, others=others)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_record_death(
                actor=_user(request),
                person=person,
                death_date=form.cleaned_data["death_date"],
                new_head=_chosen(others, form.cleaned_data.get("new_head")),
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(
                request, _("The death of %(name)s is recorded.") % {"name": person.name}
            )
            return redirect("registry:household", household_id=person.household_id)
    return _form_page(
        request,
        form,
        person.household,
        title=_("Record the death of %(name)s") % {"name": person.name},
        intro=_(
            "A person who has died stops being the payee and cannot be part of a new application."
        ),
        submit=_("Record the death"),
        danger=True,
    )


# ---------------------------------------------------------------- income and assets


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
                actor=_user(request),
                person=person,
                income_type=data["income_type"],
                monthly_fen=data["monthly_fen"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                verified=data["verified"],
                counts_as_income=form.counts(),
                note=data["note"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The income is added."))
            return redirect("registry:household", household_id=person.household_id)
    return _form_page(
        request,
        form,
        person.household,
        title=_("Add an income of %(name)s") % {"name": person.name},
        intro=_(
            "Special-care payments, family-planning rewards, scholarships, bravery awards, "
            "assistance payments and the basic old-age pension do not count as income."
        ),
        submit=_("Add the income"),
    )


@login_required
@permission_required("registry.change_person", raise_exception=True)
@require_http_methods(GET_POST)
def income_end(request: HttpRequest, income_id: int) -> HttpResponse:
    income = get_income_for(request.user, income_id)
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.income_end(
                actor=_user(request),
                income=income,
                valid_to=form.cleaned_data["valid_to"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The income is ended."))
            return redirect("registry:household", household_id=income.person.household_id)
    return _form_page(
        request,
        form,
        income.person.household,
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
                actor=_user(request),
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
    return _form_page(
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
    form = EndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_end(
                actor=_user(request),
                asset=asset,
                valid_to=form.cleaned_data["valid_to"],
                request=request,
            )
        except HuiminError as error:
            show_error(error, form)
        else:
            messages.success(request, _("The asset is ended."))
            return redirect("registry:household", household_id=asset.household_id)
    return _form_page(
        request,
        form,
        asset.household,
        title=_("The family no longer holds this asset"),
        intro=_("%(kind)s since %(since)s. The record stays in the history.")
        % {"kind": asset.get_kind_display(), "since": asset.valid_from},
        submit=_("Save"),
    )


def _form_page(
    request: HttpRequest,
    form: object,
    household: Household,
    *,
    title: str,
    intro: str,
    submit: str,
    danger: bool = False,
    empty: str = "",
) -> HttpResponse:
    return render(
        request,
        "registry/simple_form.html",
        {
            "form": form,
            "household": household,
            "title": title,
            "intro": intro,
            "submit": submit,
            "danger": danger,
            "empty": empty,
        },
    )
