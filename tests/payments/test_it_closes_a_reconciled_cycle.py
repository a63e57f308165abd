"""The last step: a reconciled payroll whose ledger balances is closed, and then nothing changes."""

import pytest
from django.db import connection

from huimin.core.errors import Conflict
from huimin.core.models import AuditEvent
from huimin.payments import services
from huimin.payments.models import CycleStatus, LineStatus
from tests.payments.factories import MONTH, approver_user, finance_user
from tests.payments.flow import LAYOUT, approved_cycle, bank_return


@pytest.fixture
def finance(regions):
    return finance_user()


def reconciled(caseworker, finance, outcomes=None):
    cycle = approved_cycle(caseworker, finance, approver_user())
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    first = cycle.lines.order_by("pk").first()
    name, content = bank_return(cycle, {first.pk: ("F", "AC04")} if outcomes else {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    if outcomes:
        services.line_follow_up(actor=finance, line=first, action="reissue", reason="账户已更正")
    return services.cycle_reconcile(actor=finance, cycle=cycle)


def test_it_closes_a_reconciled_payroll_and_records_what_it_paid(caseworker_a, finance):
    cycle = reconciled(caseworker_a, finance)
    closed = services.cycle_close(actor=finance, cycle=cycle)
    assert closed.status == CycleStatus.CLOSED
    event = AuditEvent.objects.get(action="payments.cycle_close")
    assert event.changes == {"lines": 3, "fen_by_status": {"paid": 40_000 + 40_100 + 40_200}}


def test_it_refuses_to_close_before_reconciliation(caseworker_a, finance):
    cycle = approved_cycle(caseworker_a, finance, approver_user())
    with pytest.raises(Conflict):
        services.cycle_close(actor=finance, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED


def test_it_refuses_to_close_a_payroll_whose_ledger_does_not_balance(caseworker_a, finance):
    cycle = reconciled(caseworker_a, finance)
    line = cycle.lines.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_paymentline SET amount_fen = amount_fen + 100 WHERE id = %s",
            [line.pk],
        )
    with pytest.raises(Conflict, match=f"line {line.pk}"):
        services.cycle_close(actor=finance, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.RECONCILED
    assert not AuditEvent.objects.filter(action="payments.cycle_close").exists()


def test_it_changes_nothing_of_a_closed_payroll(caseworker_a, finance):
    cycle = services.cycle_close(actor=finance, cycle=reconciled(caseworker_a, finance, True))
    waiting = cycle.lines.get(status=LineStatus.REISSUE)
    waiting.status = LineStatus.FAILED  # as if it had failed again: still refused, being closed
    with pytest.raises(Conflict, match="closed"):
        services.line_follow_up(actor=finance, line=waiting, action="cash", reason="改发现金")
    with pytest.raises(Conflict):
        services.cash_receipt_record(
            actor=finance, line=waiting, confirmation="signature", witness="村主任", paid_on=MONTH
        )
    with pytest.raises(Conflict):
        services.cycle_reconcile(actor=finance, cycle=cycle)
    assert cycle.lines.get(pk=waiting.pk).status == LineStatus.REISSUE
