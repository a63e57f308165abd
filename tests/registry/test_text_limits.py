"""Registry text is refused by every door (pages, API, import) when its column could not hold it.

The check is in the registry's validation, so an import row with a 5,000-character address is
refused naming its field like a form, instead of a 500 on PostgreSQL or a stored value on SQLite.
"""

import pytest

from huimin.core.errors import ValidationFailed
from huimin.registry import services
from huimin.registry.models import Household
from tests.registry.factories import household_facts, make_household, person_facts


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", "文" * 201),
        ("address", "文化路\x0012号"),
        ("bank_name", "银" * 101),
        ("bank_account", "6" * 41),
        ("phone", "1" * 21),
    ],
)
def test_it_refuses_household_text_its_column_cannot_hold(caseworker_a, field, value):
    with pytest.raises(ValidationFailed) as refused:
        services.household_create(
            actor=caseworker_a,
            facts=household_facts(**{field: value}),
            members=[person_facts()],
        )
    assert refused.value.field == field
    assert not Household.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("name", "张" * 51), ("ethnicity", "汉\x00")])
def test_it_refuses_member_text_its_column_cannot_hold(caseworker_a, field, value):
    with pytest.raises(ValidationFailed) as refused:
        services.household_create(
            actor=caseworker_a,
            facts=household_facts(),
            members=[person_facts(**{field: value})],
        )
    assert refused.value.field == field
    assert not Household.objects.exists()


@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0", "two"])
def test_the_search_page_clamps_a_page_that_cannot_exist(client, caseworker_a, page):
    make_household(caseworker_a)
    client.force_login(caseworker_a)
    response = client.get("/registry/", {"q": "张", "page": page})
    assert response.status_code == 200
    shown = response.context["page"]
    assert shown.number in (1, 40_000)
