"""A finance officer records an allocation and reads the ledger on a 390 px phone, in Chinese."""

import pytest
from playwright.sync_api import expect

from huimin.payments.models import Allocation
from tests.e2e.conftest import screenshot
from tests.e2e.test_login_flow import log_in
from tests.payments.factories import finance_user
from tests.payments.two_payrolls import november_paid

pytestmark = pytest.mark.django_db(transaction=True)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_finance_officer_records_an_allocation_and_reads_the_ledger_on_a_phone(
    browser, live_server, caseworker_a
):
    finance = finance_user()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server, finance.username)
        page.goto(f"{live_server.url}/payments/allocations/")
        page.locator("#program").select_option("dibao")  # the form's, not the filter's
        page.get_by_label("地区代码（县或乡镇）").fill("532901")
        page.get_by_label("中央资金（元）").fill("10,000")
        page.get_by_role("button", name="登记", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("资金安排")
        assert fits(page)
        screenshot(page, "payments-allocation-zh-390")
        allocation = Allocation.objects.get()
        assert allocation.central_fen == 1_000_000
        made = november_paid(caseworker_a, finance, allocation)
        page.goto(f"{live_server.url}/payments/ledger/?region=532901&year=2026")
        expect(page.get_by_role("link", name="532901 2026-11")).to_be_visible()
        expect(page.get_by_text("账目平衡")).to_be_visible()
        assert fits(page)
        screenshot(page, "payments-ledger-zh-390")
        page.get_by_role("link", name="532901 2026-11").click()
        expect(page).to_have_url(f"{live_server.url}/payments/cycles/{made.november.pk}/")
        assert fits(page)
    finally:
        context.close()
