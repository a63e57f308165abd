"""Registry records in caseworker B's county carrying a marker, for the jurisdiction walk."""

from datetime import date

from huimin.core.models import User
from huimin.registry import services
from huimin.registry.models import (
    Asset,
    AssetKind,
    Household,
    IncomeRecord,
    IncomeType,
    Person,
    Relation,
)
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household


def household(other: User, marker: str) -> Household:
    # A second member, so that the page to change the head has someone to offer.
    return make_household(
        other,
        VILLAGE_B,
        head=f"{marker}户主",
        others=((f"{marker}配偶", Relation.SPOUSE),),
        address=f"{marker}村1号",
    )


def person(other: User, marker: str) -> Person:
    return household(other, marker).payee  # type: ignore[return-value]


def income(other: User, marker: str) -> IncomeRecord:
    return services.income_add(
        actor=other,
        person=person(other, marker),
        income_type=IncomeType.WAGES,
        monthly_fen=120000,
        valid_from=date(2025, 1, 1),
        note=marker,
    )


def asset(other: User, marker: str) -> Asset:
    return services.asset_add(
        actor=other,
        household=household(other, marker),
        kind=AssetKind.VEHICLE,
        value_fen=3_000_000,
        valid_from=date(2024, 1, 1),
        description=marker,
    )
