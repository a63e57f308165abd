"""An analyst builds a scenario in the page, runs it and reads the figures and charts."""

import pytest
from django.urls import reverse

from huimin.core import roles
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import SCREENSHOTS, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_analyst_builds_runs_and_reads_a_scenario(browser, live_server, regions) -> None:  # type: ignore[no-untyped-def]
    make_user("analyst_dali", roles.ANALYST, ["5329"])
    for name, viewport in (("laptop", (1366, 768)), ("phone", (390, 844))):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN"
        )
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda m, found=violations: (
                found.append(m.text)
                if "Content Security Policy" in m.text
                or (m.type == "error" and "favicon" not in m.location.get("url", ""))
                else None
            ),
        )
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("用户名").fill("analyst_dali")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server.url}/")
        page.get_by_role("link", name="政策测算").click()
        screenshot(page, f"simulation-form-{name}")
        page.get_by_label("名称").fill(f"大理市农村低保标准提高10%（{name}）")
        page.get_by_label("起始月份").fill("2026-03")
        page.get_by_label("测算对象").select_option("synthetic")
        page.get_by_label("区划代码").fill("532901")
        page.get_by_label("人数（模拟人口）").fill("3000")
        page.locator("#id_param_1").select_option("dibao.standard.rural")
        page.locator("#id_amount_1").fill("1.1")
        page.get_by_label("贫困线（元/人/月）").fill("600")
        page.get_by_role("button", name="保存方案").click()
        page.get_by_role("button", name="测算第 1 版").click()
        page.wait_for_selector("#chart-lorenz canvas")
        assert page.get_by_role("heading", name="支出").count() == 1
        assert page.get_by_text("532901").count() >= 1
        assert page.get_by_role("link", name="下载 Excel").get_attribute("href").endswith(".xlsx")
        page.wait_for_timeout(500)  # the charts' first animation
        screenshot(page, f"simulation-results-{name}")
        page.locator(".charts").screenshot(path=str(SCREENSHOTS / f"simulation-charts-{name}.png"))
        assert violations == []
        assert reverse("simulation:scenarios") in page.content()
        context.close()
