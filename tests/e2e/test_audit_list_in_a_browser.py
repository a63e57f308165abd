"""The audit list as an auditor sees it on a laptop: filters, sentences, links, no CSP violation."""

import pytest
from django.urls import reverse

from huimin.registry import services as registry
from tests.conftest import PASSWORD, VILLAGE_A
from tests.e2e.conftest import screenshot
from tests.registry.factories import household_facts, make_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_audit_list_reads_as_sentences(laptop_page, live_server, caseworker_a, auditor):
    household = make_household(caseworker_a)
    facts = household_facts(VILLAGE_A, address="下关镇文化路14号")
    registry.household_update(
        actor=caseworker_a, household=household, facts=facts, expected_version=household.version
    )
    violations: list[str] = []
    laptop_page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    laptop_page.goto(f"{live_server.url}/login/")
    laptop_page.get_by_label("用户名").fill("auditor")
    laptop_page.get_by_label("密码").fill(PASSWORD)
    laptop_page.get_by_role("button", name="登录").click()
    laptop_page.wait_for_url(f"{live_server.url}/")
    laptop_page.goto(live_server.url + reverse("audit-list"))
    sentence = f"caseworker_a 修改了家庭 {household.household_no}：住址"
    link = laptop_page.get_by_role("link", name=sentence)
    assert link.get_attribute("href") == reverse("registry:household", args=[household.pk])
    screenshot(laptop_page, "audit-list-laptop")
    laptop_page.get_by_label("起始日期").fill("2020-01-01")
    laptop_page.get_by_role("button", name="筛选", exact=True).click()
    assert laptop_page.get_by_role("link", name=sentence).count() == 1
    assert violations == []
