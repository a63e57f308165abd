"""The search page: households, with their members, by name, identity number (whole or its
visible parts), household number, place and filters, within the jurisdiction."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huimin.core.errors import HuiminError
from huimin.registry import queries
from huimin.registry.forms import SearchForm
from huimin.registry.views._common import township_choices, user_of, village_choices


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy() if request.GET else None
    townships = township_choices(request)
    township = data.get("township", "") if data is not None else ""
    villages = village_choices(request, township) if township in dict(townships) else []
    if data is not None and data.get("village", "") not in dict(villages):
        # A village of another township, left from before the township changed (no JavaScript):
        # the township's villages are offered instead of an error.
        data["village"] = ""
    form = SearchForm(data, townships=townships, villages=villages)
    page = None
    if form.is_valid():
        filters = queries.Filters(
            age_band=form.cleaned_data["age_band"],
            disability=form.cleaned_data["disability"],
            residence_type=form.cleaned_data["residence_type"],
        )
        try:
            terms = queries.search_parse(
                form.cleaned_data["q"],
                village=form.region(),
                contains=form.cleaned_data["contains"],
                filters=filters,
            )
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if not terms.empty:
                page = queries.household_page(user_of(request), terms, request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {"form": form, "page": page, "query": keep.urlencode(), "export": ""}
    if page is not None:
        # The export page takes one region code and the filters: the same households.
        export = QueryDict(mutable=True)
        export.update({"q": form.cleaned_data["q"], "village": form.region()})
        if form.cleaned_data["contains"]:
            export["contains"] = "1"
        for key in ("age_band", "disability", "residence_type"):
            if form.cleaned_data[key]:
                export[key] = form.cleaned_data[key]
        context["export"] = export.urlencode()
    return render(request, "registry/search.html", context)


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def villages(request: HttpRequest) -> HttpResponse:
    """The village choice for one township (htmx swaps it in when the township changes)."""
    township = request.GET.get("township", "")
    townships = dict(township_choices(request))
    choices = village_choices(request, township) if township in townships else []
    form = SearchForm(townships=[], villages=choices)
    return render(request, "registry/_village_field.html", {"form": form})
