"""The residents' portal on a 360 px phone: the pre-check answered, and axe-core on the public pages.

axe-core is vendored as a test file (tests/e2e/vendor/axe.min.js) and injected by Playwright into
the page under test; it is never served to users.
"""

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
# A 1x1 PNG: an attachment the document check accepts.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def serious_violations(page) -> list[str]:
    # Evaluated through the browser's debugging protocol: the page's strict CSP stays as it is.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.django_db(transaction=True)
def test_it_answers_the_pre_check_on_a_phone(live_server, phone_page, regions):
    page = phone_page
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name="我能不能申请？回答几个问题看看").click()
    page.get_by_label("您所在的县（市、区）").select_option("532901")
    page.get_by_label("城镇户口").check()
    page.locator("#id_m1_age").fill("40")
    page.locator("#id_m2_age").fill("9")
    page.get_by_label("每月其他收入，全家合计（元）").fill("300")
    page.get_by_role("button", name="看看我可能领到什么").click()
    result = page.locator(".results")
    assert "您可能符合" in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "portal-precheck-360.png")
    page.screenshot(path=SCREENSHOTS / "portal-precheck-360-full.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/portal/", "/portal/guide/?program=dibao&county=532901", "/portal/check/"]
)
def test_axe_finds_no_serious_violation_on_the_public_pages(live_server, phone_page, regions, path):
    phone_page.goto(f"{live_server.url}{path}")
    assert serious_violations(phone_page) == []


def sign_in_in_the_browser(page, live_server, phone: str) -> None:
    from tests.citizens.helpers import last_code_to

    page.goto(f"{live_server.url}/portal/sign-in/")
    page.get_by_label("您的手机号码").fill(phone)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信收到的6位验证码").fill(last_code_to(phone))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/portal/me/")


@pytest.mark.django_db(transaction=True)
def test_it_takes_an_online_application_on_a_phone(
    live_server, phone_page, regions, caseworker_a, settings, tmp_path
):
    from huimin.casework.models import Application
    from huimin.citizens.services import citizen_account_link
    from tests.registry.factories import make_household

    settings.VAR_DIR = tmp_path / "var"
    household = make_household(caseworker_a, head="周网申")
    phone = "13800007777"
    page = phone_page
    sign_in_in_the_browser(page, live_server, phone)
    citizen_account_link(
        actor=caseworker_a, phone=phone, id_number=household.members.get(relation="head").id_number
    )
    page.goto(f"{live_server.url}/portal/apply/")
    page.locator("input[name=program][value=dibao]").check()
    page.get_by_label("申请理由：简单说说您家的情况").fill("丈夫去年去世，我一个人带两个孩子")
    page.locator("#id_document").set_input_files(
        files=[{"name": "收入证明.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/portal/me/")
    assert "正在办" in page.locator("main").inner_text()
    assert Application.objects.get(household=household).channel == "online"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "portal-applied-360.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_it_takes_a_complaint_on_a_phone(live_server, phone_page, regions, settings, tmp_path):
    from huimin.citizens.models import Request

    settings.VAR_DIR = tmp_path / "var"
    page = phone_page
    sign_in_in_the_browser(page, live_server, "13800008888")
    page.goto(f"{live_server.url}/portal/requests/new/")
    page.get_by_label("投诉办事服务").check()
    page.get_by_label("请说说是什么事").fill("跑了三趟还没办好")
    page.get_by_label("涉及哪个乡镇（街道）").select_option("532901001")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/portal/requests/")
    assert "跑了三趟还没办好" in page.locator("main").inner_text()
    assert Request.objects.get().kind == "complaint"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOTS / "portal-complaint-360.png", full_page=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/portal/requests/new/", "/portal/sign-in/"])
def test_axe_finds_no_serious_violation_on_the_forms(live_server, phone_page, regions, path):
    phone_page.goto(f"{live_server.url}{path}")
    assert serious_violations(phone_page) == []


@pytest.mark.django_db(transaction=True)
def test_the_guide_and_the_staff_request_page_look_right(
    live_server, phone_page, browser, regions, caseworker_a
):
    from huimin.citizens.services import request_file
    from tests.conftest import PASSWORD

    phone_page.goto(f"{live_server.url}/portal/guide/?program=dibao&county=532901")
    assert "元" in phone_page.locator("dl.facts").inner_text()
    phone_page.screenshot(path=SCREENSHOTS / "portal-guide-360.png", full_page=True)
    filed = request_file(kind="complaint", text="窗口人员态度不好", region_code="532901001")
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("caseworker_a")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit], form button").last.click()
    page.goto(f"{live_server.url}/citizens/requests/{filed.pk}/")
    assert "窗口人员态度不好" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=SCREENSHOTS / "staff-request-390.png", full_page=True)
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_status_page_shows_payments_and_texts_on_a_phone(
    live_server, phone_page, regions, caseworker_a, settings, tmp_path
):
    from huimin.citizens.services import citizen_account_link
    from huimin.payments import services as payments
    from tests.payments.factories import approver_user, finance_user
    from tests.payments.flow import LAYOUT, approved_cycle, bank_return

    settings.VAR_DIR = tmp_path / "var"
    finance = finance_user()
    cycle = approved_cycle(caseworker_a, finance, approver_user(), n=1)
    line = cycle.lines.get()
    phone = "13800006868"
    page = phone_page
    sign_in_in_the_browser(page, live_server, phone)
    citizen_account_link(
        actor=caseworker_a,
        phone=phone,
        id_number=line.household.members.get(relation="head").id_number,
    )
    payments.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {line.pk: ("F", "AC04")})
    payments.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    page.goto(f"{live_server.url}/portal/me/")
    shown = page.locator("#payments").inner_text()
    assert "2026-12" in shown and "未到账" in shown
    assert f"尾号{line.household.bank_account[-4:]}" in page.locator("#notices").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#payments").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "portal-status-360.png", full_page=True)
    assert serious_violations(page) == []
