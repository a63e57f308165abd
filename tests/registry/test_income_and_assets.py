"""Incomes per person and assets per household, with validity periods and amounts in fen."""

from datetime import date

import pytest

from huimin.core.errors import ValidationFailed
from huimin.core.models import AuditEvent
from huimin.registry import services
from huimin.registry.models import AssetKind, IncomeType
from tests.registry.factories import make_household, member


def test_every_income_is_recorded_as_it_is_and_only_a_stated_reason_excludes_one(caseworker_a):
    # whether a kind counts is the programs' parameter (tests/programs/
    # test_income_counted_by_the_rules.py), never decided when the income is recorded
    head = member(make_household(caseworker_a), "张三")
    wages = services.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=150000,
        valid_from=date(2025, 1, 1),
        verified=True,
    )
    pension = services.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.PENSION_BASIC,
        monthly_fen=20000,
        valid_from=date(2025, 1, 1),
    )
    assert wages.verified and not pension.verified
    assert not wages.is_excluded and not pension.is_excluded
    excluded = services.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=5000,
        valid_from=date(2025, 1, 1),
        exclusion_reason="  一次性  劳务报酬 ",
    )
    assert excluded.is_excluded and excluded.exclusion_reason == "一次性 劳务报酬"
    event = AuditEvent.objects.filter(action="income.add").latest("id")
    assert event.changes["exclusion_reason"] == [None, "一次性 劳务报酬"]
    with pytest.raises(ValidationFailed) as refused:
        services.income_add(
            actor=caseworker_a,
            person=head,
            income_type=IncomeType.WAGES,
            monthly_fen=5000,
            valid_from=date(2025, 1, 1),
            exclusion_reason="长" * 201,
        )
    assert refused.value.field == "exclusion_reason"


def test_an_income_needs_a_sane_amount_and_period(caseworker_a):
    head = member(make_household(caseworker_a), "张三")
    with pytest.raises(ValidationFailed) as refused:
        services.income_add(
            actor=caseworker_a,
            person=head,
            income_type=IncomeType.WAGES,
            monthly_fen=-1,
            valid_from=date(2025, 1, 1),
        )
    assert refused.value.field == "monthly_fen"
    with pytest.raises(ValidationFailed) as refused:
        services.income_add(
            actor=caseworker_a,
            person=head,
            income_type=IncomeType.WAGES,
            monthly_fen=100,
            valid_from=date(2025, 1, 1),
            valid_to=date(2024, 12, 31),
        )
    assert refused.value.field == "valid_to"
    income = services.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=100,
        valid_from=date(2025, 1, 1),
    )
    with pytest.raises(ValidationFailed):
        services.income_end(actor=caseworker_a, income=income, valid_to=date(2024, 1, 1))


def test_assets_have_a_kind_a_value_and_a_period(caseworker_a):
    household = make_household(caseworker_a)
    car = services.asset_add(
        actor=caseworker_a,
        household=household,
        kind=AssetKind.VEHICLE,
        value_fen=6_000_000,
        valid_from=date(2023, 5, 1),
        is_disability_vehicle=True,
        description="残疾人摩托车",
    )
    assert car.is_disability_vehicle
    with pytest.raises(ValidationFailed) as refused:
        services.asset_add(
            actor=caseworker_a,
            household=household,
            kind=AssetKind.HOME,
            value_fen=100,
            valid_from=date(2023, 5, 1),
            is_disability_vehicle=True,
        )
    assert refused.value.field == "is_disability_vehicle"
    services.asset_end(actor=caseworker_a, asset=car, valid_to=date(2025, 1, 31))
    car.refresh_from_db()
    assert car.valid_to == date(2025, 1, 31)
