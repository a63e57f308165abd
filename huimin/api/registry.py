"""The registry over JSON: search, read, create and update households, through the same services.

Personal data leaves only masked. Outside the caller's jurisdiction a household answers 404.
"""

from datetime import date
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from huimin.api.schema import RegionCodeOrEmpty, Text, VillageCode, as_long_as, at_most, errors
from huimin.core.errors import NotAllowed
from huimin.core.models import User
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.registry import queries, services
from huimin.registry.access import get_household_for
from huimin.registry.models import Household, Person
from huimin.registry.validation import (
    BANK_ACCOUNT_LENGTH,
    ID_NUMBER_LENGTH,
    PHONE_LENGTH,
    HouseholdFacts,
    PersonFacts,
)

router = Router(tags=["registry"])


class HouseholdSummaryOut(Schema):
    id: int
    household_no: str
    region_code: str
    address: str
    residence_type: str
    status: str
    payee_name: str
    version: int


class SearchMemberOut(Schema):
    id: int
    name: str
    id_number_masked: str
    relation: str
    birth_date: date
    death_date: date | None
    matched: bool  # this member is the one the search text found


class HouseholdFoundOut(HouseholdSummaryOut):
    """A search result: the household's summary, its living head and its members (masked)."""

    head_name: str  # "" when the household has no living head
    head_id_number_masked: str
    village_name: str
    member_count: int  # living members
    members: list[SearchMemberOut]


class IncomeOut(Schema):
    id: int
    income_type: str
    monthly_fen: int
    valid_from: date
    valid_to: date | None
    verified: bool
    exclusion_reason: str  # "" when each program's rules decide whether it counts


class MemberOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: str
    birth_date: date
    relation: str
    disability_category: int | None
    disability_grade: int | None
    counted_in_family: bool
    not_counted_reason: str
    death_date: date | None
    incomes: list[IncomeOut]


class AssetOut(Schema):
    id: int
    kind: str
    value_fen: int
    is_disability_vehicle: bool
    description: str
    valid_from: date
    valid_to: date | None


class HouseholdOut(HouseholdSummaryOut):
    bank_name: str
    bank_account_masked: str
    phone_masked: str
    payee_id: int | None
    members: list[MemberOut]
    assets: list[AssetOut]


MAX_PAGE = queries.MAX_PAGE


def _person(field: str) -> object:
    return as_long_as(Person, field)


def _household(field: str) -> object:
    return as_long_as(Household, field)


class PersonIn(Schema):
    name: Annotated[Text, _person("name")]
    id_number: Annotated[Text, at_most(ID_NUMBER_LENGTH)]
    relation: Annotated[Text, _person("relation")]
    sex: Annotated[Text, _person("sex")] = ""
    birth_date: date | None = None
    ethnicity: Annotated[Text, _person("ethnicity")] = ""
    disability_category: int | None = None
    disability_grade: int | None = None
    serious_illness: bool = False
    able_to_work: bool | None = None  # null: not yet known
    student: bool = False
    counted_in_family: bool = True
    not_counted_reason: Annotated[Text, _person("not_counted_reason")] = ""


class HouseholdCreateIn(Schema):
    """A new household and its members; the first member whose relation is "head" heads it."""

    region_code: VillageCode
    address: Annotated[Text, _household("address")]
    residence_type: Annotated[Text, _household("residence_type")]
    bank_name: Annotated[Text, _household("bank_name")] = ""
    bank_account: Annotated[Text, at_most(BANK_ACCOUNT_LENGTH)] = ""
    phone: Annotated[Text, at_most(PHONE_LENGTH)] = ""
    members: list[PersonIn]


class HouseholdChangeIn(Schema):
    """The version read with the household; a change made since then is refused (409)."""

    version: int
    region_code: VillageCode | None = None
    address: Annotated[Text, _household("address")] | None = None
    residence_type: Annotated[Text, _household("residence_type")] | None = None
    bank_name: Annotated[Text, _household("bank_name")] | None = None
    bank_account: Annotated[Text, at_most(BANK_ACCOUNT_LENGTH)] | None = None
    phone: Annotated[Text, at_most(PHONE_LENGTH)] | None = None


def _user(request: HttpRequest, permission: str) -> User:
    user = request.user
    if not user.has_perm(permission):
        raise NotAllowed("your role may not do this")
    return user  # type: ignore[return-value]


def _summary(household: Household) -> dict:
    return {
        "id": household.pk,
        "household_no": household.household_no,
        "region_code": household.region_code,
        "address": household.address,
        "residence_type": household.residence_type,
        "status": household.status,
        "payee_name": household.payee.name if household.payee else "",
        "version": household.version,
    }


def _household_out(household: Household) -> dict:
    detail = queries.household_detail(household, history=0)
    return {
        **_summary(household),
        "bank_name": household.bank_name,
        "bank_account_masked": mask_bank_account(household.bank_account),
        "phone_masked": mask_phone(household.phone),
        "payee_id": household.payee_id,
        "members": [
            {
                **{
                    name: getattr(m, name)
                    for name in MemberOut.model_fields
                    if name not in ("id_number_masked", "incomes")
                },
                "id_number_masked": mask(m.id_number),
                "incomes": list(m.incomes.all()),
            }
            for m in detail.members
        ],
        "assets": detail.assets,
    }


def _found(result: queries.HouseholdResult) -> dict:
    return {
        **_summary(result.household),
        "head_name": result.head.name if result.head else "",
        "head_id_number_masked": result.head_masked_id,
        "village_name": result.village_name,
        "member_count": len(result.living_members),
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "id_number_masked": mask(m.id_number),
                "relation": m.relation,
                "birth_date": m.birth_date,
                "death_date": m.death_date,
                "matched": m.pk in result.matched,
            }
            for m in result.members
        ],
    }


@router.get(
    "/households",
    response={200: list[HouseholdFoundOut], **errors()},
    summary="Search households by identity number (whole, or its visible parts with a name or "
    "village), household number, name, region and filters; sorted by the head's name in pinyin "
    "order; the total number of matches is in the X-Total-Count header",
)
def household_search(
    request: HttpRequest,
    response: HttpResponse,
    q: Annotated[Text, at_most(queries.SEARCH_LENGTH)] = "",
    village: RegionCodeOrEmpty = "",
    contains: bool = False,
    age_band: Annotated[Text, at_most(16)] = "",
    disability: Annotated[Text, at_most(16)] = "",
    residence_type: Annotated[Text, at_most(16)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> list[dict]:
    user = _user(request, "registry.view_household")
    filters = queries.Filters(
        age_band=age_band, disability=disability, residence_type=residence_type
    )
    terms = queries.search_parse(q, village=village, contains=contains, filters=filters)
    found = queries.household_page(user, terms, page, clamp=False)
    response["X-Total-Count"] = str(found.total)
    return [_found(result) for result in found.items]


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, **errors(404)},
    summary="One household",
)
def household_read(request: HttpRequest, household_id: int) -> dict:
    _user(request, "registry.view_household")
    return _household_out(get_household_for(request.user, household_id))


@router.post(
    "/households",
    response={201: HouseholdOut, **errors(409, body=True)},
    summary="Register a household with its members",
)
def household_create(request: HttpRequest, payload: HouseholdCreateIn) -> Status:
    user = _user(request, "registry.add_household")
    data = payload.dict()
    members = [PersonFacts(**member) for member in data.pop("members")]
    household = services.household_create(
        actor=user, facts=HouseholdFacts(**data), members=members, request=request
    )
    return Status(201, _household_out(get_household_for(user, household.pk)))


def _update(request: HttpRequest, household_id: int, payload: HouseholdChangeIn) -> dict:
    user = _user(request, "registry.change_household")
    household = get_household_for(user, household_id)
    current = HouseholdFacts(
        region_code=household.region_code,
        address=household.address,
        residence_type=household.residence_type,
        bank_name=household.bank_name,
        bank_account=household.bank_account,
        phone=household.phone,
    )
    for name, value in payload.dict(exclude={"version"}).items():
        if value is not None:
            setattr(current, name, value)
    services.household_update(
        actor=user,
        household=household,
        facts=current,
        expected_version=payload.version,
        request=request,
    )
    return _household_out(get_household_for(user, household.pk))


@router.put(
    "/households/{household_id}",
    response={200: HouseholdOut, **errors(404, 409, body=True)},
    summary="Change a household",
)
def household_put(request: HttpRequest, household_id: int, payload: HouseholdChangeIn) -> dict:
    return _update(request, household_id, payload)


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdOut, **errors(404, 409, body=True)},
    summary="Change a household",
)
def household_patch(request: HttpRequest, household_id: int, payload: HouseholdChangeIn) -> dict:
    return _update(request, household_id, payload)
