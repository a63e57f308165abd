"""An amount that is not plain yuan is a field error on the income and asset forms, not a 500."""

import pytest

from huimin.registry.models import Asset, IncomeRecord
from tests.registry.factories import make_household, member


@pytest.mark.parametrize("typed", ["Infinity", "-inf", "NaN", "1e400", "99999999999999999999"])
def test_it_shows_a_field_error_for_an_amount_that_is_no_money(client, caseworker_a, typed):
    household = make_household(caseworker_a)
    client.force_login(caseworker_a)
    income = client.post(
        f"/registry/persons/{member(household, '张三').pk}/incomes/new/",
        {
            "income_type": "wages",
            "monthly_yuan": typed,
            "valid_from": "2025-01-01",
            "verified": "0",
        },
    )
    asset = client.post(
        f"/registry/households/{household.pk}/assets/new/",
        {"kind": "deposit", "value_yuan": typed, "valid_from": "2025-01-01"},
    )
    for response in (income, asset):
        assert response.status_code == 200
        assert 'class="field invalid"' in response.content.decode()
    assert not IncomeRecord.objects.exists() and not Asset.objects.exists()
