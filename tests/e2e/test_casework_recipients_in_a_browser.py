"""The recipients list, a household's benefits after a death, and outreach, at 390 and 1366 px."""

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.registry import services as registry
from tests.casework import cases
from tests.e2e.conftest import screenshot
from tests.e2e.test_casework_in_a_browser import no_sideways_scroll, page_of
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)


def test_recipients_household_and_outreach_pages_fit_a_phone(
    browser, live_server, caseworker_a, approver_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    cast = cases.staff()
    entitlements = []
    for _ in range(2):
        application = cases.dibao_application(caseworker_a)
        cases.to_decision(caseworker_a, cast, application)
        services.decision_approve(actor=approver_a, application=application)
        services.letter_issue(actor=approver_a, application=application)
        entitlements.append(services.entitlement_create(actor=approver_a, application=application))
    registry.person_record_death(
        actor=caseworker_a,
        person=entitlements[0].household.members.get(relation="spouse"),
        death_date=timezone.localdate(),
    )
    make_household(caseworker_a, head="王外联")
    services.outreach_run(actor=caseworker_a)
    for width, height in ((390, 844), (1366, 900)):
        context, page = page_of(browser, live_server, "caseworker_a", width, height)
        for path, name in (
            ("/casework/recipients/", "recipients"),
            (f"/casework/households/{entitlements[0].household_id}/", "household"),
            ("/casework/outreach/", "outreach"),
            ("/casework/", "worklist-changes"),
        ):
            page.goto(f"{live_server.url}{path}")
            screenshot(page, f"casework-{name}-zh-{width}")
            no_sideways_scroll(page)
        context.close()
