"""The search page: people by name, identity number or household number, within the jurisdiction."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huimin.core.errors import HuiminError
from huimin.core.pii import mask
from huimin.registry import queries
from huimin.registry.forms import SearchForm
from huimin.registry.views._common import places, user_of


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    choices, names = places(request, villages_only=False)
    form = SearchForm(request.GET or None, places=choices)
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
                people = queries.person_search(user_of(request), terms)
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
