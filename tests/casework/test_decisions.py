import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import (
    ApplicationStatus,
    DecisionOutcome,
    EntitlementStatus,
    StepKind,
    StepStatus,
)
from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.registry import services as registry
from huimin.registry.models import AssetKind
from tests.casework import cases
from tests.conftest import make_user
from tests.registry.factories import make_household


@pytest.fixture
def deciding(caseworker_a, cast, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    return application


def test_the_approved_amount_is_the_rules_amount(approver_a, deciding):
    from huimin.casework.assessment import application_explain

    expected = application_explain(application=deciding, on=timezone.localdate())
    decision = services.decision_approve(actor=approver_a, application=deciding)
    assert decision.outcome == DecisionOutcome.APPROVED
    assert decision.amount_fen == expected.amount_fen > 0
    assert decision.explanation["computation_zh"] == expected.computation_zh


def test_whoever_prepared_a_step_cannot_decide(caseworker_a, cast, approver_a, deciding):
    both = make_user("both_a", roles.APPROVER, ["532901"])
    both.groups.add(Group.objects.get(name=roles.CASEWORKER))
    application = cases.dibao_application(caseworker_a)
    cases.verify(caseworker_a, application)
    cases.visit(both, cast["colleague"], application)  # the approver visited the family
    services.appraisal_record(
        actor=cast["helper"],
        application=application,
        held_on=timezone.localdate(),
        present=3,
        in_favour=3,
    )
    services.township_opinion_record(
        actor=caseworker_a, application=application, recommend=True, note="同意"
    )
    notice = services.notice_publish(
        actor=cast["helper"],
        village_code=application.region_code,
        starts_on=timezone.localdate() - dt.timedelta(days=8),
    )
    services.notice_close(actor=cast["helper"], notice=notice)
    for preparer in (both, caseworker_a):
        preparer.groups.add(Group.objects.get(name=roles.APPROVER))
        with pytest.raises(NotAllowed):
            services.decision_approve(actor=preparer, application=application)
        with pytest.raises(NotAllowed):
            services.decision_refuse(actor=preparer, application=application, note="不符合")
    services.decision_approve(actor=approver_a, application=application)


def test_a_caseworker_cannot_decide(caseworker_a, cast, deciding):
    with pytest.raises(NotAllowed):
        services.decision_approve(actor=cast["colleague"], application=deciding)


def test_a_decision_is_made_once(approver_a, deciding):
    services.decision_approve(actor=approver_a, application=deciding)
    other = make_user("approver_2", roles.APPROVER, ["532901"])
    with pytest.raises(Conflict):
        services.decision_approve(actor=other, application=deciding)
    with pytest.raises(Conflict):
        services.decision_refuse(actor=other, application=deciding, note="x")


def test_a_refusal_cites_the_failed_criteria(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    household = make_household(caseworker_a)
    registry.asset_add(
        actor=caseworker_a,
        household=household,
        kind=AssetKind.VEHICLE,
        value_fen=20_000_000,
        valid_from=dt.date(2024, 1, 1),
    )
    application = cases.dibao_application(caseworker_a, household)
    cases.to_decision(caseworker_a, cast, application)
    with pytest.raises(Conflict):  # the rules say no: it cannot be approved
        services.decision_approve(actor=approver_a, application=application)
    decision = services.decision_refuse(actor=approver_a, application=application)
    assert [r["name"] for r in decision.reasons] == ["no_costly_vehicle"]
    assert decision.reasons[0]["value"] == 20_000_000
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert application.steps.get(kind=StepKind.ENTITLEMENT).status == StepStatus.CANCELLED
    services.letter_issue(actor=approver_a, application=application)
    with pytest.raises(Conflict):
        services.entitlement_create(actor=approver_a, application=application)


def test_refusing_an_eligible_household_needs_a_written_reason(approver_a, deciding):
    with pytest.raises(ValidationFailed):
        services.decision_refuse(actor=approver_a, application=deciding)
    decision = services.decision_refuse(
        actor=approver_a, application=deciding, note="入户发现家中经营小卖部，收入未申报"
    )
    assert decision.reasons[-1]["name"] == "note"


def test_letter_numbers_run_per_office_and_year(caseworker_a, cast, approver_a, deciding):
    first = services.decision_approve(
        actor=approver_a, application=deciding, on=dt.date(2026, 12, 30)
    )
    second_case = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, second_case)
    second = services.decision_approve(
        actor=approver_a, application=second_case, on=dt.date(2026, 12, 31)
    )
    assert (first.letter_serial, second.letter_serial) == (1, 2)
    assert first.office_code == second.office_code == "532901"
    assert second.letter_number == "大理市民政局〔2026〕2号"


def test_payment_starts_the_month_after_approval(approver_a, deciding):
    services.decision_approve(actor=approver_a, application=deciding, on=dt.date(2026, 12, 10))
    with pytest.raises(Conflict):  # the letter comes first
        services.entitlement_create(actor=approver_a, application=deciding)
    services.letter_issue(actor=approver_a, application=deciding)
    entitlement = services.entitlement_create(actor=approver_a, application=deciding)
    assert entitlement.start_month == dt.date(2027, 1, 1)
    # the letter's "approved from" month, its amount and its standards are those paid
    assert services.current_decision(deciding).period == "2027-01"
    assert entitlement.review_due == dt.date(2027, 7, 1)  # no stable member: six-monthly
    assert entitlement.status == EntitlementStatus.ACTIVE
    with pytest.raises(Conflict):
        services.entitlement_create(actor=approver_a, application=deciding)


def test_an_appeal_reopens_the_case_for_a_new_decision(approver_a, deciding):
    services.decision_refuse(actor=approver_a, application=deciding, note="收入未申报")
    services.letter_issue(actor=approver_a, application=deciding)
    with pytest.raises(ValidationFailed):
        services.appeal_record(actor=approver_a, application=deciding, outcome="")
    services.appeal_record(
        actor=approver_a, application=deciding, outcome="行政复议撤销原决定，责令重新作出"
    )
    deciding.refresh_from_db()
    assert deciding.status == ApplicationStatus.IN_PROGRESS
    assert cases.open_kind(deciding) == StepKind.DECISION
    old = deciding.decisions.get()
    assert old.superseded_at is not None and old.appeal_outcome.startswith("行政复议")
    other = make_user("approver_2", roles.APPROVER, ["532901"])
    with pytest.raises(NotAllowed):  # the first decider does not decide again
        services.decision_approve(actor=approver_a, application=deciding)
    decision = services.decision_approve(actor=other, application=deciding)
    assert decision.letter_serial == 2


def test_only_a_decided_case_is_appealed(approver_a, deciding):
    with pytest.raises(Conflict):
        services.appeal_record(actor=approver_a, application=deciding, outcome="复议")
