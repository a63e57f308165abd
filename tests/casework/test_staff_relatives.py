"""Staff relatives: a declared relative's application is flagged, re-checked by the county and
listed for auditors; a household at a declared relative's address is flagged too."""

import pytest

from huimin.casework import services
from huimin.casework.models import RelativeFlag
from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.casework import cases
from tests.casework.test_pages import client_of, ok
from tests.conftest import make_user
from tests.registry.factories import make_household


@pytest.fixture
def relative_household(caseworker_a, regions):
    household = make_household(caseworker_a, address="大理市下关镇一号")
    return household


def test_it_flags_an_application_from_a_declared_relative(
    caseworker_a, cast, approver_a, relative_household, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    head = relative_household.members.get(relation="head")
    services.relative_declare(actor=cast["helper"], person=head, relation="表哥")
    with pytest.raises(Conflict):
        services.relative_declare(actor=cast["helper"], person=head, relation="表哥")
    application = cases.dibao_application(caseworker_a, relative_household)
    assert application.relative_flag == RelativeFlag.DECLARED
    assert application.relative_staff == cast["helper"]
    cases.to_decision(caseworker_a, cast, application)
    with pytest.raises(Conflict):  # the county re-checks first
        services.decision_approve(actor=approver_a, application=application)
    with pytest.raises(NotAllowed):  # a caseworker cannot re-check
        services.relative_review_record(actor=caseworker_a, application=application, note="x")
    with pytest.raises(ValidationFailed):
        services.relative_review_record(actor=approver_a, application=application, note=" ")
    services.relative_review_record(actor=approver_a, application=application, note="已复核")
    with pytest.raises(Conflict):
        services.relative_review_record(actor=approver_a, application=application, note="again")
    decision = services.decision_approve(actor=approver_a, application=application)
    assert decision.outcome == "approved"


def test_a_declaration_made_later_flags_the_open_application(caseworker_a, relative_household):
    application = cases.dibao_application(caseworker_a, relative_household)
    assert application.relative_flag == ""
    services.relative_declare(
        actor=caseworker_a, person=relative_household.members.get(relation="head"), relation="父亲"
    )
    application.refresh_from_db()
    assert application.relative_flag == RelativeFlag.DECLARED


def test_an_undeclared_household_at_the_same_address_is_flagged(caseworker_a, relative_household):
    services.relative_declare(
        actor=caseworker_a, person=relative_household.members.get(relation="head"), relation="姐姐"
    )
    neighbour = make_household(caseworker_a, head="王五", address="大理市下关镇一号")
    elsewhere = make_household(caseworker_a, head="赵六", address="大理市下关镇二号")
    assert cases.dibao_application(caseworker_a, neighbour).relative_flag == (
        RelativeFlag.SAME_ADDRESS
    )
    assert cases.dibao_application(caseworker_a, elsewhere).relative_flag == ""


def test_auditors_see_the_flagged_applications_and_staff_declare_on_a_page(
    caseworker_a, auditor, relative_household
):
    client = client_of(caseworker_a)
    ok(client.get("/casework/relatives/"), 200)
    ok(
        client.post(
            "/casework/relatives/",
            {"household_no": relative_household.household_no, "name": "张三", "relation": "舅舅"},
        )
    )
    application = cases.dibao_application(caseworker_a, relative_household)
    assert application.relative_flag == RelativeFlag.DECLARED
    page = ok(client_of(auditor).get("/casework/relatives/"), 200).content.decode()
    assert f"/casework/applications/{application.pk}/" in page
    other = make_user("caseworker_far", roles.CASEWORKER, ["532922"])
    far = ok(client_of(other).get("/casework/relatives/"), 200).content.decode()
    assert f"/casework/applications/{application.pk}/" not in far
