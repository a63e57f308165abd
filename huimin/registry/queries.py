"""Reads that span the registry: search, one household with everything on it, history.

Every query is scoped to the user's jurisdiction through `core.access.scope`. Search is built for
ten million people: each key uses an index (name prefix, the identity number's blind index, the
household number, the village code prefix), identity numbers are never decrypted to search, and
pages fetch one row more than they show instead of counting every match.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Generic, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.errors import ValidationFailed
from huimin.core.models import Region, RegionLevel, User
from huimin.core.pii import blind_index_candidates
from huimin.core.text import check_text, refuse_nul
from huimin.registry.models import (
    Household,
    HouseholdSnapshot,
    HouseholdStatus,
    IncomeRecord,
    Person,
    Relation,
)
from huimin.registry.validation import id_number_is_valid

PAGE_SIZE = 25
# A page beyond this is no real page (a million results); asking for one shows this page.
MAX_PAGE = 40_000
SEARCH_LENGTH = 50
T = TypeVar("T")
M = TypeVar("M", bound=Model)

ID_LIKE = re.compile(r"^[0-9]{17}[0-9X]$")
NUMBER_LIKE = re.compile(r"^[0-9A-Z-]*[0-9][0-9A-Z-]*$")


@dataclass(frozen=True)
class Search:
    """What the one search box understood."""

    kind: str  # "id_number", "household_no", "name" or "" (village only / nothing)
    text: str
    village: str = ""
    contains: bool = False

    @property
    def empty(self) -> bool:
        return not self.kind and not self.village


def search_parse(q: str, *, village: str = "", contains: bool = False) -> Search:
    """An identity number, a household number or a name, told apart by their shape."""
    check_text(q or "", field="q", max_length=SEARCH_LENGTH)
    refuse_nul(village or "", field="village")
    text = " ".join((q or "").split())
    village = (village or "").strip()
    if village and not (village.isdigit() and len(village) in (2, 4, 6, 9, 12)):
        raise ValidationFailed(
            _("choose a village from the list, or leave it empty"), field="village"
        )
    compact = text.replace(" ", "").upper()
    if not text:
        kind = ""
    elif ID_LIKE.match(compact):
        if not id_number_is_valid(compact):
            message = _(
                "“%(value)s” looks like an identity number but fails its check digit; check it "
                "against the card"
            )
            raise ValidationFailed(message % {"value": text}, field="q")
        kind, text = "id_number", compact
    elif NUMBER_LIKE.match(compact):
        kind, text = "household_no", compact
    else:
        kind = "name"
        # Only a prefix can use the name index; "any part of the name" reads every name in the
        # area, so it is kept to one township or village.
        if contains and len(village) < 9:
            raise ValidationFailed(
                _("to find a name by any part of it, choose a township or village too"),
                field="village",
            )
    return Search(kind=kind, text=text, village=village, contains=contains and kind == "name")


def _person_condition(search: Search) -> Q:
    if search.kind == "id_number":
        return Q(id_number_index__in=blind_index_candidates(search.text))
    if search.kind == "household_no":
        return Q(household__household_no=search.text)
    if search.kind == "name":
        return Q(name__contains=search.text) if search.contains else Q(name__startswith=search.text)
    return Q()


def person_search(user: User, search: Search) -> QuerySet[Person]:
    """People matching the search within the user's jurisdiction (nothing for an empty search)."""
    if search.empty:
        return Person.objects.none()
    people = access.scope(Person.objects.all(), user, field="household__region_code").filter(
        _person_condition(search)
    )
    if search.village:
        people = people.filter(household__region_code__startswith=search.village)
    order = ("name", "pk") if search.kind == "name" else ("household__household_no", "pk")
    return people.select_related("household").order_by(*order)


def household_search(user: User, search: Search) -> QuerySet[Household]:
    """Households with a member matching the search (or in the village), within jurisdiction."""
    if search.empty:
        return Household.objects.none()
    households = access.scope(Household.objects.all(), user)
    if search.kind == "household_no":
        households = households.filter(household_no=search.text)
    elif search.kind:
        matching = Person.objects.filter(_person_condition(search)).values("household_id")
        households = households.filter(pk__in=matching)
    if search.village:
        households = households.filter(region_code__startswith=search.village)
    return households.select_related("payee").order_by("household_no")


DESTINATIONS_SHOWN = 20


def household_destinations(user: User, text: str, *, exclude: int | None = None) -> list[Household]:
    """Households a person could move to: within the user's jurisdiction, whose number starts
    with `text`, whose head's name starts with it, or whose village's name contains it."""
    check_text(text or "", field="find", max_length=SEARCH_LENGTH)
    text = " ".join((text or "").split())
    if not text:
        return []
    households = access.scope(Household.objects.all(), user).filter(status=HouseholdStatus.ACTIVE)
    heads = Person.objects.filter(
        relation=Relation.HEAD, death_date__isnull=True, name__startswith=text
    ).values("household_id")
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, name_zh__contains=text).values(
        "code"
    )
    condition = Q(pk__in=heads) | Q(region_code__in=villages)
    if text.isdigit():
        condition |= Q(household_no__startswith=text)
    found = households.filter(condition)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    households_found = list(found.order_by("household_no")[:DESTINATIONS_SHOWN])
    head_names = dict(
        Person.objects.filter(
            household__in=[h.pk for h in households_found],
            relation=Relation.HEAD,
            death_date__isnull=True,
        ).values_list("household_id", "name")
    )
    villages_found = dict(
        Region.objects.filter(code__in={h.region_code for h in households_found}).values_list(
            "code", "name_zh"
        )
    )
    for household in households_found:
        household.head_name = head_names.get(household.pk, "")  # type: ignore[attr-defined]
        household.village_name = villages_found.get(household.region_code, "")  # type: ignore[attr-defined]
    return households_found


@dataclass
class Page(Generic[T]):
    """One page of results, without counting every match (a count over millions is slow)."""

    items: list[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_number(number: object) -> int:
    """The page asked for, from 1 to MAX_PAGE: anything else (garbage, 0, -3, 10**20) is clamped.

    An unbounded number would reach the database as an OFFSET it cannot hold.
    """
    try:
        page = int(str(number))
    except ValueError:
        return 1
    return min(max(1, page), MAX_PAGE)


def page_of(queryset: QuerySet[M], number: object, size: int = PAGE_SIZE) -> Page[M]:
    page = page_number(number)
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(items=rows[:size], number=page, has_next=len(rows) > size)


@dataclass
class HouseholdView:
    household: Household
    members: list[Person]
    assets: list
    snapshots: list[HouseholdSnapshot]


def household_detail(household: Household, *, history: int = 20) -> HouseholdView:
    """Members (with their incomes), assets and recent history, in a fixed number of queries."""
    members = list(
        Person.objects.filter(household=household)
        .prefetch_related(
            Prefetch("incomes", queryset=IncomeRecord.objects.order_by("-valid_from", "-pk"))
        )
        .order_by("death_date", "birth_date", "pk")
    )
    members.sort(key=lambda p: (p.is_dead, p.relation != "head", p.birth_date, p.pk))
    assets = list(household.assets.order_by("valid_to", "-valid_from", "-pk"))
    snapshots = list(household.snapshots.select_related("changed_by")[:history])
    return HouseholdView(household, members, assets, snapshots)


def household_as_of(household: Household, when: date | datetime) -> HouseholdSnapshot | None:
    """The snapshot in force at that moment (a date means its end, in local time), or None."""
    if isinstance(when, datetime):
        moment = when
    else:
        moment = timezone.make_aware(datetime.combine(when, time.max))
    return (
        HouseholdSnapshot.objects.filter(household=household, taken_at__lte=moment)
        .select_related("changed_by")
        .order_by("-taken_at", "-pk")
        .first()
    )
