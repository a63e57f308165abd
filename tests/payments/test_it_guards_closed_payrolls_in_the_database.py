"""A closed payroll is refused by the database too: raw SQL cannot change what it paid.

The services refuse changes to a closed payroll; these tests go around them, as a bug or a hand at
the SQL prompt would, on SQLite and PostgreSQL (payments migration 0008).
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from huimin.payments import services, visits
from huimin.payments.models import (
    CashReceipt,
    CycleStatus,
    PaymentException,
    PaymentLine,
    PayrollCycle,
)
from tests.payments.factories import (
    MONTH,
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT, approved_cycle, bank_return

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def finance(regions):
    return finance_user()


def closed_cycle(caseworker, finance, *, close=True, cash=False):
    """A payroll of three lines, paid (the first in cash when `cash`), reconciled and closed."""
    cycle = approved_cycle(caseworker, finance, approver_user())
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    first = cycle.lines.order_by("pk").first()
    name, content = bank_return(cycle, {first.pk: ("F", "AC04")} if cash else {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    if cash:
        services.line_follow_up(actor=finance, line=first, action="cash", reason="账户已销户")
        services.cash_receipt_record(
            actor=finance, line=first, confirmation="signature", witness="村主任", paid_on=MONTH
        )
    cycle = services.cycle_reconcile(actor=finance, cycle=cycle)
    return services.cycle_close(actor=finance, cycle=cycle) if close else cycle


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(cycle, event, table):
    """The database's refusal, naming the table (and the payroll, where the database can)."""
    named = f"payroll {cycle.pk} is closed" if ON_POSTGRES else "the payroll is closed"
    return pytest.raises(IntegrityError, match=f"{named}: {event} of {table} refused")


def test_it_refuses_to_change_a_line_amount_of_a_closed_payroll(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance)
    line = cycle.lines.order_by("pk").first()
    with refused(cycle, "UPDATE", "payments_paymentline"), transaction.atomic():
        execute("UPDATE payments_paymentline SET amount_fen = 1 WHERE id = %s", [line.pk])
    assert PaymentLine.objects.get(pk=line.pk).amount_fen == line.amount_fen
    with refused(cycle, "DELETE", "payments_paymentline"), transaction.atomic():
        execute("DELETE FROM payments_paymentline WHERE id = %s", [line.pk])
    assert cycle.lines.count() == 3


def test_it_refuses_a_line_added_to_a_closed_payroll(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance)
    line = cycle.lines.order_by("pk").first()
    copy = (
        "INSERT INTO payments_paymentline (cycle_id, kind, entitlement_id, month, purpose_key, "
        "program, household_id, payee_id, collector, region_code, amount_fen, channel, status, "
        "outcome, reason, frozen, frozen_hash, created_at) "
        "SELECT cycle_id, 'reissue', entitlement_id, month, purpose_key, program, household_id, "
        "payee_id, collector, region_code, amount_fen, channel, status, outcome, reason, frozen, "
        "frozen_hash, created_at FROM payments_paymentline WHERE id = %s"
    )
    with refused(cycle, "INSERT", "payments_paymentline"), transaction.atomic():
        execute(copy, [line.pk])
    assert cycle.lines.count() == 3
    # Nor moved into it from another payroll, nor out of it.
    other = PayrollCycle.objects.create(
        region_code="532901",
        month=MONTH.replace(year=2027),
        programs=["dibao"],
        prepared_by=finance,
    )
    with refused(cycle, "UPDATE", "payments_paymentline"), transaction.atomic():
        execute("UPDATE payments_paymentline SET cycle_id = %s WHERE id = %s", [other.pk, line.pk])
    assert cycle.lines.count() == 3


def closed_cycle_with_an_exception(caseworker, finance):
    """A closed payroll one of whose lines failed a check (a review overdue) and was paid."""
    make_entitlement(caseworker, review_due=MONTH - dt.timedelta(days=1))
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    services.exception_decide(
        actor=finance,
        exception=PaymentException.objects.get(cycle=cycle),
        outcome="resolved",
        reason="复核已完成",
    )
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    services.cycle_reconcile(actor=finance, cycle=cycle)
    return services.cycle_close(actor=finance, cycle=cycle)


def test_it_refuses_to_change_an_exception_of_a_closed_payroll(caseworker_a, finance):
    cycle = closed_cycle_with_an_exception(caseworker_a, finance)
    exception = cycle.exceptions.get()
    with refused(cycle, "UPDATE", "payments_paymentexception"), transaction.atomic():
        execute(
            "UPDATE payments_paymentexception SET status = 'open', reason = '' WHERE id = %s",
            [exception.pk],
        )
    with refused(cycle, "INSERT", "payments_paymentexception"), transaction.atomic():
        execute(
            "INSERT INTO payments_paymentexception (cycle_id, line_id, kind, detail, status, "
            "reason, decided_by_id, decided_at) SELECT cycle_id, line_id, 'dead', detail, "
            "status, reason, decided_by_id, decided_at FROM payments_paymentexception "
            "WHERE id = %s",
            [exception.pk],
        )
    exception.refresh_from_db()
    assert (exception.status, cycle.exceptions.count()) == ("resolved", 1)


def test_it_refuses_to_change_a_cash_receipt_of_a_closed_payroll(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance, cash=True)
    receipt = CashReceipt.objects.get(line__cycle=cycle)
    with refused(cycle, "UPDATE", "payments_cashreceipt"), transaction.atomic():
        execute("UPDATE payments_cashreceipt SET witness = '别人' WHERE id = %s", [receipt.pk])
    with refused(cycle, "DELETE", "payments_cashreceipt"), transaction.atomic():
        execute("DELETE FROM payments_cashreceipt WHERE id = %s", [receipt.pk])
    assert CashReceipt.objects.get(pk=receipt.pk).witness == "村主任"


def test_it_refuses_to_reopen_or_delete_a_closed_payroll(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance)
    with refused(cycle, "UPDATE", "payments_payrollcycle"), transaction.atomic():
        execute("UPDATE payments_payrollcycle SET status = 'reconciled' WHERE id = %s", [cycle.pk])
    with refused(cycle, "UPDATE", "payments_payrollcycle"), transaction.atomic():
        execute("UPDATE payments_payrollcycle SET total_fen = 0 WHERE id = %s", [cycle.pk])
    with refused(cycle, "DELETE", "payments_payrollcycle"), transaction.atomic():
        execute("DELETE FROM payments_payrollcycle WHERE id = %s", [cycle.pk])
    cycle.refresh_from_db()
    assert (cycle.status, cycle.total_fen) == (CycleStatus.CLOSED, 40_000 + 40_100 + 40_200)


def test_it_lets_an_open_payroll_change_and_be_closed(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance, close=False)
    line = cycle.lines.order_by("pk").first()
    assert execute("UPDATE payments_paymentline SET reason = 'x' WHERE id = %s", [line.pk]) == 1
    execute("UPDATE payments_paymentline SET reason = '' WHERE id = %s", [line.pk])
    closed = services.cycle_close(actor=finance, cycle=cycle)  # the UPDATE that closes it
    assert PayrollCycle.objects.get(pk=closed.pk).status == CycleStatus.CLOSED
    # The other payrolls are untouched by this one being closed.
    other = PayrollCycle.objects.create(
        region_code="532901",
        month=MONTH.replace(year=2027),
        programs=["dibao"],
        prepared_by=finance,
    )
    assert execute("UPDATE payments_payrollcycle SET line_count = 0 WHERE id = %s", [other.pk])
    assert execute("DELETE FROM payments_payrollcycle WHERE id = %s", [other.pk]) == 1


def test_it_keeps_the_post_payment_checks_of_a_closed_payroll_open(caseworker_a, finance):
    cycle = closed_cycle(caseworker_a, finance)
    (visit,) = visits.visits_draw(actor=finance, cycle=cycle, share=0.3)  # drawn after closing
    recorded = visits.visit_record(actor=finance, visit=visit, outcome="received_full", note="")
    assert recorded.outcome == "received_full"
    other = cycle.lines.exclude(pk=visit.line_id).first()
    with refused(cycle, "UPDATE", "payments_paymentvisit"), transaction.atomic():
        execute("UPDATE payments_paymentvisit SET line_id = %s WHERE id = %s", [other.pk, visit.pk])
    with refused(cycle, "DELETE", "payments_paymentvisit"), transaction.atomic():
        execute("DELETE FROM payments_paymentvisit WHERE id = %s", [visit.pk])
    assert cycle.visits.get().line_id == visit.line_id


def test_it_leaves_the_ledger_check_of_closed_payrolls_as_it_was(caseworker_a, finance, capsys):
    cycle = closed_cycle(caseworker_a, finance, cash=True)
    visits.visits_draw(actor=finance, cycle=cycle, share=0.5)
    call_command("payments", "verify")  # it only reads: nothing refused, nothing found
    assert "payments ledger balanced: 1 cycles, 3 lines checked" in capsys.readouterr().out


def guards_in_the_database() -> set[str]:
    catalog = (
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'closed_payroll_%'"
        if ON_POSTGRES
        else "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'closed_payroll_%'"
    )
    with connection.cursor() as cursor:
        cursor.execute(catalog)
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_it_lets_the_test_flush_empty_a_closed_payroll_and_guards_again(caseworker_a, finance):
    guards = guards_in_the_database()
    assert len(guards) == 22  # payrolls 2, lines etc. 6 tables x 3 events, visits 2
    closed_cycle(caseworker_a, finance)
    call_command("flush", interactive=False, verbosity=0)  # as between transactional tests
    assert not PayrollCycle.objects.exists() and not PaymentLine.objects.exists()
    assert guards_in_the_database() == guards
