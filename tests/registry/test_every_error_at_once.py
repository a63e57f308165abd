"""A form shows every mistake of a household or person at once, the services' rules included,
each at its field; the API lists them all in `errors`."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from huimin.core.errors import ValidationFailed
from huimin.registry.validation import birth_date_from_id, check_household, check_person
from tests.conftest import VILLAGE_A
from tests.registry.factories import household_facts, make_id, person_facts
from tests.registry.test_api_registry import bearer
from tests.registry.test_pages import en, head_form


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def fields_refused(error: ValidationFailed) -> set[str | None]:
    return {field for field, _message in error.errors}


def test_a_person_with_several_mistakes_hears_of_all_of_them():
    number = make_id(date(1980, 5, 6), "M")
    born = birth_date_from_id(number)
    facts = person_facts(id_number=number, birth_date=born + timedelta(days=1), sex="F")
    facts.name, facts.sex, facts.disability_grade = "", "F", 2
    with pytest.raises(ValidationFailed) as caught:
        check_person(facts, today=timezone.localdate())
    assert fields_refused(caught.value) == {"name", "birth_date", "sex", "disability_category"}


def test_a_household_with_a_wrong_phone_and_account_hears_of_both():
    with pytest.raises(ValidationFailed) as caught:
        check_household(household_facts(address="", bank_account="12", phone="123"))
    assert fields_refused(caught.value) == {"address", "bank_account", "phone"}


def test_the_registration_form_shows_each_error_at_its_field(client, caseworker_a):
    client.force_login(caseworker_a)
    en(client)
    good = make_id(date(1975, 2, 3), "F")
    wrong_id = good[:-1] + ("1" if good[-1] == "0" else "0")  # a mistyped check digit
    form = head_form(wrong_id, phone="12345", bank_account="12")
    body = client.post("/registry/households/new/", form).content.decode()
    for message in ("is not a phone number", "a bank card has 16 to 19 digits", "check digit"):
        assert message in body
    assert body.count('class="field invalid"') == 3


def test_the_api_lists_every_problem(client, caseworker_a):
    payload = {
        "region_code": VILLAGE_A,
        "address": "大理镇一村5号",
        "residence_type": "rural",
        "phone": "12345",
        "members": [
            {"name": "杨阿妹", "id_number": make_id(date(1975, 2, 3), "F"), "relation": "head"},
            {"name": "杨小妹", "id_number": "12", "relation": "child"},
        ],
    }
    response = client.post(
        "/api/v1/registry/households",
        payload,
        content_type="application/json",
        **bearer(caseworker_a),
    )
    assert response.status_code == 400
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["phone", "id_number"]
    assert "杨小妹" in body["errors"][1]["message"]
