"""Carrying an office's caseload over from its previous system: allowed, refused, jurisdiction,
audit events, idempotence, the CSV command."""

import datetime as dt
from dataclasses import asdict

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from huimin.casework import services
from huimin.casework.assessment import application_explain, payment_month
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    Decision,
    Entitlement,
    LetterSequence,
    Program,
)
from huimin.casework.services import CarryOverRefused, CarryOverRow
from huimin.casework.services.decisions import _plain
from huimin.core.audit import audit_verify
from huimin.core.errors import NotAllowed
from huimin.core.models import AuditEvent
from huimin.registry import services as registry
from huimin.registry.models import AssetKind
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household

NUMBER = "大理市民政局〔2024〕17号"


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals are read in English here; one test reads them in Chinese."""
    with translation.override("en"):
        yield


def row(household, program=Program.DIBAO, number=NUMBER, person=None, **changes):
    facts = {
        "household": household,
        "program": program,
        "person": person,
        "decision_number": number,
        "decided_on": dt.date(2024, 3, 12),
        "start_month": dt.date(2024, 4, 1),
        **changes,
    }
    return CarryOverRow(**facts)


def make_rich(caseworker):
    """A household far above the dibao line: a large deposit."""
    household = make_household(caseworker, head="王富")
    registry.asset_add(
        actor=caseworker,
        household=household,
        kind=AssetKind.DEPOSIT,
        value_fen=500_000_00,
        valid_from=dt.date(2024, 1, 1),
    )
    return household


def test_a_carried_over_case_is_paid_the_rules_amount_with_its_history(caseworker_a, approver_a):
    household = make_household(caseworker_a)
    result = services.caseload_carry_over(actor=approver_a, rows=[row(household)])

    (entitlement,) = result.entitlements
    application = entitlement.decision.application
    expected = application_explain(application=application, on=timezone.localdate())
    assert entitlement.monthly_fen == expected.amount_fen > 0
    assert result.monthly_fen == entitlement.monthly_fen
    assert result.period == payment_month(timezone.localdate()).strftime("%Y-%m")
    assert application.channel == Channel.CARRIED_OVER
    assert application.status == ApplicationStatus.APPROVED
    assert application.applicant.relation == "head"
    decision = entitlement.decision
    assert (decision.letter_number, decision.letter_year, decision.letter_serial) == (
        NUMBER,
        2024,
        17,
    )
    assert decision.decided_on == dt.date(2024, 3, 12)
    assert decision.office_name == "大理市民政局"
    assert entitlement.start_month == dt.date(2024, 4, 1)
    assert entitlement.review_due > timezone.localdate()
    assert entitlement.snapshot["computation_zh"] == expected.computation_zh
    assert entitlement.snapshot["carried_over"]["number"] == NUMBER
    stored = dict(decision.explanation)
    assert stored.pop("carried_over")["decided_on"] == "2024-03-12"
    assert stored == _plain(asdict(expected))  # as decision_approve stores it
    # Huimin's own letters go on after the number carried over.
    assert LetterSequence.objects.get(office_code="532901", year=2024).last == 17


def test_a_person_allowance_is_carried_over_to_that_person(caseworker_a, approver_a):
    household = make_household(caseworker_a, others=(("张老太", "parent"),))
    elder = household.members.get(name="张老太")
    elder.birth_date = dt.date(1938, 5, 1)
    elder.save(update_fields=["birth_date"])
    (entitlement,) = services.caseload_carry_over(
        actor=approver_a, rows=[row(household, Program.OLD_AGE, person=elder)]
    ).entitlements
    assert entitlement.person == elder
    assert entitlement.decision.application.applicant == elder
    assert entitlement.monthly_fen > 0


def test_a_household_that_does_not_qualify_refuses_the_batch_with_its_criteria(
    caseworker_a, approver_a
):
    poor, rich = make_household(caseworker_a), make_rich(caseworker_a)
    with pytest.raises(CarryOverRefused) as refused:
        services.caseload_carry_over(
            actor=approver_a,
            rows=[row(poor), row(rich, number="大理市民政局〔2024〕18号")],
        )
    assert [number for number, _reason in refused.value.refused] == [2]
    assert "financial_assets_within_limit" in refused.value.message
    assert not Entitlement.objects.exists() and not Application.objects.exists()


def test_bad_rows_are_named_each(caseworker_a, approver_a):
    household = make_household(caseworker_a)
    rows = [
        row(household, number="第17号"),
        row(household, program="temporary", number="大理市民政局〔2024〕19号"),
        row(household, program=Program.OLD_AGE, number="大理市民政局〔2024〕20号"),
        row(household, number="大理市民政局〔2024〕21号", start_month=dt.date(2024, 2, 1)),
    ]
    with pytest.raises(CarryOverRefused) as refused:
        services.caseload_carry_over(actor=approver_a, rows=rows)
    reasons = dict(refused.value.refused)
    assert set(reasons) == {1, 2, 3, 4}
    assert "decision number" in reasons[1]
    assert "monthly entitlement" in reasons[2]
    assert "give the recipient" in reasons[3]
    assert "start month" in reasons[4]


def test_only_an_approver_in_the_area_carries_over(caseworker_a, caseworker_b, approver_a):
    household = make_household(caseworker_a)
    with pytest.raises(NotAllowed):
        services.caseload_carry_over(actor=caseworker_a, rows=[row(household)])
    elsewhere = make_household(caseworker_b, village=VILLAGE_B)
    with pytest.raises(CarryOverRefused, match="outside your area"):
        services.caseload_carry_over(actor=approver_a, rows=[row(elsewhere)])
    with (
        translation.override("zh-hans"),
        pytest.raises(CarryOverRefused, match="不在您的管辖范围内"),
    ):
        services.caseload_carry_over(actor=approver_a, rows=[row(elsewhere)])
    assert not Entitlement.objects.exists()


def test_one_audit_event_per_entitlement_on_the_chain(caseworker_a, approver_a):
    first, second = make_household(caseworker_a), make_household(caseworker_a, head="李四")
    result = services.caseload_carry_over(
        actor=approver_a,
        rows=[row(first), row(second, number="大理市民政局〔2023〕4号")],
    )
    events = AuditEvent.objects.filter(action="casework.caseload_carry_over").order_by("seq")
    assert [e.object_id for e in events] == [str(e.pk) for e in result.entitlements]
    assert {e.actor_id for e in events} == {approver_a.pk}
    assert events[1].changes["number"] == "大理市民政局〔2023〕4号"
    assert events[0].region_code == first.region_code
    assert audit_verify().intact


def test_carrying_the_same_case_twice_is_refused(caseworker_a, approver_a):
    household = make_household(caseworker_a)
    services.caseload_carry_over(actor=approver_a, rows=[row(household)])
    with pytest.raises(CarryOverRefused, match="already receives"):
        services.caseload_carry_over(
            actor=approver_a, rows=[row(household, number="大理市民政局〔2024〕99号")]
        )
    other = make_household(caseworker_a, head="李四")
    with pytest.raises(CarryOverRefused, match="recorded already"):
        services.caseload_carry_over(actor=approver_a, rows=[row(other)])
    with pytest.raises(CarryOverRefused, match="already receives"):
        services.caseload_carry_over(
            actor=approver_a,
            rows=[
                row(other, number="大理市民政局〔2024〕30号"),
                row(other, number="大理市民政局〔2024〕31号"),
            ],
        )
    assert Decision.objects.count() == Entitlement.objects.count() == 1


def test_the_command_carries_a_csv_over_whole_or_not_at_all(caseworker_a, approver_a, tmp_path):
    poor, rich = make_household(caseworker_a), make_rich(caseworker_a)
    header = "household_no,id_number,program,decision_number,decided_on,start_month,review_due\n"
    refused = tmp_path / "refused.csv"
    refused.write_text(
        header
        + f"{poor.household_no},,dibao,{NUMBER},2024-03-12,2024-04,\n"
        + f"{rich.household_no},,dibao,大理市民政局〔2024〕18号,2024-03-12,2024-04,\n"
        + "0000,,dibao,大理市民政局〔2024〕19号,2024-03-12,2024-04,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="line 4: no household '0000'"):
        call_command("casework_carry_over", str(refused), "--actor", approver_a.username)
    refused.write_text(refused.read_text(encoding="utf-8").rsplit("0000", 1)[0], encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: household .* does not qualify"):
        call_command("casework_carry_over", str(refused), "--actor", approver_a.username)
    assert not Entitlement.objects.exists()

    good = tmp_path / "good.csv"
    good.write_text(
        header + f"{poor.household_no},,dibao,{NUMBER},2024-03-12,2024-04,2027-01-31\n",
        encoding="utf-8",
    )
    call_command("casework_carry_over", str(good), "--actor", approver_a.username)
    (entitlement,) = Entitlement.objects.all()
    assert entitlement.review_due == dt.date(2027, 1, 31)
