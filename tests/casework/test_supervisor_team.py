"""A supervisor's view of the worklist: who is under whom, their open and overdue work, one click
to a member's worklist, and reassigning a case."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huimin.casework import services, supervision
from huimin.casework.models import StepStatus
from huimin.core import roles
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from tests.casework import cases
from tests.conftest import VILLAGE_B, make_user
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_worker(regions):
    """A caseworker of one township of caseworker A's county."""
    return make_user("township_worker", roles.CASEWORKER, ["532901001"])


@pytest.fixture
def two_counties(regions):
    """Someone who works in this county and in the next: not under this county alone."""
    return make_user("roaming", roles.CASEWORKER, ["532901", "532922"])


def _late(application, days: int = 2) -> None:
    """Test data: the open step fell due `days` ago."""
    past = timezone.localdate() - dt.timedelta(days=days)
    application.steps.filter(status=StepStatus.OPEN).update(due_date=past)


def test_the_team_is_the_case_staff_inside_the_supervisors_area(
    caseworker_a, caseworker_b, approver_a, auditor, township_worker, two_counties
):
    helper = make_user("helper_a", roles.VILLAGE_HELPER, ["532901001001"])
    assert set(supervision.team_of(approver_a)) == {caseworker_a, township_worker, helper}
    # the prefecture's auditor oversees both counties, and whoever works across them
    assert set(supervision.team_of(auditor)) == {
        caseworker_a,
        caseworker_b,
        township_worker,
        helper,
        two_counties,
    }
    assert not supervision.team_of(caseworker_a).exists()  # a caseworker supervises no one


def test_counts_are_by_the_person_responsible(caseworker_a, approver_a, township_worker):
    mine = [cases.dibao_application(caseworker_a) for _ in range(2)]
    theirs = cases.dibao_application(township_worker)
    _late(mine[0])
    team = supervision.team(approver_a)
    rows = {row.member.username: row for row in team.rows}
    assert team.rows[0].member == caseworker_a  # the most overdue first
    assert (rows["caseworker_a"].open, rows["caseworker_a"].overdue) == (2, 1)
    assert rows["caseworker_a"].by_kind == {"verification": 2}
    assert (rows["township_worker"].open, rows["township_worker"].overdue) == (1, 0)
    assert team.overdue == 1
    assert theirs.responsible == township_worker


def _team_page_queries(client, approver) -> int:
    client.force_login(approver)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/casework/team/")
    assert response.status_code == 200
    return len(queries)


def test_the_team_page_makes_the_same_queries_for_a_bigger_team(
    client, caseworker_a, approver_a, township_worker
):
    cases.dibao_application(caseworker_a)
    small = _team_page_queries(client, approver_a)
    for n in range(4):
        worker = make_user(f"worker_{n}", roles.CASEWORKER, ["532901101"])
        household = make_household(worker, village="532901101201", head=f"户主{n}")
        _late(cases.dibao_application(worker, household))
    assert _team_page_queries(client, approver_a) == small
    assert small <= 12  # session, user, permissions, jurisdictions, the team, two counts


def test_the_team_page_highlights_overdue_work_in_words(client, caseworker_a, approver_a):
    _late(cases.dibao_application(caseworker_a))
    client.force_login(approver_a)
    page = client.get("/casework/team/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Overdue work" in page and "1 overdue" in page
    assert f"/casework/?staff={caseworker_a.pk}" in page
    chinese = client.get("/casework/team/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "逾期" in chinese


def test_a_caseworker_cannot_open_the_team_page(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get("/casework/team/").status_code == 403


def test_a_members_worklist_shows_only_their_cases_read_only(
    client, caseworker_a, approver_a, township_worker
):
    cases.dibao_application(caseworker_a, make_household(caseworker_a, head="甲家户主"))
    cases.dibao_application(township_worker, make_household(township_worker, head="乡镇户主"))
    client.force_login(approver_a)
    page = client.get(
        f"/casework/?staff={township_worker.pk}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "乡镇户主" in page and "甲家户主" not in page
    assert "Read-only" in page


def test_a_worklist_of_someone_outside_the_team_is_not_found(
    client, caseworker_a, caseworker_b, approver_a
):
    client.force_login(approver_a)
    assert client.get(f"/casework/?staff={caseworker_b.pk}").status_code == 404
    assert client.get("/casework/?staff=x").status_code == 404
    client.force_login(caseworker_a)  # supervises no one
    assert client.get(f"/casework/?staff={caseworker_a.pk}").status_code == 404


def test_an_approver_reassigns_a_case_with_a_reason(caseworker_a, approver_a, township_worker):
    application = cases.dibao_application(caseworker_a)
    with pytest.raises(ValidationFailed):
        services.application_reassign(
            actor=approver_a, application=application, to=township_worker, reason=" "
        )
    services.application_reassign(
        actor=approver_a, application=application, to=township_worker, reason="休假"
    )
    application.refresh_from_db()
    assert application.responsible == township_worker
    event = AuditEvent.objects.get(action="casework.application_reassign")
    assert event.changes["to"] == "township_worker" and event.changes["from"] == "caseworker_a"


def test_a_case_goes_only_to_someone_of_the_team_in_its_area(
    caseworker_a, caseworker_b, approver_a
):
    application = cases.dibao_application(caseworker_a)
    elsewhere = make_user("other_township", roles.CASEWORKER, ["532901101"])
    for to in (caseworker_b, elsewhere):
        with pytest.raises(ValidationFailed):
            services.application_reassign(
                actor=approver_a, application=application, to=to, reason="调整"
            )
    with pytest.raises(NotAllowed):
        services.application_reassign(
            actor=caseworker_a, application=application, to=elsewhere, reason="调整"
        )


def test_the_reassign_page_action(client, caseworker_a, approver_a, township_worker):
    application = cases.dibao_application(caseworker_a)
    client.force_login(approver_a)
    page = client.get(f"/casework/applications/{application.pk}/").content.decode()
    assert f'value="{township_worker.pk}"' in page  # offered
    response = client.post(
        f"/casework/applications/{application.pk}/responsible/",
        {"to": township_worker.pk, "reason": "休假"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.responsible == township_worker


def test_a_case_in_the_other_county_cannot_be_reassigned(client, caseworker_b, approver_a):
    household = make_household(caseworker_b, village=VILLAGE_B)
    application = cases.dibao_application(caseworker_b, household)
    client.force_login(approver_a)
    response = client.post(
        f"/casework/applications/{application.pk}/responsible/",
        {"to": caseworker_b.pk, "reason": "x"},
    )
    assert response.status_code == 404
