import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import EntitlementStatus, ReviewProposal
from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.registry import services as registry
from huimin.registry.models import AssetKind, IncomeType
from tests.casework import cases


@pytest.fixture
def entitlement(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    return services.entitlement_create(actor=approver_a, application=application)


def test_an_unchanged_household_continues(caseworker_a, approver_a, entitlement):
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    assert review.proposal == ReviewProposal.CONTINUE
    with pytest.raises(Conflict):  # one open review at a time
        services.review_propose(actor=caseworker_a, entitlement=entitlement)
    services.review_decide(actor=approver_a, review=review, accept=True, on=dt.date(2027, 3, 5))
    entitlement.refresh_from_db()
    assert entitlement.review_due == dt.date(2027, 10, 1)
    with pytest.raises(Conflict):
        services.review_decide(actor=approver_a, review=review, accept=True)


def test_a_new_wage_adjusts_the_amount(caseworker_a, approver_a, entitlement):
    head = entitlement.household.members.get(relation="head")
    registry.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=30_000,
        valid_from=timezone.localdate().replace(day=1) - dt.timedelta(days=31),
    )
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    assert review.proposal == ReviewProposal.ADJUST
    assert 0 < review.amount_fen < entitlement.monthly_fen
    services.review_decide(actor=approver_a, review=review, accept=True)
    entitlement.refresh_from_db()
    assert entitlement.monthly_fen == review.amount_fen
    assert entitlement.snapshot["amount_fen"] == review.amount_fen


def test_a_costly_car_stops_it(caseworker_a, approver_a, entitlement):
    registry.asset_add(
        actor=caseworker_a,
        household=entitlement.household,
        kind=AssetKind.VEHICLE,
        value_fen=20_000_000,
        valid_from=dt.date(2025, 1, 1),
    )
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    assert review.proposal == ReviewProposal.STOP
    with pytest.raises(ValidationFailed):  # not following the proposal needs a reason
        services.review_decide(actor=approver_a, review=review, accept=False)
    services.review_decide(actor=approver_a, review=review, accept=True, on=dt.date(2027, 4, 9))
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.ENDED
    assert entitlement.end_month == dt.date(2027, 4, 1)
    with pytest.raises(Conflict):
        services.review_propose(actor=caseworker_a, entitlement=entitlement)


def test_whoever_proposed_a_review_cannot_decide_it(caseworker_a, entitlement):
    caseworker_a.groups.add(Group.objects.get(name=roles.APPROVER))
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    with pytest.raises(NotAllowed):
        services.review_decide(actor=caseworker_a, review=review, accept=True)


def test_a_refused_proposal_keeps_the_entitlement(caseworker_a, approver_a, entitlement):
    registry.asset_add(
        actor=caseworker_a,
        household=entitlement.household,
        kind=AssetKind.VEHICLE,
        value_fen=20_000_000,
        valid_from=dt.date(2025, 1, 1),
    )
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    services.review_decide(
        actor=approver_a, review=review, accept=False, note="车辆为残疾人代步车，登记有误"
    )
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.ACTIVE


def test_a_review_is_proposed_and_decided_through_the_pages(
    caseworker_a, approver_a, entitlement, client
):
    client.force_login(caseworker_a)
    url = f"/casework/entitlements/{entitlement.pk}/"
    assert client.post(url + "review/").status_code == 302
    review = entitlement.reviews.get()
    client.force_login(approver_a)
    page = client.get(url).content.decode()
    assert f"/casework/reviews/{review.pk}/" in page
    assert client.post(f"/casework/reviews/{review.pk}/", {"accept": "1"}).status_code == 302
    review.refresh_from_db()
    assert review.accepted is True and review.decided_by == approver_a
