"""Text too long for its column, NUL bytes and absurd page numbers: a 4xx naming the field.

PostgreSQL answered these with a 500 (value too long, NUL in a string literal, OFFSET out of
range); SQLite stored a 5,000-character address. Both now refuse them the same way.
"""

from datetime import date

import pytest

from huimin.core.services import api_token_create
from huimin.registry.models import Household
from tests.conftest import VILLAGE_A
from tests.registry.factories import make_household, make_id

URL = "/api/v1/registry/households"


@pytest.fixture
def auth(caseworker_a) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=caseworker_a, name='t')[1]}"}


def new_household(**changes: object) -> dict:
    member = {"name": "杨阿妹", "id_number": make_id(date(1975, 2, 3), "F"), "relation": "head"}
    member.update(changes.pop("member", {}))  # type: ignore[arg-type]
    return {
        "region_code": VILLAGE_A,
        "address": "大理镇一村5号",
        "residence_type": "rural",
        "members": [member],
        **changes,
    }


def post(client, auth, payload: dict):
    return client.post(URL, payload, content_type="application/json", **auth)


def test_it_refuses_an_address_longer_than_its_column(client, auth):
    response = post(client, auth, new_household(address="文" * 5000))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "address"
    assert body["errors"][0]["field"] == "address"
    assert "address" in body["detail"]
    assert not Household.objects.exists()


def test_it_accepts_an_address_exactly_as_long_as_its_column(client, auth):
    response = post(client, auth, new_household(address="文" * 200))
    assert response.status_code == 201, response.content


def test_it_refuses_a_nul_byte_in_a_members_name(client, auth):
    response = post(client, auth, new_household(member={"name": "杨\x00阿妹"}))
    assert response.status_code == 422
    assert response.json()["field"] == "members.0.name"
    assert "\\x00" in response.json()["detail"]
    assert not Household.objects.exists()


def test_it_refuses_an_overlong_change(client, auth, caseworker_a):
    household = make_household(caseworker_a)
    response = client.patch(
        f"{URL}/{household.pk}",
        {"version": household.version, "bank_name": "银" * 101},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "bank_name"
    household.refresh_from_db()
    assert household.bank_name == "农村信用社"


def test_it_refuses_a_region_code_that_is_not_a_village_code(client, auth):
    response = post(client, auth, new_household(region_code="5329"))
    assert response.status_code == 422
    assert response.json()["field"] == "region_code"


@pytest.mark.parametrize("q", ["张\x00", "\x00"])
def test_it_refuses_a_nul_byte_in_the_search(client, auth, q):
    response = client.get(URL, {"q": q}, **auth)
    assert response.status_code == 400
    assert response.json()["field"] == "q"


def test_it_refuses_a_search_longer_than_the_search_box(client, auth):
    response = client.get(URL, {"q": "张" * 51}, **auth)
    assert response.status_code == 422
    assert response.json()["field"] == "q"


@pytest.mark.parametrize("page", ["99999999999999999999", "0", "-3", "x"])
def test_it_refuses_a_page_that_cannot_exist(client, auth, page):
    response = client.get(URL, {"q": "张", "page": page}, **auth)
    assert response.status_code == 422
    assert response.json()["field"] == "page"


def test_the_last_possible_page_answers_empty(client, auth, caseworker_a):
    make_household(caseworker_a)
    response = client.get(URL, {"q": "张", "page": 40_000}, **auth)
    assert response.status_code == 200
    assert response.json() == []


def test_it_refuses_an_empty_or_oversized_batch_with_the_field(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post(
        "/api/v1/programs/evaluate-batch",
        {"period": "2026-01", "households": []},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "households"


def test_it_refuses_a_month_written_otherwise(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post(
        "/api/v1/programs/evaluate",
        {"period": "2026-13", "household": {}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["field"] == "period"


def test_a_month_in_year_zero_is_refused_not_a_crash(client, auth, caseworker_a):
    household = make_household(caseworker_a)
    api = client.get(
        f"/api/v1/programs/households/{household.pk}/explain", {"period": "0000-01"}, **auth
    )
    assert api.status_code == 422
    assert api.json()["field"] == "period"
    client.force_login(caseworker_a)
    page = client.get(f"/programs/households/{household.pk}/", {"period": "0000-01"})
    assert page.status_code == 200
    assert "0000-01" in page.context["error"]


def test_a_body_larger_than_accepted_is_refused_with_the_error_body(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post(
        "/api/v1/programs/evaluate-batch",
        {"period": "2026-01", "households": [{"region_code": VILLAGE_A}] * 100},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "1,000" in response.json()["detail"]
