"""An appeal's new decision replaces the old entitlement: never two held at once."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from huimin.casework import services
from huimin.casework.assessment import payment_month
from huimin.casework.models import Entitlement, EntitlementStatus
from huimin.core import roles
from huimin.core.errors import Conflict
from huimin.core.models import AuditEvent
from huimin.registry import services as registry
from tests.casework import cases
from tests.conftest import make_user


@pytest.fixture
def entitled(caseworker_a, approver_a, cast, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    services.entitlement_create(actor=approver_a, application=application)
    return application


@pytest.fixture
def second_approver(regions):
    return make_user("approver_2", roles.APPROVER, ["532901"])


def _held(application) -> list[Entitlement]:
    return list(
        Entitlement.objects.filter(
            household=application.household,
            program=application.program,
            status__in=["active", "suspended", "gradual_exit"],
        )
    )


def test_a_new_amount_after_an_appeal_takes_over_from_the_month_after_it(
    caseworker_a, approver_a, second_approver, entitled
):
    old = entitled.decisions.get().entitlement
    services.appeal_record(actor=approver_a, application=entitled, outcome="复议：收入认定有误")
    old.refresh_from_db()
    assert old.status == EntitlementStatus.SUSPENDED  # held until the new decision
    registry.income_add(
        actor=caseworker_a,
        person=entitled.household.members.get(relation="head"),
        income_type="wages",
        monthly_fen=10_000,
        valid_from=dt.date(2020, 1, 1),
    )
    decision = services.decision_approve(actor=second_approver, application=entitled)
    assert decision.amount_fen != old.monthly_fen
    old.refresh_from_db()
    today = timezone.localdate()
    assert old.status == EntitlementStatus.ENDED
    assert old.end_month == today.replace(day=1)  # the month of the new decision
    event = AuditEvent.objects.get(action="casework.entitlement_end")
    assert event.object_id == str(old.pk)
    assert event.changes["replaced_by_decision"] == decision.letter_number
    assert _held(entitled) == []
    services.letter_issue(actor=second_approver, application=entitled)
    new = services.entitlement_create(actor=second_approver, application=entitled)
    assert new.start_month == payment_month(today)
    assert new.monthly_fen == decision.amount_fen
    assert _held(entitled) == [new]


def test_a_refusal_after_an_appeal_leaves_nothing_held(approver_a, second_approver, entitled):
    services.appeal_record(actor=approver_a, application=entitled, outcome="复议：隐瞒收入")
    services.decision_refuse(actor=second_approver, application=entitled, note="隐瞒收入")
    old = entitled.decisions.filter(superseded_at__isnull=False).get().entitlement
    assert old.status == EntitlementStatus.ENDED
    assert _held(entitled) == []


def test_an_appeal_before_the_entitlement_was_created_never_creates_it(
    caseworker_a, approver_a, second_approver, cast, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.appeal_record(actor=approver_a, application=application, outcome="复议")
    services.decision_approve(actor=second_approver, application=application)
    services.letter_issue(actor=second_approver, application=application)
    services.entitlement_create(actor=second_approver, application=application)
    assert Entitlement.objects.filter(household=application.household).count() == 1


def test_a_second_approval_for_a_household_already_paid_is_refused_clearly(
    caseworker_a, approver_a, cast, entitled
):
    again = cases.dibao_application(caseworker_a, entitled.household)
    cases.to_decision(caseworker_a, cast, again)
    services.decision_approve(actor=approver_a, application=again)
    services.letter_issue(actor=approver_a, application=again)
    first_letter = entitled.decisions.get().letter_number
    with pytest.raises(Conflict, match=first_letter):
        services.entitlement_create(actor=approver_a, application=again)
    assert len(_held(entitled)) == 1


def test_the_database_refuses_two_held_entitlements(approver_a, entitled):
    held = entitled.decisions.get().entitlement
    decision = held.decision
    decision.pk, decision.letter_serial = None, decision.letter_serial + 100
    decision.superseded_at = timezone.now()
    decision.save()
    held.pk, held.decision, held.status = None, decision, EntitlementStatus.SUSPENDED
    with pytest.raises(IntegrityError), transaction.atomic():
        held.save()
    # an ended one may sit beside it, and person-level entitlements of two persons may too
    held.status = EntitlementStatus.ENDED
    held.save()
