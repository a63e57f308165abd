"""Temporary assistance in principle once per cause per year, unless a new emergency is stated."""

import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import Application, EmergencyKind, Program
from huimin.core.errors import Conflict
from huimin.core.models import AuditEvent
from tests.casework.test_pages import client_of, ok
from tests.registry.factories import make_household


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _apply(caseworker, household, kind=EmergencyKind.URGENT, **extra) -> Application:
    return services.application_create(
        actor=caseworker,
        household=household,
        applicant=household.members.get(relation="head"),
        program=Program.TEMPORARY,
        channel="window",
        statement="家中失火" if kind == EmergencyKind.URGENT else "住院费用",
        emergency_kind=kind,
        emergency_expense_fen=100_000,
        help_first=kind == EmergencyKind.URGENT,
        **extra,
    )


@pytest.fixture
def helped(caseworker_a, approver_a):
    """A household helped at once after a fire, today."""
    household = make_household(caseworker_a)
    application = _apply(caseworker_a, household)
    services.decision_approve(actor=approver_a, application=application)
    return application


def test_a_second_application_for_the_same_cause_names_the_earlier_case(caseworker_a, helped):
    with pytest.raises(Conflict) as refused:
        _apply(caseworker_a, helped.household)
    decision = helped.decisions.get()
    assert refused.value.field == "new_emergency"
    assert str(helped.pk) in refused.value.message
    assert decision.letter_number in refused.value.message
    assert decision.decided_on.isoformat() in refused.value.message
    assert Application.objects.filter(household=helped.household).count() == 1


def test_a_new_emergency_stated_is_taken_and_recorded(caseworker_a, helped):
    again = _apply(caseworker_a, helped.household, new_emergency="  再次失火，厨房烧毁  ")
    assert again.new_emergency == "再次失火，厨房烧毁"
    event = AuditEvent.objects.get(action="casework.application_create", object_id=str(again.pk))
    assert event.changes["new_emergency"] == "再次失火，厨房烧毁"


def test_another_cause_or_a_refused_case_does_not_count(caseworker_a, approver_a, helped):
    _apply(caseworker_a, helped.household, EmergencyKind.EXPENDITURE)
    other = make_household(caseworker_a, head="李四")
    refused = _apply(caseworker_a, other)
    services.decision_refuse(actor=approver_a, application=refused, note="已由保险赔付")
    assert _apply(caseworker_a, other).pk != refused.pk


def test_the_period_counts_back_from_the_day_of_the_application(caseworker_a, helped):
    decision = helped.decisions.get()
    today = timezone.localdate()
    year_ago = today.replace(year=today.year - 1) if today.day != 29 else today - dt.timedelta(365)
    decision.decided_on = year_ago + dt.timedelta(days=1)
    decision.save(update_fields=["decided_on"])
    with pytest.raises(Conflict):
        _apply(caseworker_a, helped.household)
    decision.decided_on = year_ago
    decision.save(update_fields=["decided_on"])
    assert _apply(caseworker_a, helped.household).status == "in_progress"


def test_the_intake_page_shows_the_refusal_at_the_new_emergency_field(caseworker_a, helped):
    household = helped.household
    form = {
        "program": Program.TEMPORARY,
        "applicant": household.members.get(relation="head").pk,
        "channel": "window",
        "statement": "家中又失火",
        "emergency_kind": EmergencyKind.URGENT,
        "emergency_expense_yuan": "800",
    }
    client = client_of(caseworker_a)
    page = ok(client.post(f"/casework/households/{household.pk}/apply/", form), 200)
    assert helped.decisions.get().letter_number in page.content.decode()
    assert 'name="new_emergency"' in page.content.decode()
    ok(
        client.post(
            f"/casework/households/{household.pk}/apply/", {**form, "new_emergency": "又失火"}
        )
    )
    assert Application.objects.filter(household=household).count() == 2
