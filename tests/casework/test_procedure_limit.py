"""The whole procedure's limit: 30 working days from the application to the decision, extended
once by 15, on the official calendar; an overdue application shows in the worklist."""

import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import services, supervision
from huimin.casework.services import applications as application_services
from huimin.casework.services import supervision as supervision_services
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from tests.casework import cases

pytestmark = pytest.mark.django_db

TAKEN = dt.date(2026, 9, 1)  # a Tuesday; National Day falls inside the 30 working days


@pytest.fixture
def taken_on_1_september(monkeypatch):
    monkeypatch.setattr(application_services, "_today", lambda: TAKEN)
    monkeypatch.setattr(supervision_services, "_today", lambda: dt.date(2026, 10, 12))


def test_the_decision_is_due_30_working_days_after_the_application(
    caseworker_a, taken_on_1_september
):
    application = cases.dibao_application(caseworker_a)
    # 30 weekdays would end on 13 October; the National Day holiday pushes it back.
    assert application.procedure_due == dt.date(2026, 10, 19)
    assert application.procedure_due_provisional is False


def test_temporary_assistance_has_its_own_shorter_limit(caseworker_a, taken_on_1_september):
    household = cases.make_household(caseworker_a)
    application = services.application_create(
        actor=caseworker_a,
        household=household,
        applicant=household.members.get(relation="head"),
        program="temporary",
        channel="window",
        statement="医疗支出",
        emergency_kind="expenditure",
        emergency_expense_fen=500000,
    )
    # 15 working days; Sunday 20 September is a make-up working day, so one day sooner.
    assert application.procedure_due == dt.date(2026, 9, 21)


def test_a_limit_in_an_unpublished_year_is_provisional(caseworker_a, monkeypatch):
    monkeypatch.setattr(application_services, "_today", lambda: dt.date(2026, 12, 2))
    application = cases.dibao_application(caseworker_a)
    assert application.procedure_due.year == 2027
    assert application.procedure_due_provisional is True


def test_the_approver_extends_it_once_with_a_reason(caseworker_a, approver_a, taken_on_1_september):
    application = cases.dibao_application(caseworker_a)
    with pytest.raises(ValidationFailed):
        services.procedure_extend(actor=approver_a, application=application, reason="")
    services.procedure_extend(actor=approver_a, application=application, reason="外地核查未回")
    application.refresh_from_db()
    assert application.procedure_due == dt.date(2026, 11, 9)  # 15 working days later
    assert application.procedure_extended_by == approver_a
    event = AuditEvent.objects.get(action="casework.procedure_extend")
    assert (event.changes["was"], event.changes["due"]) == ("2026-10-19", "2026-11-09")
    with pytest.raises(Conflict):
        services.procedure_extend(actor=approver_a, application=application, reason="再次")


def test_a_caseworker_or_a_preparer_cannot_extend_it(caseworker_a, approver_a, cast):
    application = cases.dibao_application(caseworker_a)
    with pytest.raises(NotAllowed):
        services.procedure_extend(actor=caseworker_a, application=application, reason="忙")
    application.created_by = approver_a  # test data: as if the approver had taken it
    application.save(update_fields=["created_by"])
    with pytest.raises(NotAllowed):
        services.procedure_extend(actor=approver_a, application=application, reason="忙")


def test_an_overdue_application_appears_in_the_worklist(client, caseworker_a, approver_a):
    late = cases.dibao_application(caseworker_a)
    type(late).objects.filter(pk=late.pk).update(
        procedure_due=timezone.localdate() - dt.timedelta(days=1)
    )
    cases.dibao_application(caseworker_a, cases.make_household(caseworker_a, head="准时户"))
    client.force_login(caseworker_a)
    page = client.get("/casework/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Past the whole procedure's time limit: 1" in page
    assert "decision overdue since" in page
    rows = {r.member: r for r in supervision.team(approver_a).rows}
    assert rows[caseworker_a].procedures_overdue == 1


def test_a_decided_application_is_not_overdue(caseworker_a, approver_a, cast):
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    type(application).objects.filter(pk=application.pk).update(
        procedure_due=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not supervision.procedure_overdue(caseworker_a, on=timezone.localdate()).exists()


def test_the_application_page_shows_the_due_date_and_the_extension_form(
    client, caseworker_a, approver_a
):
    application = cases.dibao_application(caseworker_a)
    client.force_login(approver_a)
    page = client.get(
        f"/casework/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Decision due" in page and application.procedure_due.isoformat() in page
    assert "Extend the time limit (once)" in page
    response = client.post(
        f"/casework/applications/{application.pk}/extend/", {"reason": "外地核查未回"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.procedure_extended_at is not None
    page = client.get(f"/casework/applications/{application.pk}/").content.decode()
    assert "外地核查未回" in page
