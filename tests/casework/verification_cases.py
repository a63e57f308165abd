"""Households and requests for the verification tests."""

from datetime import date

from huimin.casework.verification import Authorization, verification_request_for
from huimin.registry import services
from huimin.registry.models import AssetKind, Household, IncomeType, Relation
from tests.registry.factories import household_facts, member, person_facts

AS_OF = date(2026, 11, 20)


def make_family(actor) -> Household:
    """A couple, their grown son (20) and a child (10), with a little of everything."""
    household = services.household_create(
        actor=actor,
        facts=household_facts(),
        members=[
            person_facts("王大山", Relation.HEAD, date(1975, 4, 2), "M"),
            person_facts("赵小芳", Relation.SPOUSE, date(1977, 8, 9), "F"),
            person_facts("王成", Relation.CHILD, date(2006, 1, 15), "M"),
            person_facts("王小丫", Relation.CHILD, date(2016, 6, 1), "F"),
        ],
    )
    head = member(household, "王大山")
    services.income_add(
        actor=actor,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=180_000,
        valid_from=date(2025, 1, 1),
    )
    services.income_add(
        actor=actor,
        person=member(household, "赵小芳"),
        income_type=IncomeType.BUSINESS,
        monthly_fen=50_000,
        valid_from=date(2025, 1, 1),
    )
    services.asset_add(
        actor=actor,
        household=household,
        kind=AssetKind.DEPOSIT,
        value_fen=1_200_000,
        valid_from=date(2024, 1, 1),
    )
    services.asset_add(
        actor=actor,
        household=household,
        kind=AssetKind.HOME,
        value_fen=0,
        valid_from=date(2010, 1, 1),
    )
    # an old vehicle, sold before the check: not held any more
    services.asset_add(
        actor=actor,
        household=household,
        kind=AssetKind.VEHICLE,
        value_fen=3_000_000,
        valid_from=date(2018, 1, 1),
        valid_to=date(2025, 6, 30),
    )
    return household


def adults(household: Household) -> frozenset[int]:
    return frozenset(
        household.members.filter(name__in=["王大山", "赵小芳", "王成"]).values_list("pk", flat=True)
    )


def signed_by(household: Household, signers: frozenset[int], on: date = date(2026, 11, 1)):
    return Authorization(signed_by=signers, signed_on=on, document_ref="document 17")


def request_for(household: Household, authorization=None, **extra):
    if authorization is None:
        authorization = signed_by(household, adults(household))
    return verification_request_for(
        household,
        purpose="dibao application 2026-0001",
        authorization=authorization,
        as_of=AS_OF,
        **extra,
    )
