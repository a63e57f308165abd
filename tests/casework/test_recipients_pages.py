"""What a household receives, the area's recipients with filters and export, and changes."""

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import ChangeStatus, CircumstanceChange, EntitlementStatus
from huimin.core.audit import AuditEvent
from huimin.registry import services as registry
from huimin.registry.models import Relation
from tests.casework import cases
from tests.casework.test_pages import client_of, ok


def _entitlement(caseworker, cast, approver):
    application = cases.dibao_application(caseworker)
    cases.to_decision(caseworker, cast, application)
    services.decision_approve(actor=approver, application=application)
    services.letter_issue(actor=approver, application=application)
    return services.entitlement_create(actor=approver, application=application)


@pytest.fixture
def three(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return [_entitlement(caseworker_a, cast, approver_a) for _ in range(3)]


def test_it_shows_what_a_household_receives_and_its_decisions(caseworker_a, three):
    entitlement = three[0]
    client = client_of(caseworker_a)
    home = ok(client.get(f"/registry/households/{entitlement.household_id}/"), 200)
    assert f"/casework/households/{entitlement.household_id}/" in home.content.decode()
    page = ok(client.get(f"/casework/households/{entitlement.household_id}/"), 200)
    text = page.content.decode()
    assert entitlement.decision.letter_number in text
    assert entitlement.review_due.strftime("%Y-%m-%d") in text
    assert entitlement.start_month.strftime("%Y-%m") in text


def test_a_death_shows_on_the_worklist_and_is_closed_from_the_household_page(caseworker_a, three):
    entitlement = three[0]
    registry.person_record_death(
        actor=caseworker_a,
        person=entitlement.household.members.get(relation=Relation.SPOUSE),
        death_date=timezone.localdate(),
    )
    client = client_of(caseworker_a)
    work = ok(client.get("/casework/"), 200).content.decode()
    assert f"/casework/households/{entitlement.household_id}/" in work
    assert "?status=suspended" in work
    change = CircumstanceChange.objects.get()
    refused = client.post(f"/casework/changes/{change.pk}/close/", {"note": "", "resume": "1"})
    ok(refused)
    change.refresh_from_db()
    assert change.status == ChangeStatus.OPEN  # a note is needed
    ok(client.post(f"/casework/changes/{change.pk}/close/", {"note": "已核实", "resume": "1"}))
    change.refresh_from_db()
    entitlement.refresh_from_db()
    assert change.status == ChangeStatus.DONE and entitlement.status == EntitlementStatus.ACTIVE


def test_the_recipients_list_filters_exports_and_has_fixed_queries(
    caseworker_a, three, django_assert_max_num_queries
):
    client = client_of(caseworker_a)
    with django_assert_max_num_queries(8):
        page = ok(client.get("/casework/recipients/"), 200).content.decode()
    for e in three:
        assert f"/casework/households/{e.household_id}/" in page
    three[1].__class__.objects.filter(pk=three[1].pk).update(status=EntitlementStatus.SUSPENDED)
    page = ok(client.get("/casework/recipients/?status=suspended"), 200).content.decode()
    assert f"/casework/households/{three[1].household_id}/" in page
    assert f"/casework/households/{three[0].household_id}/" not in page
    none = ok(client.get("/casework/recipients/?program=tekun"), 200).content.decode()
    assert "/casework/households/" not in none
    export = ok(client.get("/casework/recipients/?format=csv"), 200)
    body = export.content.decode("utf-8-sig")
    assert body.count("\n") == 4  # the header and three rows
    event = AuditEvent.objects.get(action="casework.recipients_export")
    assert event.changes["rows"] == 3


def test_a_stranger_sees_none_of_the_area(caseworker_b, three):
    client = client_of(caseworker_b)
    page = ok(client.get("/casework/recipients/"), 200).content.decode()
    assert "/casework/households/" not in page
    assert client.get(f"/casework/households/{three[0].household_id}/").status_code == 404
