"""The main pages as a caseworker sees them: they load under the content security policy without
a single violation, fit a phone without sideways scrolling, and reveal an identity number only
on request."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from huimin.core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)


def pages(household_id: int) -> dict[str, str]:
    return {
        "search": reverse("registry:search") + "?q=张",
        "household": reverse("registry:household", args=[household_id]),
        "eligibility": reverse("programs:household-eligibility", args=[household_id])
        + "?period=2026-11",
        "import": reverse("registry:import"),
        "jobs": reverse("job-list"),
    }


def log_in(page, live_server) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("caseworker_a")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_the_main_pages_load_cleanly_on_a_phone(phone_page, live_server, caseworker_a):
    household = make_household(caseworker_a)
    violations: list[str] = []
    phone_page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(phone_page, live_server)
    for name, path in pages(household.pk).items():
        response = phone_page.goto(live_server.url + path)
        assert response is not None and response.status == 200, name
        overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
        screenshot(phone_page, f"{name}-phone")
    assert violations == []


def test_an_identity_number_is_masked_until_revealed(laptop_page, live_server, caseworker_a):
    household = make_household(caseworker_a)
    head = household.members.get(relation="head")
    log_in(laptop_page, live_server)
    laptop_page.goto(live_server.url + reverse("registry:household", args=[household.pk]))
    assert head.id_number not in laptop_page.content()
    assert head.id_number[:4] + "**********" + head.id_number[-4:] in laptop_page.content()
    laptop_page.get_by_role("button", name=re.compile(head.name)).click()  # swapped in by htmx
    expect(laptop_page.get_by_text(head.id_number)).to_be_visible()
    assert AuditEvent.objects.filter(action="pii.reveal", actor=caseworker_a).count() == 1
    screenshot(laptop_page, "household-revealed-laptop")
