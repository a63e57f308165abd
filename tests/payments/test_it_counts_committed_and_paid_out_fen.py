"""What an allocation has committed and paid out, against figures counted by hand
(tests/payments/two_payrolls.py tells the story of each line)."""

import pytest

from huimin.core.errors import Conflict
from huimin.payments import services
from huimin.payments.models import PayrollCycle
from huimin.payments.queries import (
    LEDGER_OUTCOMES,
    allocation_cycles,
    allocations_spending,
    ledger_by_cycle,
)
from tests.payments.factories import finance_user, generated_cycle
from tests.payments.two_payrolls import (
    NOVEMBER,
    approver,
    december_approved,
    decide_all,
    entitlements,
    november_paid,
)


@pytest.fixture
def finance(regions):
    return finance_user()


def allocation_of(finance, *, central=600_000, provincial=300_000, local=100_000):
    return services.allocation_create(
        actor=finance,
        program="dibao",
        region_code="532901",
        year=2026,
        central_fen=central,
        provincial_fen=provincial,
        local_fen=local,
    )


def spending_of(allocation):
    return allocations_spending([allocation])[allocation.pk]


def test_a_payroll_commits_its_lines_when_it_is_approved(caseworker_a, finance):
    allocation = allocation_of(finance)
    households = entitlements(caseworker_a)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance, month=NOVEMBER))
    assert spending_of(allocation).committed_fen == 0  # checked, not approved
    decide_all(finance, cycle, exclude={households["e"]}, cash={households["d"]})
    services.cycle_approve(actor=approver(), cycle=cycle)
    spent = spending_of(allocation)
    assert (spent.committed_fen, spent.disbursed_fen) == (40_000 + 41_000 + 42_000 + 43_000, 0)
    assert spent.remaining_fen == 1_000_000 - 166_000


def test_it_counts_what_november_committed_and_paid_out(caseworker_a, finance):
    made = november_paid(caseworker_a, finance, allocation_of(finance))
    spent = spending_of(made.allocation)
    # e's cash went back to the fund; c failed but waits for its reissue: still committed.
    assert spent.committed_fen == 40_000 + 41_000 + 42_000 + 43_000
    # paid: a and b by the bank, d in cash against the receipt
    assert spent.disbursed_fen == 40_000 + 41_000 + 43_000
    assert spent.remaining_fen == 1_000_000 - 166_000


def test_a_reissued_line_is_committed_once_on_its_reissue(caseworker_a, finance):
    made = december_approved(finance, november_paid(caseworker_a, finance, allocation_of(finance)))
    spent = spending_of(made.allocation)
    november = 40_000 + 41_000 + 43_000  # c's fen moved to its reissue, e's back to the fund
    december = 40_000 + 41_000 + 42_000 + 42_000  # a, b, c and c's November reissue
    assert spent.committed_fen == november + december
    assert spent.disbursed_fen == 40_000 + 41_000 + 43_000
    draws = {
        draw.cycle.month.month: draw
        for draw in allocation_cycles(made.allocation, PayrollCycle.objects.all())
    }
    assert (draws[11].lines, draws[11].to_pay_fen) == (5, 210_000)
    assert (draws[11].committed_fen, draws[11].disbursed_fen) == (november, november)
    assert (draws[12].lines, draws[12].to_pay_fen) == (6, december)  # d and e excluded
    assert (draws[12].committed_fen, draws[12].disbursed_fen) == (december, 0)


@pytest.mark.parametrize(("total", "approves"), [(289_000, True), (288_999, False)])
def test_the_approval_counts_committed_fen_the_same_way(caseworker_a, finance, total, approves):
    """December needs 165,000 fen, of which c's reissue, 42,000, November committed already:
    November's 166,000 plus 123,000 is exactly 289,000."""
    made = november_paid(
        caseworker_a, finance, allocation_of(finance, central=total, provincial=0, local=0)
    )
    if approves:
        december_approved(finance, made)
        assert spending_of(made.allocation).remaining_fen == 0
    else:
        with pytest.raises(Conflict, match="overspend"):
            december_approved(finance, made)


def test_the_ledger_shows_where_every_fen_of_each_payroll_went(caseworker_a, finance):
    made = december_approved(finance, november_paid(caseworker_a, finance, allocation_of(finance)))
    rows, totals = ledger_by_cycle(PayrollCycle.objects.all())
    november, december = rows
    assert november.cycle == made.november and november.lines == 5
    assert november.fen == {
        "total": 210_000,
        "sent_to_bank": 40_000 + 41_000 + 42_000,
        "failed": 42_000,
        "paid_by_bank": 40_000 + 41_000,
        "paid_in_cash": 43_000,
        "reissued": 42_000,
        "cash_returned": 44_000,
        "excluded": 0,
        "open": 0,
    }
    assert december.lines == 6
    assert (december.fen["total"], december.fen["excluded"], december.fen["open"]) == (
        252_000,
        43_000 + 44_000,
        165_000,
    )
    for row in (*rows, totals):  # every fen ends in exactly one place
        assert sum(row.fen[outcome] for outcome in LEDGER_OUTCOMES) == row.fen["total"]
    assert totals.lines == 11
    assert totals.fen["total"] == 210_000 + 252_000
    assert totals.fen["paid_by_bank"] == 81_000
