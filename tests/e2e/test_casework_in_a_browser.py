"""One dibao application from intake to entitlement through the pages, in chromium: the
caseworker and the village helper on a 390 px phone, the approver on a 1366 px laptop."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from huimin.casework.models import Application, Entitlement
from tests.casework import cases
from tests.e2e.conftest import screenshot
from tests.e2e.test_login_flow import log_in
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)


def page_of(browser, live_server, username: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, username)
    return context, page


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_dibao_case_goes_from_intake_to_entitlement_through_the_pages(
    browser, live_server, caseworker_a, approver_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    cases.staff()  # colleague_a visits with the caseworker; helper_a is the village helper
    household = make_household(caseworker_a)
    contexts = []
    try:
        context, phone = page_of(browser, live_server, "caseworker_a", 390, 844)
        contexts.append(context)
        phone.goto(f"{live_server.url}/registry/households/{household.pk}/")
        phone.get_by_role("link", name="受理申请").click()
        phone.get_by_label("申请人陈述").fill("丈夫去年病故，家里没有固定收入")
        screenshot(phone, "casework-apply-zh-390")
        phone.get_by_role("button", name="受理").click()
        expect(phone.get_by_text("申请已受理。")).to_be_visible()
        application = Application.objects.get(household=household)
        screenshot(phone, "casework-taken-zh-390")
        phone.get_by_label("材料类别").select_option("authorization")
        phone.locator("#id_file").set_input_files(
            files=[{"name": "授权书.pdf", "mimeType": "application/pdf", "buffer": cases.PDF}]
        )
        phone.get_by_role("button", name="上传", exact=True).click()
        expect(phone.get_by_text("材料已上传。")).to_be_visible()
        for box in phone.locator("input[name=signers]").all():
            box.check()
        phone.get_by_role("button", name="登记授权书").click()
        expect(phone.get_by_text("授权书已登记。").first).to_be_visible()
        phone.get_by_role("button", name="开始核对").click()
        for reason in phone.locator("input[name=reason][id^=reason-]").all():
            reason.fill("入户核实，不属实")
            phone.get_by_role("button", name="不予采用").first.click()
        screenshot(phone, "casework-verification-zh-390")
        phone.get_by_role("button", name="结束核对").click()
        expect(phone.get_by_role("heading", name="当前步骤：入户调查")).to_be_visible()
        for label, text in (
            ("住房情况", "两间土木房"),
            ("收入和就业", "无固定收入"),
            ("车辆、存款和房产", "无"),
            ("共同生活的家庭成员", "母女二人"),
            ("健康和残疾情况", "女儿读初中"),
        ):
            phone.get_by_label(label).fill(text)
        phone.get_by_label("第二名调查人员").select_option(label="colleague_a")
        phone.get_by_label("家庭成员已阅读调查表并签字").check()
        phone.get_by_label("两名调查人员均已签字").check()
        no_sideways_scroll(phone)
        screenshot(phone, "casework-home-visit-zh-390")
        phone.get_by_role("button", name="保存这一步").click()
        expect(phone.get_by_text("这一步已保存。")).to_be_visible()

        context, helper = page_of(browser, live_server, "helper_a", 390, 844)
        contexts.append(context)
        helper.goto(f"{live_server.url}/casework/applications/{application.pk}/")
        helper.get_by_label("到会人数").fill("9")
        helper.get_by_label("同意人数").fill("8")
        helper.get_by_role("button", name="保存这一步").click()
        expect(helper.get_by_text("这一步已保存。")).to_be_visible()

        phone.reload()
        phone.get_by_label("建议批准", exact=True).check()
        phone.get_by_role("textbox", name="审核意见").fill("情况属实，同意上报")
        phone.get_by_role("button", name="保存这一步").click()
        expect(phone.get_by_text("这一步已保存。")).to_be_visible()
        screenshot(phone, "casework-application-zh-390")

        helper.goto(f"{live_server.url}/casework/notices/")
        helper.get_by_label("村（社区）").select_option(application.region_code)
        posted = timezone.localdate() - dt.timedelta(days=8)
        helper.get_by_label("张贴日期").fill(posted.isoformat())
        helper.get_by_role("button", name="张贴公示").click()
        expect(helper.get_by_role("heading", name="社会救助申请公示")).to_be_visible()
        no_sideways_scroll(helper)
        screenshot(helper, "casework-notice-zh-390")
        helper.get_by_role("button", name="结束公示（公示期满后）").click()
        expect(helper.get_by_text("公示已结束。")).to_be_visible()

        context, laptop = page_of(browser, live_server, "approver_a", 1366, 768)
        contexts.append(context)
        laptop.goto(f"{live_server.url}/casework/applications/{application.pk}/decision/")
        expect(laptop.get_by_text("符合条件：每月")).to_be_visible()
        laptop.get_by_label("批准", exact=True).check()
        screenshot(laptop, "casework-decision-zh-1366")
        laptop.get_by_role("button", name="保存审批决定").click()
        expect(laptop.get_by_text("审批决定已保存")).to_be_visible()
        laptop.get_by_role("link", name="查看并打印决定书").click()
        expect(laptop.get_by_text("60日内")).to_be_visible()
        screenshot(laptop, "casework-letter-zh-1366")
        laptop.go_back()
        laptop.get_by_role("button", name="决定书已送达申请人").click()
        laptop.get_by_role("button", name="登记救助待遇，纳入发放").click()
        expect(laptop.get_by_text("这一步已保存。")).to_be_visible()
        screenshot(laptop, "casework-approved-zh-1366")
        assert Entitlement.objects.filter(decision__application=application).exists()

        phone.goto(f"{live_server.url}/casework/")
        screenshot(phone, "casework-worklist-zh-390")
        laptop.goto(f"{live_server.url}/casework/")
        screenshot(laptop, "casework-worklist-zh-1366")
    finally:
        for context in contexts:
            context.close()
