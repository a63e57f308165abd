"""Incomes per person and assets per household, with validity periods and amounts in fen."""

from datetime import date

import pytest

from huimin.core.errors import ValidationFailed
from huimin.registry import services
from huimin.registry.models import AssetKind, IncomeType
from tests.registry.factories import make_household, member


def test_an_income_counts_or_not_by_its_type(caseworker_a):
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
    assert wages.counts_as_income and wages.verified
    assert not pension.counts_as_income and not pension.verified
    override = services.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.SCHOLARSHIP,
        monthly_fen=5000,
        valid_from=date(2025, 1, 1),
        counts_as_income=True,
    )
    assert override.counts_as_income


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
