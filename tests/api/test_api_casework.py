import pytest
from django.test import Client
from django.utils import timezone

from huimin.core.services import api_token_create
from tests.casework import cases
from tests.registry.factories import make_household


def api_of(user) -> Client:
    token = api_token_create(user=user, name="test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def cast(caseworker_a):
    return cases.staff()


@pytest.fixture
def apis(caseworker_a, approver_a, cast, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return {
        "caseworker": api_of(caseworker_a),
        "helper": api_of(cast["helper"]),
        "approver": api_of(approver_a),
    }


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_application_is_taken_read_and_advanced_over_the_api(caseworker_a, cast, apis):
    household = make_household(caseworker_a)
    head = household.members.get(relation="head")
    made = post(
        apis["caseworker"],
        "/api/v1/casework/applications",
        {
            "household_id": household.pk,
            "applicant_id": head.pk,
            "program": "dibao",
            "statement": "收入低",
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["current_step"] == "verification" and body["steps"][0]["due_date"]
    url = f"/api/v1/casework/applications/{body['id']}"
    from huimin.casework.models import Application

    application = Application.objects.get(pk=body["id"])
    cases.authorize(caseworker_a, application)
    wrong = post(apis["caseworker"], url + "/step", {"kind": "home_visit"})
    assert wrong.status_code == 409 and wrong.json()["detail"]
    ran = post(apis["caseworker"], url + "/step", {"kind": "verification"})
    assert ran.status_code == 200, ran.content
    for finding in application.steps.get(kind="verification").found.all():
        from huimin.casework import services

        services.finding_dismiss(actor=caseworker_a, finding=finding, reason="已核实")
    closed = post(apis["caseworker"], url + "/step", {"kind": "verification"})
    assert closed.json()["current_step"] == "home_visit"
    visit = {
        "kind": "home_visit",
        "second_staff_id": cast["colleague"].pk,
        "visited_on": timezone.localdate().isoformat(),
        "items": cases.VISIT_ITEMS,
        "family_confirmed": True,
        "staff_confirmed": True,
    }
    refused = post(apis["caseworker"], url + "/step", {**visit, "second_staff_id": caseworker_a.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "second_staff"
    assert post(apis["caseworker"], url + "/step", visit).status_code == 200
    not_mine = post(
        apis["caseworker"],
        url + "/step",
        {"kind": "appraisal", "present": 3, "in_favour": 3, "held_on": "2026-01-05"},
    )
    assert not_mine.status_code == 403
    read = apis["approver"].get(url)
    assert read.status_code == 200 and read.json()["current_step"] == "appraisal"


def test_an_approved_case_is_decided_and_its_entitlement_read(caseworker_a, cast, approver_a, apis):
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    url = f"/api/v1/casework/applications/{application.pk}/step"
    preparer = post(apis["caseworker"], url, {"kind": "decision", "outcome": "approve"})
    assert preparer.status_code == 403
    decided = post(apis["approver"], url, {"kind": "decision", "outcome": "approve"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["decision"]["amount_fen"] > 0
    post(apis["approver"], url, {"kind": "letter"})
    done = post(apis["approver"], url, {"kind": "entitlement"})
    assert done.json()["current_step"] is None
    listed = apis["caseworker"].get("/api/v1/casework/entitlements")
    [entitlement] = listed.json()
    assert entitlement["household_id"] == application.household_id
    one = apis["caseworker"].get(f"/api/v1/casework/entitlements/{entitlement['id']}")
    assert one.json()["letter_number"] == decided.json()["decision"]["letter_number"]


def test_the_entitlement_list_has_a_fixed_number_of_queries(
    caseworker_a, cast, approver_a, apis, django_assert_max_num_queries
):
    from huimin.casework import services

    for _ in range(3):
        application = cases.dibao_application(caseworker_a)
        cases.to_decision(caseworker_a, cast, application)
        services.decision_approve(actor=approver_a, application=application)
        services.letter_issue(actor=approver_a, application=application)
        services.entitlement_create(actor=approver_a, application=application)
    with django_assert_max_num_queries(8):
        assert len(apis["caseworker"].get("/api/v1/casework/entitlements").json()) == 3
