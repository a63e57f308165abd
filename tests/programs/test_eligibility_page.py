from django.urls import reverse

from tests.conftest import VILLAGE_A
from tests.programs.test_evaluate_and_explain import PERIOD, make_household


def test_the_page_shows_the_amount_the_criteria_and_the_letter(client, caseworker_a):
    household = make_household("H-21", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    url = reverse("programs:household-eligibility", args=[household.pk])
    page = client.get(url, {"period": PERIOD}).content.decode()
    assert "最低生活保障" in page and "符合条件" in page
    assert "家庭月人均收入低于当地低保标准" in page and "SAIM §9" in page
    assert "行政复议" in page  # the decision letter carries the right of appeal
    assert "户号：H-21" in page  # the letter names the household by its number


def test_a_malformed_month_is_explained_not_crashed(client, caseworker_a):
    household = make_household("H-22", VILLAGE_A, wage_fen=0)
    client.force_login(caseworker_a)
    response = client.get(
        reverse("programs:household-eligibility", args=[household.pk]), {"period": "11/2026"}
    )
    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()


def test_it_is_in_english_too(client, caseworker_a):
    household = make_household("H-23", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(
        reverse("programs:household-eligibility", args=[household.pk]), {"period": PERIOD}
    )
    assert (
        "Minimum living allowance" in page.content.decode()
        or "minimum living" in page.content.decode().lower()
    )
    assert "What the rules decide" in page.content.decode()
