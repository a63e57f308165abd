"""What several registry pages share: the signed-in user, place names, the one-form page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huimin.core import access as core_access
from huimin.core.models import Region, RegionLevel, User
from huimin.registry.models import Household

GET_POST = ["GET", "POST"]


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def places(request: HttpRequest, *, villages_only: bool) -> tuple[list, dict[str, str]]:
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


def township_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """The townships in the user's jurisdiction, named with their county (names repeat)."""
    english = (get_language() or "").startswith("en")
    rows = core_access.scope(
        Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]),
        request.user,
        field="code",
    ).values_list("code", "level", "name_zh", "name_en")
    names = {code: (en or zh if english else zh) for code, _level, zh, en in rows}
    counties = {code[:6] for code, level, _zh, _en in rows if level == RegionLevel.COUNTY}
    choices = []
    for code, level, _zh, _en in sorted(rows):
        if level != RegionLevel.TOWNSHIP:
            continue
        county = names.get(code[:6], "") if len(counties) > 1 else ""
        choices.append((code, f"{county} · {names[code]}" if county else names[code]))
    return choices


def village_choices(request: HttpRequest, township: str) -> list[tuple[str, str]]:
    """The villages of one township that are in the user's jurisdiction (none for no township)."""
    if not (township.isdigit() and len(township) == 9):
        return []
    english = (get_language() or "").startswith("en")
    rows = core_access.scope(
        Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=township),
        request.user,
        field="code",
    ).values_list("code", "name_zh", "name_en")
    return [(code, (en or zh) if english else zh) for code, zh, en in sorted(rows)]


def region_names(codes: list[str]) -> dict[str, str]:
    english = (get_language() or "").startswith("en")
    rows = Region.objects.filter(code__in=codes).values_list("code", "name_zh", "name_en")
    return {code: (en if english else zh) for code, zh, en in rows}


def form_page(
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
