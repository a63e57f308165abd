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

from django.db.models import F, FilteredRelation, Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.errors import ValidationFailed
from huimin.core.models import Region, RegionLevel, User
from huimin.core.pii import blind_index_candidates, mask
from huimin.core.text import check_text, refuse_nul
from huimin.registry.models import (
    Household,
    HouseholdSnapshot,
    HouseholdStatus,
    IncomeRecord,
    Person,
    Relation,
    ResidenceType,
)
from huimin.registry.search_keys import id_ends_candidates
from huimin.registry.validation import id_number_is_valid

PAGE_SIZE = 25
# A page beyond this is no real page (a million results); asking for one shows this page.
MAX_PAGE = 40_000
SEARCH_LENGTH = 50
T = TypeVar("T")
M = TypeVar("M", bound=Model)

ID_LIKE = re.compile(r"^[0-9]{17}[0-9X]$")
NUMBER_LIKE = re.compile(r"^[0-9A-Z-]*[0-9][0-9A-Z-]*$")
# The masked number as the page shows it (5329**********1234) or as typed from it ("5329 1234"):
# four characters, stars or a space, four characters.
MASKED_ID = re.compile(
    r"(?<![0-9])([0-9]{4})(?:\s*\*{1,14}\s*|\s+)([0-9]{3}[0-9Xx])(?![0-9A-Za-z])"
)

# Age bands of a member, in whole years on the day of the search: the bands the programs look at
# (children under 16, working age, 60 and over, 80 and over for the old-age allowance).
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "under_16": (0, 15),
    "16_59": (16, 59),
    "60_79": (60, 79),
    "80_plus": (80, None),
}
DISABILITY_FILTERS = ("any", "severe")
SEVERE_GRADE = 2  # grades 1 and 2 are "severe" (重度) for the care subsidy and tekun


@dataclass(frozen=True)
class Filters:
    """What narrows a search beyond the search box: facts of the household or of a member.

    A member's filter matches a household with at least one living member so described. Program
    and case status filters ("on dibao", "application pending") belong here once casework
    records them; until then there is nothing true to filter on, so there is no such filter.
    """

    age_band: str = ""  # a key of AGE_BANDS
    disability: str = ""  # "any" or "severe"
    residence_type: str = ""  # ResidenceType: urban or rural

    @property
    def any(self) -> bool:
        return bool(self.age_band or self.disability or self.residence_type)

    def check(self) -> None:
        if self.age_band and self.age_band not in AGE_BANDS:
            raise ValidationFailed(_("choose an age band from the list"), field="age_band")
        if self.disability and self.disability not in DISABILITY_FILTERS:
            raise ValidationFailed(
                _("choose a disability filter from the list"), field="disability"
            )
        if self.residence_type and self.residence_type not in ResidenceType.values:
            raise ValidationFailed(
                _("choose urban or rural, or leave it empty"), field="residence_type"
            )


@dataclass(frozen=True)
class Search:
    """What the one search box understood."""

    # "id_number", "household_no", "name", "masked" (first and last four of an identity number,
    # with a name in `text` or none) or "" (village or filters only / nothing)
    kind: str
    text: str
    village: str = ""
    contains: bool = False
    id_first: str = ""
    id_last: str = ""
    filters: Filters = Filters()

    @property
    def empty(self) -> bool:
        return not self.kind and not self.village and not self.filters.any


def search_parse(
    q: str, *, village: str = "", contains: bool = False, filters: Filters | None = None
) -> Search:
    """An identity number, a household number, a name or a masked number with a name, told apart
    by their shape."""
    check_text(q or "", field="q", max_length=SEARCH_LENGTH)
    refuse_nul(village or "", field="village")
    filters = filters or Filters()
    filters.check()
    text = " ".join((q or "").split())
    village = (village or "").strip()
    if village and not (village.isdigit() and len(village) in (2, 4, 6, 9, 12)):
        raise ValidationFailed(
            _("choose a village from the list, or leave it empty"), field="village"
        )
    masked = MASKED_ID.search(text)
    if masked:
        return _masked_search(text, masked, village=village, contains=contains, filters=filters)
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
    return Search(
        kind=kind,
        text=text,
        village=village,
        contains=contains and kind == "name",
        filters=filters,
    )


def _masked_search(
    text: str, masked: re.Match, *, village: str, contains: bool, filters: Filters
) -> Search:
    """The visible ends of a masked number, with a name or a village: never alone, since eight
    characters shared by many people would let anyone list them one masked number at a time."""
    name = " ".join((text[: masked.start()] + " " + text[masked.end() :]).split())
    if name and NUMBER_LIKE.match(name.replace(" ", "").upper()):
        raise ValidationFailed(
            _("after the visible parts of the identity number, type a name, not another number"),
            field="q",
        )
    if not name and len(village) < 12:
        raise ValidationFailed(
            _(
                "the visible parts of an identity number alone match too many people: type the "
                "name as well (“5329 1234 张三”), or choose the village"
            ),
            field="q",
        )
    if contains and name and len(village) < 9:
        raise ValidationFailed(
            _("to find a name by any part of it, choose a township or village too"),
            field="village",
        )
    return Search(
        kind="masked",
        text=name,
        village=village,
        contains=contains and bool(name),
        id_first=masked.group(1),
        id_last=masked.group(2).upper(),
        filters=filters,
    )


def _name_condition(search: Search) -> Q:
    return Q(name__contains=search.text) if search.contains else Q(name__startswith=search.text)


def _person_condition(search: Search) -> Q:
    if search.kind == "masked":
        condition = Q(id_ends_index__in=id_ends_candidates(search.id_first, search.id_last))
        return condition & _name_condition(search) if search.text else condition
    if search.kind == "id_number":
        return Q(id_number_index__in=blind_index_candidates(search.text))
    if search.kind == "household_no":
        return Q(household__household_no=search.text)
    if search.kind == "name":
        return _name_condition(search)
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


def household_matches(user: User, search: Search) -> QuerySet[Household]:
    """The households the search finds, unsorted (what is counted)."""
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
    return _filtered(households, search.filters)


def household_search(user: User, search: Search) -> QuerySet[Household]:
    """Households with a member matching the search (or in the village), within jurisdiction,
    narrowed by the filters, sorted by the living head's name in pinyin order.

    The head is a LEFT JOIN (a household whose head died keeps its place, at the end): one
    statement for the page, sorted by the database on `Person.name_sort`.
    """
    return _by_head(household_matches(user, search)).select_related("payee")


def _by_head(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.annotate(
        head=FilteredRelation(
            "members",
            condition=Q(members__relation=Relation.HEAD, members__death_date__isnull=True),
        ),
        head_sort=F("head__name_sort"),
    ).order_by(F("head_sort").asc(nulls_last=True), "household_no")


def _filtered(households: QuerySet[Household], filters: Filters) -> QuerySet[Household]:
    if filters.residence_type:
        households = households.filter(residence_type=filters.residence_type)
    living = Person.objects.filter(death_date__isnull=True)
    if filters.age_band:
        youngest, oldest = AGE_BANDS[filters.age_band]
        today = timezone.localdate()
        # Aged at least `youngest`: born on or before today that many years ago; aged at most
        # `oldest`: born after today `oldest + 1` years ago.
        in_band = living.filter(birth_date__lte=_years_before(today, youngest))
        if oldest is not None:
            in_band = in_band.filter(birth_date__gt=_years_before(today, oldest + 1))
        households = households.filter(pk__in=in_band.values("household_id"))
    if filters.disability:
        disabled = living.filter(disability_category__isnull=False)
        if filters.disability == "severe":
            disabled = disabled.filter(disability_grade__lte=SEVERE_GRADE)
        households = households.filter(pk__in=disabled.values("household_id"))
    return households


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


@dataclass
class HouseholdResult:
    """One household on the results page: its head, its members, where it is."""

    household: Household
    head: Person | None
    members: list[Person]
    village_name: str
    matched: set[int]  # the members the search box found (names shown marked)

    @property
    def head_masked_id(self) -> str:
        return mask(self.head.id_number) if self.head else ""

    @property
    def living_members(self) -> list[Person]:
        return [m for m in self.members if not m.is_dead]

    @property
    def others(self) -> list[Person]:
        return [m for m in self.members if m is not self.head]


@dataclass
class CountedPage(Generic[T]):
    """One page of results with the number of all matches (within one jurisdiction: affordable)."""

    items: list[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def household_page(
    user: User,
    search: Search,
    number: object,
    *,
    size: int = PAGE_SIZE,
    place_names: dict[str, str] | None = None,
    clamp: bool = True,
) -> CountedPage[HouseholdResult]:
    """A page of households with their members and the total count, in four queries: the count,
    the page, the members of its households, and (unless given) the names of their villages.

    A page beyond the last shows the last (`clamp`), or nothing (the API's contract).
    """
    matches = household_matches(user, search)
    total = matches.count()
    page = page_number(number)
    if clamp:
        page = min(page, max(1, -(-total // size)))
    start = (page - 1) * size
    # The page's ids are chosen inside the statement by sorting narrow rows (id, number, head's
    # sort key); only those households are read whole. Sorting tens of thousands of whole rows
    # (their encrypted columns too) spilled to disk at 50,000 households. (A window count in
    # the same statement led PostgreSQL to sort every household before filtering.)
    chosen = _by_head(matches).values("pk")[start : start + size]
    households = list(_by_head(Household.objects.filter(pk__in=chosen)).select_related("payee"))
    by_household: dict[int, list[Person]] = {h.pk: [] for h in households}
    matched: set[int] = set()
    if households:
        members = Person.objects.filter(household__in=list(by_household))
        for person in members.order_by("birth_date", "pk"):
            by_household[person.household_id].append(person)
        if search.kind and search.kind != "household_no":
            matched = _matched(by_household, search)
    names = place_names
    if names is None:
        names = _village_names({h.region_code for h in households})
    items = []
    for household in households:
        people = by_household[household.pk]
        head = next((p for p in people if p.relation == Relation.HEAD and not p.is_dead), None)
        people.sort(key=lambda p: (p is not head, p.is_dead, p.birth_date, p.pk))
        items.append(
            HouseholdResult(
                household=household,
                head=head,
                members=people,
                village_name=names.get(household.region_code, ""),
                matched={p.pk for p in people if p.pk in matched},
            )
        )
    return CountedPage(items=items, number=page, total=total, size=size)


def _matched(by_household: dict[int, list[Person]], search: Search) -> set[int]:
    """The members the search box found, told in Python from the rows already read (no query)."""
    found = set()
    for people in by_household.values():
        for person in people:
            if _person_matches(person, search):
                found.add(person.pk)
    return found


def _person_matches(person: Person, search: Search) -> bool:
    if search.kind == "id_number":
        return person.id_number.upper() == search.text
    if search.kind == "masked":
        number = person.id_number.upper()
        if not (number.startswith(search.id_first) and number.endswith(search.id_last)):
            return False
    if not search.text:
        return True
    return search.text in person.name if search.contains else person.name.startswith(search.text)


def _village_names(codes: set[str]) -> dict[str, str]:
    english = (get_language() or "").startswith("en")
    rows = Region.objects.filter(code__in=codes).values_list("code", "name_zh", "name_en")
    return {code: (en or zh if english else zh) for code, zh, en in rows}


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
