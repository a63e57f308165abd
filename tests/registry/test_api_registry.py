"""The registry API: the same services and rules as the pages, masked, within jurisdiction."""

from datetime import date

from huimin.core.services import api_token_create
from huimin.registry.models import Household, Person
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import make_household, make_id, member


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_search_lists_households_with_pinned_queries(
    client, caseworker_a, caseworker_b, django_assert_num_queries
):
    for n in range(3):
        make_household(caseworker_a, head=f"张{n}")
    make_household(caseworker_b, VILLAGE_B, head="张远")
    auth = bearer(caseworker_a)
    client.get("/api/v1/registry/households", {"q": "张"}, **auth)
    # token, permissions (2), jurisdiction, the count, households with payees, their members,
    # village names; the token's last use was written by the first call and is not written
    # again within a minute
    with django_assert_num_queries(8):
        response = client.get("/api/v1/registry/households", {"q": "张"}, **auth)
    body = response.json()
    assert sorted(h["payee_name"] for h in body) == ["张0", "张1", "张2"]
    assert [h["head_name"] for h in body] == ["张0", "张1", "张2"]  # pinyin order of the head
    assert response["X-Total-Count"] == "3"
    assert [m["name"] for m in body[0]["members"]] == ["张0", "李梅"]
    assert body[0]["members"][0]["id_number_masked"].startswith("5329****")
    assert body[0]["member_count"] == 2
    by_village = client.get("/api/v1/registry/households", {"village": VILLAGE_B}, **auth)
    assert by_village.json() == []


def test_read_masks_personal_data_and_hides_other_counties(client, caseworker_a, caseworker_b):
    mine = make_household(caseworker_a)
    theirs = make_household(caseworker_b, VILLAGE_B, head="远方的人")
    auth = bearer(caseworker_a)
    response = client.get(f"/api/v1/registry/households/{mine.pk}", **auth)
    body = response.json()
    text = response.content.decode()
    assert body["household_no"] == mine.household_no
    for person in Person.objects.filter(household=mine):
        assert person.id_number not in text
    assert "6217000010001234569" not in text and body["bank_account_masked"].endswith("4569")
    assert {m["name"] for m in body["members"]} == {"张三", "李梅"}
    assert client.get(f"/api/v1/registry/households/{theirs.pk}", **auth).status_code == 404


def test_create_applies_the_same_rules(client, caseworker_a):
    auth = bearer(caseworker_a)
    payload = {
        "region_code": VILLAGE_A,
        "address": "大理镇一村5号",
        "residence_type": "rural",
        "members": [
            {"name": "杨阿妹", "id_number": make_id(date(1975, 2, 3), "F"), "relation": "head"}
        ],
    }
    response = client.post(
        "/api/v1/registry/households", payload, content_type="application/json", **auth
    )
    assert response.status_code == 201, response.content
    assert response.json()["members"][0]["sex"] == "F"
    again = client.post(
        "/api/v1/registry/households", payload, content_type="application/json", **auth
    )
    assert again.status_code == 409
    assert again.json()["field"] == "id_number"
    assert Household.objects.get().household_no in again.json()["detail"]
    payload["region_code"] = VILLAGE_B
    payload["members"][0]["id_number"] = make_id()
    refused = client.post(
        "/api/v1/registry/households", payload, content_type="application/json", **auth
    )
    assert refused.status_code == 400 and refused.json()["field"] == "region_code"


def test_update_needs_the_current_version(client, caseworker_a):
    household = make_household(caseworker_a)
    auth = bearer(caseworker_a)
    url = f"/api/v1/registry/households/{household.pk}"
    response = client.patch(
        url,
        {"version": household.version, "address": "新址"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200 and response.json()["address"] == "新址"
    stale = client.put(
        url,
        {"version": household.version, "address": "旧表单"},
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409
    assert "caseworker_a" in stale.json()["detail"]
    household.refresh_from_db()
    assert household.address == "新址"
    assert household.bank_account == "6217000010001234569"


def test_roles_without_the_permission_are_refused(client, caseworker_a, nobody):
    household = make_household(caseworker_a)
    auth = bearer(nobody)
    assert client.get("/api/v1/registry/households", {"q": "张"}, **auth).status_code == 403
    response = client.patch(
        f"/api/v1/registry/households/{household.pk}",
        {"version": 1},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert member(household, "张三").household == household


def test_search_takes_the_masked_number_and_the_filters(client, caseworker_a):
    family = make_household(caseworker_a, head="张三")
    make_household(caseworker_a, head="张四", residence_type="urban")
    auth = bearer(caseworker_a)
    number = member(family, "李梅").id_number
    url = "/api/v1/registry/households"
    found = client.get(url, {"q": f"{number[:4]} {number[-4:]} 李梅"}, **auth)
    assert [h["head_name"] for h in found.json()] == ["张三"]
    assert [m["matched"] for m in found.json()[0]["members"]] == [False, True]
    alone = client.get(url, {"q": f"{number[:4]}**********{number[-4:]}"}, **auth)
    assert alone.status_code == 400
    urban = client.get(url, {"q": "张", "residence_type": "urban"}, **auth)
    assert [h["head_name"] for h in urban.json()] == ["张四"]
    assert urban["X-Total-Count"] == "1"
