"""Gradual exit (渐退): a new wage keeps the amount for the parameter's months, then it stops."""

import datetime as dt

import pytest

from huimin.casework import services
from huimin.casework.models import EntitlementStatus, ReviewProposal
from huimin.casework.services.decisions import add_months
from huimin.registry import services as registry
from huimin.registry.models import IncomeType
from tests.casework import cases


@pytest.fixture
def entitlement(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    return services.entitlement_create(actor=approver_a, application=application)


def _new_wage(caseworker, entitlement, fen):
    registry.income_add(
        actor=caseworker,
        person=entitlement.household.members.get(relation="head"),
        income_type=IncomeType.WAGES,
        monthly_fen=fen,
        valid_from=entitlement.start_month,
    )


def test_a_new_wage_within_the_limit_is_a_gradual_exit(caseworker_a, approver_a, entitlement):
    _new_wage(caseworker_a, entitlement, 150_000)  # above the standard, within 3x per member
    on = entitlement.start_month + dt.timedelta(days=3)
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement, on=on)
    assert review.proposal == ReviewProposal.GRADUAL_EXIT
    assert review.amount_fen == entitlement.monthly_fen  # paid as before meanwhile
    services.review_decide(actor=approver_a, review=review, accept=True, on=on)
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.GRADUAL_EXIT
    first = add_months(on.replace(day=1), 1)
    assert entitlement.end_month == add_months(first, 5)  # six months, the parameter
    again = services.review_propose(actor=caseworker_a, entitlement=entitlement, on=on)
    assert again.proposal == ReviewProposal.STOP  # no second gradual exit


def test_a_wage_far_above_the_standard_stops_at_once(caseworker_a, entitlement):
    _new_wage(caseworker_a, entitlement, 2_000_000)
    on = entitlement.start_month + dt.timedelta(days=3)
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement, on=on)
    assert review.proposal == ReviewProposal.STOP
