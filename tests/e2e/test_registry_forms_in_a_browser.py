"""The registry forms on a phone (390 px, Chinese): every mistake shown at once, unknown facts
asked without a preset answer, the destination of a move found by searching."""

import pytest
from playwright.sync_api import expect

from huimin.registry import services
from huimin.registry.models import AssetKind
from tests.e2e.conftest import screenshot
from tests.e2e.test_login_flow import log_in
from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_member_form_shows_every_mistake_and_asks_unknown_facts(
    phone_page, live_server, caseworker_a
):
    household = make_household(caseworker_a, others=())
    page = phone_page
    log_in(page, live_server, "caseworker_a")
    page.goto(f"{live_server.url}/registry/households/{household.pk}/members/new/")
    expect(page.get_by_text("尚不清楚").first).to_be_visible()
    screenshot(page, "person-form-zh-phone")
    page.locator("#id_id_number").fill("53290119800517001")
    page.locator("#id_phone, #id_name").first.fill("")
    page.get_by_role("button", name="添加此成员").click()
    assert page.locator(".field.invalid").count() >= 3  # name, identity number, the two answers
    screenshot(page, "person-form-errors-zh-phone")


def test_moving_a_person_finds_the_household_and_the_page_shows_assets(
    phone_page, live_server, caseworker_a
):
    home = make_household(caseworker_a, head="张三")
    other = make_household(caseworker_a, head="王大山", others=())
    services.asset_add(
        actor=caseworker_a, household=home, kind=AssetKind.HOME, value_fen=0,
        valid_from=home.created_at.date(),
    )  # fmt: skip
    page = phone_page
    log_in(page, live_server, "caseworker_a")
    page.goto(f"{live_server.url}/registry/households/{home.pk}/")
    expect(page.get_by_text("1 套住房")).to_be_visible()
    screenshot(page, "household-assets-zh-phone")
    page.goto(f"{live_server.url}/registry/persons/{member(home, '李梅').pk}/move/")
    page.locator("#find").fill("王")
    link = page.get_by_role("link", name=other.household_no)
    expect(link).to_be_visible()
    screenshot(page, "transfer-search-zh-phone")
    link.click()
    expect(page.locator("#id_to_household_no")).to_have_value(other.household_no)
    screenshot(page, "transfer-chosen-zh-phone")
