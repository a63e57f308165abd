"""An overpayment is recovered by instalments withheld from the same entitlement's monthly line,
never more than the share the rules allow (追回)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent, User
from huimin.payments import recoveries, services
from huimin.payments.models import (
    LineStatus,
    PaymentException,
    Recovery,
    RecoveryDeduction,
    RecoveryState,
)
from huimin.payments.queries import ledger_verify
from huimin.payments.seal import line_seal
from tests.payments.factories import (
    MONTH,
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT

NOV, JAN, FEB = dt.date(2026, 11, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)
RECORDED_ON = dt.date(2026, 12, 1)


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def approver(regions):
    return approver_user()


def record(finance: User, entitlement, **changes: object) -> Recovery:
    values: dict[str, object] = {
        "actor": finance,
        "household": entitlement.household,
        "entitlement": entitlement,
        "first_month": NOV,
        "last_month": NOV,
        "amount_fen": 40_000,
        "instalment_fen": 15_000,
        "reason": "income_concealed",
        "decision_ref": "大理市民政局〔2026〕88号",
        "on": RECORDED_ON,
    }
    values.update(changes)
    return recoveries.recovery_record(**values)  # type: ignore[arg-type]


def line_of(cycle, entitlement):
    return cycle.lines.get(entitlement=entitlement, kind="regular")


def test_it_withholds_the_instalment_from_the_monthly_line(caseworker_a, finance, approver):
    entitlement = make_entitlement(caseworker_a)
    recovery = record(finance, entitlement)
    allocate(finance)
    cycle = generated_cycle(finance)
    line = line_of(cycle, entitlement)
    assert line.amount_fen == 35_000
    assert line.frozen["recovery"] == {
        "gross_fen": 50_000,
        "instalments": [{"recovery": recovery.pk, "amount_fen": 15_000}],
    }
    assert line.frozen_hash == line_seal(line)
    assert RecoveryDeduction.objects.get().line == line
    recovery.refresh_from_db()
    assert (recovery.recovered_fen, recovery.remaining_fen) == (15_000, 25_000)
    assert recovery.state == RecoveryState.ACTIVE
    assert cycle.total_fen == 35_000
    event = AuditEvent.objects.filter(action="payments.lines_generate").latest("seq")
    assert event.changes["withheld_fen"] == 15_000
    services.cycle_check(actor=finance, cycle=cycle)
    cycle = services.cycle_approve(actor=approver, cycle=cycle)
    bank_file = services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    assert bank_file.total_fen == 35_000
    content = bytes(bank_file.content).decode()
    assert ",350.00" in content and "500.00" not in content  # the bank pays the net
    report = ledger_verify()
    assert report.balanced, report.problems
    assert (report.gross_fen, report.withheld_fen, report.net_fen) == (50_000, 15_000, 35_000)


def test_the_last_instalment_is_the_remainder_and_completes_the_recovery(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    recovery = record(finance, entitlement, amount_fen=20_000)
    assert line_of(generated_cycle(finance), entitlement).amount_fen == 35_000
    january = generated_cycle(finance, month=JAN)
    assert line_of(january, entitlement).amount_fen == 45_000  # the 5,000 fen left
    recovery.refresh_from_db()
    assert (recovery.state, recovery.recovered_fen, recovery.remaining_fen) == (
        RecoveryState.COMPLETED,
        20_000,
        0,
    )
    # The amount did not change, only what was withheld: no "amount changed" to decide.
    services.cycle_check(actor=finance, cycle=january)
    assert not PaymentException.objects.filter(cycle=january, kind="amount_changed").exists()
    february = generated_cycle(finance, month=FEB)
    assert line_of(february, entitlement).amount_fen == 50_000
    assert "recovery" not in line_of(february, entitlement).frozen
    assert ledger_verify().balanced


def test_the_share_caps_the_instalments_of_the_month_together(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    first = record(finance, entitlement, instalment_fen=10_000)
    second = record(finance, entitlement, instalment_fen=10_000, reason="paid_twice")
    line = line_of(generated_cycle(finance), entitlement)
    assert line.amount_fen == 35_000  # 30 % of 50,000 at most: 10,000 and 5,000
    withheld = dict(RecoveryDeduction.objects.values_list("recovery_id", "amount_fen"))
    assert withheld == {first.pk: 10_000, second.pk: 5_000}
    assert ledger_verify().balanced


def test_a_lower_amount_lowers_the_instalment_to_its_share(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    record(finance, entitlement)
    type(entitlement).objects.filter(pk=entitlement.pk).update(monthly_fen=40_000)
    line = line_of(generated_cycle(finance), entitlement)
    assert line.amount_fen == 28_000  # 12,000 withheld: the family keeps 70 %
    assert line.frozen["recovery"]["instalments"][0]["amount_fen"] == 12_000


def test_the_share_is_a_dated_regional_parameter(caseworker_a, finance, admin_user):
    from huimin.programs.services import parameter_override_create

    entitlement = make_entitlement(caseworker_a)
    parameter_override_create(
        actor=admin_user,
        name="payments.recovery_max_share",
        region="532901",
        start=dt.date(2026, 1, 1),
        value=0.1,
        source="大理市民政局 2026 年第 4 号 (test)",
    )
    with pytest.raises(ValidationFailed, match=r"at most 50\.00 yuan: 10% of") as refused:
        record(finance, entitlement)
    assert refused.value.field == "instalment_fen"
    record(finance, entitlement, instalment_fen=5_000)
    assert line_of(generated_cycle(finance), entitlement).amount_fen == 45_000


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"amount_fen": 0}, "amount_fen", "above zero"),
        ({"amount_fen": -100}, "amount_fen", "above zero"),
        ({"instalment_fen": 0}, "instalment_fen", "above zero"),
        ({"amount_fen": 10_000, "instalment_fen": 12_000}, "instalment_fen", "more than"),
        ({"instalment_fen": 15_001}, "instalment_fen", "at most 150.00 yuan"),
        ({"amount_fen": 50_001}, "amount_fen", "more than the entitlement paid"),
        ({"first_month": dt.date(2026, 10, 1)}, "first_month", "first paid for 2026-11"),
        ({"last_month": dt.date(2026, 10, 1)}, "last_month", "before the first"),
        ({"last_month": JAN}, "last_month", "still to come"),
        ({"reason": "loan"}, "reason", "why the money was overpaid"),
        ({"decision_ref": "  "}, "decision_ref", "number of the decision"),
    ],
)
def test_it_refuses_bad_input_naming_what_is_wrong(caseworker_a, finance, changes, field, words):
    entitlement = make_entitlement(caseworker_a)
    with pytest.raises(ValidationFailed, match=words) as refused:
        record(finance, entitlement, **changes)
    assert refused.value.field == field
    assert not Recovery.objects.exists()
    assert not AuditEvent.objects.filter(action="payments.recovery_record").exists()


def test_it_refuses_months_after_the_entitlement_ended_and_another_households(
    caseworker_a, finance
):
    ended = make_entitlement(caseworker_a, status="ended", end_month=NOV)
    with pytest.raises(ValidationFailed, match="last paid for 2026-11"):
        record(finance, ended, last_month=MONTH, on=dt.date(2027, 1, 5))
    other = make_entitlement(caseworker_a)
    with pytest.raises(ValidationFailed, match="entitlement of this household") as refused:
        record(finance, ended, household=other.household)
    assert refused.value.field == "entitlement"


def test_only_finance_records_and_only_another_approver_waives(caseworker_a, finance, approver):
    entitlement = make_entitlement(caseworker_a)
    with pytest.raises(NotAllowed):
        record(caseworker_a, entitlement)
    recovery = record(finance, entitlement)
    with pytest.raises(NotAllowed):
        recoveries.recovery_waive(actor=finance, recovery=recovery, reason="家庭困难")
    finance.groups.add(Group.objects.get(name=roles.APPROVER))
    both = User.objects.get(pk=finance.pk)  # permissions read afresh
    with pytest.raises(NotAllowed, match="recorded a recovery cannot waive"):
        recoveries.recovery_waive(actor=both, recovery=recovery, reason="家庭困难")
    with pytest.raises(ValidationFailed):
        recoveries.recovery_waive(actor=approver, recovery=recovery, reason=" ")
    waived = recoveries.recovery_waive(actor=approver, recovery=recovery, reason="家庭困难")
    assert (waived.state, waived.remaining_fen, waived.waive_reason) == ("waived", 0, "家庭困难")
    with pytest.raises(Conflict):
        recoveries.recovery_waive(actor=approver, recovery=recovery, reason="again")
    assert line_of(generated_cycle(finance), entitlement).amount_fen == 50_000
    event = AuditEvent.objects.get(action="payments.recovery_waive")
    assert event.changes["waived_fen"] == 40_000


def test_a_line_excluded_from_payment_gives_its_instalment_back(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a, review_due=NOV)
    recovery = record(finance, entitlement, amount_fen=15_000)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    recovery.refresh_from_db()
    assert recovery.state == RecoveryState.COMPLETED
    exception = PaymentException.objects.get(cycle=cycle, kind="review_overdue")
    services.exception_decide(
        actor=finance, exception=exception, outcome="excluded", reason="复核未办"
    )
    recovery.refresh_from_db()
    assert (recovery.state, recovery.recovered_fen) == (RecoveryState.ACTIVE, 0)
    assert line_of(cycle, entitlement).status == LineStatus.EXCLUDED
    assert ledger_verify().balanced
    event = AuditEvent.objects.filter(action="payments.exception_decide").latest("seq")
    assert event.changes["instalments_reversed_fen"] == 15_000


def test_it_withholds_once_when_generation_runs_again(caseworker_a, finance):
    entitlements = [make_entitlement(caseworker_a) for _ in range(3)]
    recovery = record(finance, entitlements[1])
    cycle = generated_cycle(finance)
    cycle.generated = False
    services.cycle_generate(actor=finance, cycle=cycle, chunk_size=1)
    assert RecoveryDeduction.objects.count() == 1
    recovery.refresh_from_db()
    assert recovery.recovered_fen == 15_000
    assert ledger_verify().balanced


def test_nothing_is_withheld_from_a_suspended_entitlement(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    record(finance, entitlement)
    type(entitlement).objects.filter(pk=entitlement.pk).update(status="suspended")
    assert line_of(generated_cycle(finance), entitlement).amount_fen == 50_000
    assert not RecoveryDeduction.objects.exists()


def test_the_ledger_names_a_recovery_whose_recovered_amount_was_altered(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    recovery = record(finance, entitlement)
    generated_cycle(finance)
    Recovery.objects.filter(pk=recovery.pk).update(recovered_fen=1)
    assert f"recovery {recovery.pk}: 1 fen recorded as recovered, its instalments 15000" in (
        ledger_verify().problems
    )


def _client(user: User, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_the_household_page_records_lists_and_waives(caseworker_a, finance, approver):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    url = f"/payments/households/{household.pk}/recoveries/"
    history = _client(finance).get(f"/registry/households/{household.pk}/").content.decode()
    assert url in history
    client = _client(finance)
    refused = client.post(
        url,
        {"entitlement": entitlement.pk, "first_month": "2026-11", "last_month": "2026-11"}
        | {"amount": "0", "instalment": "100", "reason": "fraud", "decision_ref": "88号"},
        follow=True,
    )
    assert "The amount overpaid must be above zero." in refused.content.decode()
    client.post(
        url,
        {"entitlement": entitlement.pk, "first_month": "2026-11", "last_month": "2026-11"}
        | {"amount": "400", "instalment": "150", "reason": "fraud", "decision_ref": "88号"},
    )
    recovery = Recovery.objects.get()
    assert (recovery.amount_fen, recovery.instalment_fen, recovery.reason) == (
        40_000,
        15_000,
        "fraud",
    )
    page = client.get(url).content.decode()
    assert "Being recovered" in page and "400.00" in page
    assert "Waive the rest" not in page  # the finance officer may not waive
    chinese = _client(approver, "zh-hans").get(url).content.decode()
    assert "追回中" in chinese and "免予追回余款" in chinese
    _client(approver).post(f"/payments/recoveries/{recovery.pk}/waive/", {"reason": "已死亡"})
    recovery.refresh_from_db()
    assert recovery.state == RecoveryState.WAIVED


def test_the_page_is_not_found_outside_the_jurisdiction(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    recovery = record(finance, entitlement)
    stranger = _client(finance_user("finance_b", region="532922"))
    household = entitlement.household.pk
    assert stranger.get(f"/payments/households/{household}/recoveries/").status_code == 404
    assert stranger.post(f"/payments/households/{household}/recoveries/").status_code == 404
    waive = stranger.post(f"/payments/recoveries/{recovery.pk}/waive/", {"reason": "x"})
    assert waive.status_code == 404
    recovery.refresh_from_db()
    assert recovery.state == RecoveryState.ACTIVE
