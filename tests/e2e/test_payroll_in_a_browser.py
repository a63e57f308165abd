"""One monthly payroll through the pages, in chromium: the finance officer on a 1366 px laptop
makes it, checks it and sends it to the bank; an approver approves it; the bank's return comes
back with one failure, paid in cash and recorded on a 390 px phone; then the payroll reconciles."""

import pytest
from playwright.sync_api import expect

from huimin.payments.models import CycleStatus, LineStatus, PayrollCycle
from huimin.registry.models import Household
from tests.e2e.conftest import screenshot
from tests.e2e.test_login_flow import log_in
from tests.payments.factories import allocate, approver_user, finance_user, make_entitlement
from tests.payments.flow import bank_return

pytestmark = pytest.mark.django_db(transaction=True)


def page_of(browser, live_server, username: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, username)
    return context, page


def test_a_payroll_goes_from_lines_to_reconciliation_through_the_pages(
    browser, live_server, caseworker_a, tmp_path
):
    finance, approver = finance_user(), approver_user()
    for _ in range(3):
        make_entitlement(caseworker_a)
    broken = make_entitlement(caseworker_a).household
    Household.objects.filter(pk=broken.pk).update(bank_account="")
    allocate(finance)
    contexts = []
    try:
        context, laptop = page_of(browser, live_server, finance.username, 1366, 768)
        contexts.append(context)
        laptop.goto(f"{live_server.url}/payments/")
        laptop.get_by_label("地区代码（县或乡镇）").fill("532901")
        laptop.get_by_label("发放月份（年-月）").fill("2026-12")
        laptop.get_by_role("button", name="新建发放").click()
        laptop.get_by_role("button", name="生成发放明细").click()
        laptop.get_by_role("button", name="发放前核查").click()
        expect(laptop.get_by_text("没有银行账号").first).to_be_visible()
        screenshot(laptop, "payments-exceptions-zh-1366")
        laptop.locator("input[name=reason]").first.fill("该户没有银行卡，村里发现金")
        laptop.get_by_role("button", name="改发现金").first.click()
        expect(laptop.get_by_text("这批发放要由您以外的人审批。")).to_be_visible()
        cycle = PayrollCycle.objects.get()

        context, other = page_of(browser, live_server, approver.username, 1366, 768)
        contexts.append(context)
        other.goto(f"{live_server.url}/payments/cycles/{cycle.pk}/")
        other.get_by_role("button", name="批准发放").click()
        expect(other.get_by_text("已完成。")).to_be_visible()

        laptop.reload()
        laptop.get_by_label("银行文件格式").select_option("commercial_csv_utf8")
        laptop.get_by_role("button", name="生成银行文件").click()
        expect(laptop.get_by_text("SHA-256").first).to_be_visible()
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.EXPORTED
        failing = cycle.lines.filter(channel="bank").order_by("pk").first()
        name, content = bank_return(cycle, {failing.pk: ("F", "AC04")})
        path = tmp_path / name
        path.write_bytes(content)
        laptop.locator("#file").set_input_files(str(path))
        laptop.get_by_role("button", name="导入回盘").click()
        expect(laptop.get_by_text("成功 2 条，失败 1 条").first).to_be_visible()
        laptop.locator("input[name=reason]").first.fill("账户已销户，改发现金")
        laptop.locator("form[action$='/follow-up/']").get_by_role("button", name="改发现金").click()
        screenshot(laptop, "payments-cycle-zh-1366")

        context, phone = page_of(browser, live_server, finance.username, 390, 844)
        contexts.append(context)
        phone.goto(f"{live_server.url}/payments/cycles/{cycle.pk}/cash-roll/")
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        screenshot(phone, "payments-cash-roll-zh-390")
        for _ in range(2):
            phone.locator("input[name=witness]").first.fill("村委会李主任")
            phone.locator("select[name=confirmation]").first.select_option("thumbprint")
            phone.get_by_role("button", name="登记已领取").first.click()
            expect(phone.get_by_text("已登记现金领取。")).to_be_visible()
        assert cycle.lines.filter(status=LineStatus.PAID).count() == 4

        laptop.reload()
        laptop.get_by_role("button", name="对账：每条明细都有着落").click()
        expect(laptop.get_by_text("账目相符：每条明细都和记录一致。")).to_be_visible()
        cycle.refresh_from_db()
        assert cycle.status == CycleStatus.RECONCILED
    finally:
        for context in contexts:
            context.close()
