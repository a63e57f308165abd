"""Cash not handed over within `payments.cash_return_days` of going on the roll is returned."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from huimin.core.errors import Conflict
from huimin.core.models import AuditEvent
from huimin.payments import services
from huimin.payments.models import CycleStatus, LineStatus, PaymentException
from huimin.programs.services import parameter_override_create
from tests.payments.factories import (
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT


@pytest.fixture
def finance(regions):
    return finance_user()


def cash_line(caseworker, finance):
    entitlement = make_entitlement(caseworker, monthly_fen=45_000)
    household = entitlement.household
    household.bank_account = ""
    household.save(update_fields=["bank_account", "bank_account_index"])
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    services.exception_decide(
        actor=finance,
        exception=PaymentException.objects.get(cycle=cycle),
        outcome="cash",
        reason="没有银行账户",
    )
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    line = cycle.lines.get()
    assert line.status == LineStatus.CASH and line.cash_since == timezone.localdate()
    return line


def test_it_returns_cash_unpaid_after_the_days_the_parameter_gives(caseworker_a, finance):
    line = cash_line(caseworker_a, finance)
    since = line.cash_since
    assert services.cash_unpaid_return(actor=None, today=since + dt.timedelta(days=30)) == {}
    returned = services.cash_unpaid_return(actor=None, today=since + dt.timedelta(days=31))
    assert returned == {line.cycle_id: 1}
    line.refresh_from_db()
    assert (line.status, line.outcome) == (LineStatus.RETURNED, "returned")
    event = AuditEvent.objects.get(action="payments.cash_unpaid_return")
    assert event.changes == {
        "lines": 1,
        "fen": 45_000,
        "on": (since + dt.timedelta(days=31)).isoformat(),
    }
    with pytest.raises(Conflict):
        services.cash_receipt_record(
            actor=finance, line=line, confirmation="signature", witness="村主任", paid_on=since
        )
    cycle = services.cycle_reconcile(actor=finance, cycle=line.cycle)  # accounted for
    assert cycle.status == CycleStatus.RECONCILED
    assert services.allocation_shortfalls(cycle) == []


def test_it_reads_a_villages_own_number_of_days(caseworker_a, finance, admin_user):
    line = cash_line(caseworker_a, finance)
    parameter_override_create(
        actor=admin_user,
        name="payments.cash_return_days",
        region="532901001001",
        start=dt.date(2026, 1, 1),
        value=10,
        source="下关街道 2026 年第 2 号 (test)",
    )
    assert (
        services.cash_unpaid_return(actor=None, today=line.cash_since + dt.timedelta(days=10)) == {}
    )
    out = StringIO()
    on = line.cash_since + dt.timedelta(days=11)
    call_command("payments", "return-unpaid-cash", "--on", on.isoformat(), stdout=out)
    assert out.getvalue().startswith("1 unpaid cash line(s) returned to the fund from 1 payroll(s)")
    line.refresh_from_db()
    assert line.status == LineStatus.RETURNED


def test_it_leaves_cash_handed_over_in_time(caseworker_a, finance):
    line = cash_line(caseworker_a, finance)
    services.cash_receipt_record(
        actor=finance,
        line=line,
        confirmation="thumbprint",
        witness="村主任",
        paid_on=line.cash_since,
    )
    assert (
        services.cash_unpaid_return(actor=None, today=line.cash_since + dt.timedelta(days=99)) == {}
    )
    line.refresh_from_db()
    assert line.status == LineStatus.PAID
