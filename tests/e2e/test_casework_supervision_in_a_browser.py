"""The supervisor's pages at 390 and 1366 px: the team, a member's worklist, a spot-check, a
review's letter."""

import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.core import roles
from tests.casework import cases
from tests.conftest import make_user
from tests.e2e.conftest import screenshot
from tests.e2e.test_casework_in_a_browser import no_sideways_scroll, page_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_supervisors_pages_fit_a_phone_and_a_laptop(
    browser, live_server, caseworker_a, approver_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    cast = cases.staff()
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    entitlement = services.entitlement_create(actor=approver_a, application=application)
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    services.review_decide(actor=approver_a, review=review, accept=True)
    late = cases.dibao_application(caseworker_a)
    late.steps.filter(status="open").update(due_date=timezone.localdate() - dt.timedelta(days=3))
    checker = make_user("checker", roles.APPROVER, ["532901"])
    today = timezone.localdate()
    drawn = services.spot_check_draw(
        actor=checker, county_code="532901", starts_on=today, ends_on=today
    )
    for width, height in ((390, 844), (1366, 900)):
        context, page = page_of(browser, live_server, "checker", width, height)
        for path, name in (
            ("/casework/team/", "team"),
            (f"/casework/?staff={caseworker_a.pk}", "member-worklist"),
            (f"/casework/spot-checks/{drawn.pk}/", "spot-check"),
            (f"/casework/applications/{late.pk}/", "application-limit"),
            (f"/casework/reviews/{review.pk}/letter/", "review-letter"),
        ):
            page.goto(f"{live_server.url}{path}")
            screenshot(page, f"casework-{name}-zh-{width}")
            no_sideways_scroll(page)
        context.close()
