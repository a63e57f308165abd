"""The forms about one member: add, change, move to another household, record a death."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huimin.core import access as core_access
from huimin.core.errors import HuiminError
from huimin.registry import queries, services
from huimin.registry.access import get_household_for, get_person_for
from huimin.registry.forms import DeathForm, PersonForm, TransferForm, show_error
from huimin.registry.models import Household, Person
from huimin.registry.views._common import GET_POST, form_page, user_of


@login_required
@permission_required("registry.add_person", raise_exception=True)
@require_http_methods(GET_POST)
def person_add(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    form = PersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_add(
                actor=user_of(request), household=household, facts=form.facts(), request=request
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
                actor=user_of(request), person=person, facts=form.facts(), request=request
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
    find = request.GET.get("find", "")
    destinations, find_error = _destinations(request, find, person)
    if request.headers.get("HX-Request") and "find" in request.GET:
        return render(
            request,
            "registry/_destinations.html",
            {"destinations": destinations, "find": find, "find_error": find_error},
        )
    initial = {"to_household_no": request.GET.get("to", "")[:20]}
    form = TransferForm(
        request.POST if request.method == "POST" else None, initial=initial, others=others
    )
    if request.method == "POST" and form.is_valid():
        target = _destination(request, form)
        if target is not None:
            try:
                services.person_transfer(
                    actor=user_of(request),
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
    return render(
        request,
        "registry/transfer_form.html",
        {
            "form": form,
            "person": person,
            "household": person.household,
            "find": find,
            "destinations": destinations,
            "find_error": find_error,
        },
    )


def _destinations(request: HttpRequest, find: str, person: Person) -> tuple[list[Household], str]:
    """The households in the user's jurisdiction matching the search, or what is wrong with it."""
    try:
        found = queries.household_destinations(user_of(request), find, exclude=person.household_id)
    except HuiminError as error:
        return [], error.message
    return found, ""


def _destination(request: HttpRequest, form: TransferForm) -> Household | None:
    """The household the form names, if the user's jurisdiction holds it; else a form error."""
    number = form.cleaned_data["to_household_no"].strip()
    target = core_access.scope(Household.objects.all(), request.user).filter(household_no=number)
    found = target.first()
    if found is None:
        form.add_error(
            "to_household_no",
            _("There is no household %(no)s in your jurisdiction.") % {"no": number},
        )
    return found


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
                actor=user_of(request),
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
    return form_page(
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
