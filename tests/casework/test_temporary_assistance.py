"""Temporary assistance: help first, verify later, and the township's approval limit."""

import pytest

from huimin.casework import services
from huimin.casework.models import EmergencyKind, Program, StepKind
from huimin.core import roles
from huimin.core.errors import NotAllowed
from tests.casework import cases
from tests.conftest import make_user
from tests.registry.factories import make_household


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def urgent(caseworker, expense_fen: int):
    household = make_household(caseworker)
    return services.application_create(
        actor=caseworker,
        household=household,
        applicant=household.members.get(relation="head"),
        program=Program.TEMPORARY,
        channel="window",
        statement="房屋失火",
        emergency_kind=EmergencyKind.URGENT,
        emergency_expense_fen=expense_fen,
        help_first=True,
    )


def test_help_first_pays_then_verifies(caseworker_a, approver_a):
    application = urgent(caseworker_a, 100_000)
    assert cases.open_kind(application) == StepKind.DECISION
    decision = services.decision_approve(actor=approver_a, application=application)
    assert 0 < decision.amount_fen <= 100_000
    services.letter_issue(actor=approver_a, application=application)
    entitlement = services.entitlement_create(actor=approver_a, application=application)
    assert entitlement.end_month == entitlement.start_month  # paid once
    assert entitlement.review_due is None
    assert cases.open_kind(application) == StepKind.VERIFICATION
    cases.verify(caseworker_a, application)  # the checks follow the help
    assert cases.open_kind(application) is None


def test_the_township_approves_only_up_to_its_limit(caseworker_a):
    township = make_user("township_approver", roles.APPROVER, ["532901001"])
    small, large = urgent(caseworker_a, 100_000), urgent(caseworker_a, 2_000_000)
    services.decision_approve(actor=township, application=small)
    with pytest.raises(NotAllowed):
        services.decision_approve(actor=township, application=large)
    county = make_user("county_approver", roles.APPROVER, ["532901"])
    decision = services.decision_approve(actor=county, application=large)
    assert decision.amount_fen < 2_000_000  # capped by the rules
    assert decision.explanation["outputs"]["approval_level"] == "county"
