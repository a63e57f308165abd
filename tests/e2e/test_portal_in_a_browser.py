"""The residents' portal on a 360 px phone: the pre-check answered, and axe-core on the public pages.

axe-core is vendored as a test file (tests/e2e/vendor/axe.min.js) and injected by Playwright into
the page under test; it is never served to users.
"""

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import SCREENSHOTS

AXE = Path(__file__).with_name("vendor") / "axe.min.js"


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
    page.get_by_label("全家每月收入合计（元）").fill("300")
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
