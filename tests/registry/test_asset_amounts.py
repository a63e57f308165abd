"""Each asset on the household page says what it is: money, one vehicle and its value, one home."""

import re
from datetime import date

from huimin.registry import services
from huimin.registry.models import AssetKind
from tests.registry.factories import make_household
from tests.registry.test_pages import en, zh


def amounts(body: str) -> list[str]:
    cells = re.findall(r'<td data-label="[^"]*" class="num">([^<]*)</td>', body)
    return [" ".join(cell.split()) for cell in cells]


def add(actor, household, kind: str, value_fen: int) -> None:
    services.asset_add(
        actor=actor,
        household=household,
        kind=kind,
        value_fen=value_fen,
        valid_from=date(2024, 1, 1),
    )


def test_a_house_is_shown_as_one_home_not_as_money(client, caseworker_a):
    household = make_household(caseworker_a, others=())
    add(caseworker_a, household, AssetKind.HOME, 0)
    add(caseworker_a, household, AssetKind.DEPOSIT, 1_234_500)
    add(caseworker_a, household, AssetKind.VEHICLE, 5_000_000)
    add(caseworker_a, household, AssetKind.COMMERCIAL_PROPERTY, 30_000_000)
    client.force_login(caseworker_a)
    en(client)
    shown = amounts(client.get(f"/registry/households/{household.pk}/").content.decode())
    assert sorted(shown) == sorted(
        [
            "1 home",
            "12,345.00 yuan",
            "1 vehicle, worth 50,000.00 yuan",
            "1 property, worth 300,000.00 yuan",
        ]
    )
    zh(client)
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "1 套住房" in amounts(body) and not any(a.startswith("0.00") for a in amounts(body))


def test_a_home_may_be_added_without_a_value_but_a_deposit_may_not(client, caseworker_a):
    household = make_household(caseworker_a, others=())
    client.force_login(caseworker_a)
    en(client)
    url = f"/registry/households/{household.pk}/assets/new/"
    response = client.post(url, {"kind": "home", "value_yuan": "", "valid_from": "2024-01-01"})
    assert response.status_code == 302 and household.assets.get().value_fen == 0
    response = client.post(url, {"kind": "deposit", "value_yuan": "", "valid_from": "2024-01-01"})
    assert response.status_code == 200 and "enter an amount in yuan" in response.content.decode()
    assert household.assets.count() == 1
