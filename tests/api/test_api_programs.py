from huimin.core import roles
from tests.conftest import make_user
from tests.programs.test_evaluate_and_explain import PERIOD, make_household

HOUSEHOLD = {
    "region_code": "532901001001",
    "residence_type": "rural",
    "members": [
        {
            "birth_date": "1950-04-01",
            "sex": "F",
            "relation": "head",
            "incomes": [{"income_type": "wages", "monthly_fen": 10000}],
        },
        {
            "birth_date": "1975-06-01",
            "sex": "M",
            "relation": "child",
            "disability_category": 4,
            "disability_grade": 1,
        },
    ],
}


def test_a_posted_household_is_evaluated_and_explained(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post(
        "/api/v1/programs/evaluate",
        {"period": PERIOD, "household": HOUSEHOLD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    dibao = response.json()["programs"]["dibao"][0]
    assert dibao["eligible"] is True and dibao["amount_fen"] > 0
    assert all(c["clause"] for c in dibao["criteria"])
    care = response.json()["programs"]["disability_care"]
    assert any(entry["eligible"] for entry in care)


def test_a_typo_in_a_posted_household_is_named(client, caseworker_a):
    client.force_login(caseworker_a)
    bad = {**HOUSEHOLD, "residence_typ": "rural"}
    response = client.post(
        "/api/v1/programs/evaluate",
        {"period": PERIOD, "household": bad},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "residence_typ" in response.json()["detail"]


def test_a_batch_returns_one_row_per_household(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post(
        "/api/v1/programs/evaluate-batch",
        {"period": PERIOD, "households": [HOUSEHOLD] * 3},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(response.json()["dibao"]) == 3


def test_explaining_a_registry_household_respects_jurisdiction(client, caseworker_a, caseworker_b):
    mine = make_household("H-11", "532901001001", wage_fen=20000)
    client.force_login(caseworker_a)
    response = client.get(f"/api/v1/programs/households/{mine.pk}/explain", {"period": PERIOD})
    assert response.status_code == 200
    assert response.json()["programs"]["dibao"][0]["eligible"] is True
    client.force_login(caseworker_b)
    assert (
        client.get(f"/api/v1/programs/households/{mine.pk}/explain", {"period": PERIOD}).status_code
        == 404
    )


def test_explaining_a_registry_household_needs_the_permission_to_see_it(client, caseworker_a):
    household = make_household("H-12", "532901001001", wage_fen=20000)
    url = f"/api/v1/programs/households/{household.pk}/explain"
    # same county as the household, but the analyst role may not see households
    analyst = make_user("analyst_a", roles.ANALYST, ["532901"])
    no_role = make_user("no_role_a", None, ["532901"])
    for user in (analyst, no_role):
        client.force_login(user)
        response = client.get(url, {"period": PERIOD})
        assert response.status_code == 403, user.username
        assert "programs" not in response.json()
    client.force_login(caseworker_a)
    assert client.get(url, {"period": PERIOD}).status_code == 200
