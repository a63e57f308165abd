import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from huimin.core.errors import ValidationFailed
from huimin.payments import services
from huimin.payments.models import CashReceipt, LineStatus, PaymentException, PayrollCycle
from huimin.payments.queries import ledger_verify
from tests.conftest import VILLAGE_B
from tests.payments.factories import (
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT, approved_cycle, bank_return


@pytest.fixture
def finance(regions):
    return finance_user()


def test_it_pays_a_line_in_cash_against_a_thumbprint_and_a_witness(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    household.bank_account = ""
    household.save(update_fields=["bank_account", "bank_account_index"])
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    exception = PaymentException.objects.get(cycle=cycle)
    services.exception_decide(
        actor=finance, exception=exception, outcome="cash", reason="村里没有银行网点"
    )
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    line = cycle.lines.get()
    assert line.status == LineStatus.CASH
    with pytest.raises(ValidationFailed):
        services.cash_receipt_record(
            actor=finance,
            line=line,
            confirmation="thumbprint",
            witness="",
            paid_on=dt.date(2026, 12, 6),
        )
    services.cash_receipt_record(
        actor=finance,
        line=line,
        confirmation="thumbprint",
        witness="村委会李主任",
        paid_on=dt.date(2026, 12, 6),
    )
    line.refresh_from_db()
    assert (line.status, line.outcome) == (LineStatus.PAID, "cash")
    assert CashReceipt.objects.get(line=line).handed_over_by == finance
    services.cycle_reconcile(actor=finance, cycle=cycle)
    assert ledger_verify().balanced


def test_it_names_a_line_altered_behind_its_back(caseworker_a, finance):
    cycle = approved_cycle(caseworker_a, finance, approver_user())
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    assert ledger_verify().balanced
    call_command("payments", "verify")
    tampered = cycle.lines.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_paymentline SET amount_fen = amount_fen + 100 WHERE id = %s",
            [tampered.pk],
        )
    report = ledger_verify()
    assert any(f"line {tampered.pk} " in problem for problem in report.problems)
    assert any("lines hold" in problem for problem in report.problems)
    with pytest.raises(CommandError, match="discrepancies"):
        call_command("payments", "verify")


def test_it_names_an_entitlement_month_paid_twice(caseworker_a, caseworker_b, finance):
    cycle = approved_cycle(caseworker_a, finance, approver_user(), n=1)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    line = cycle.lines.get()
    with connection.cursor() as cursor:  # a copy slipped in as a reissue of nothing
        cursor.execute(
            "INSERT INTO payments_paymentline (cycle_id, kind, entitlement_id, month, "
            "purpose_key, program, household_id, payee_id, collector, region_code, amount_fen, "
            "channel, status, outcome, reason, frozen, frozen_hash, created_at) "
            "SELECT cycle_id, 'reissue', entitlement_id, month, purpose_key, program, "
            "household_id, payee_id, collector, region_code, amount_fen, channel, status, "
            "outcome, reason, frozen, frozen_hash, created_at FROM payments_paymentline "
            "WHERE id = %s",
            [line.pk],
        )
    problems = ledger_verify().problems
    assert any(f"entitlement {line.entitlement_id} paid 2 times" in p for p in problems)
    # Asked about some payrolls, it names only what touches them (a page shows no other area's).
    theirs = ledger_verify(PayrollCycle.objects.filter(pk=cycle.pk)).problems
    assert any(f"entitlement {line.entitlement_id} paid 2 times" in p for p in theirs)
    make_entitlement(caseworker_b, village=VILLAGE_B)
    elsewhere = PayrollCycle.objects.filter(pk=generated_cycle(finance, region="532922").pk)
    assert not ledger_verify(elsewhere).problems


def test_it_cannot_hold_two_regular_lines_for_one_entitlement_month(caseworker_a, finance):
    from django.db import IntegrityError, transaction

    make_entitlement(caseworker_a)
    line = generated_cycle(finance).lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        line.pk = None
        line.save()
