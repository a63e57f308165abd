"""A caseworker records who collects for a payee, on a 390 px phone, in Chinese."""

import pytest
from playwright.sync_api import expect

from huimin.payments.models import CollectionAuthorization
from tests.e2e.conftest import screenshot
from tests.e2e.test_login_flow import log_in
from tests.payments.factories import make_entitlement
from tests.payments.test_who_collects import COLLECTOR_ID

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_caseworker_records_a_proxy_on_a_phone(browser, live_server, caseworker_a):
    household = make_entitlement(caseworker_a).household
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, caseworker_a.username)
        page.goto(f"{live_server.url}/payments/households/{household.pk}/collectors/")
        page.locator("#f-kind").select_option("proxy")
        page.locator("#f-name").fill("王芳")
        page.locator("#f-id").fill(COLLECTOR_ID)
        page.locator("#f-rel").fill("女儿")
        page.locator("#f-doc").fill("委托书 2026-031")
        page.locator("#f-until").fill("2027-10-31")
        page.locator("form").last.locator("button").click()
        expect(page.get_by_text("委托书 2026-031")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(page, "payments-collectors-zh-390")
        assert CollectionAuthorization.objects.get().collector_name == "王芳"
    finally:
        context.close()
