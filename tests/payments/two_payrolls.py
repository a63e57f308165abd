"""Two payrolls drawing on one allocation, with every way a fen can end, counted by hand.

November (five lines, one each):
  a 400.00  paid by the bank
  b 410.00  paid by the bank
  c 420.00  failed at the bank, reissued in December
  d 430.00  no account: paid in cash against a thumbprint
  e 440.00  no account: cash not handed over in time, returned to the fund
December: a, b, c again; d and e excluded (no account yet); and c's November reissue.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from huimin.core.models import User
from huimin.payments import services
from huimin.payments.models import Allocation, ExceptionStatus, PaymentLine, PayrollCycle
from tests.payments.factories import (
    approver_user,
    fresh_account,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT, bank_return
from tests.registry.factories import make_household

NOVEMBER, DECEMBER = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
AMOUNTS = {"a": 40_000, "b": 41_000, "c": 42_000, "d": 43_000, "e": 44_000}
WITHOUT_ACCOUNT = ("d", "e")


@dataclass
class TwoPayrolls:
    allocation: Allocation
    november: PayrollCycle
    december: PayrollCycle | None
    lines: dict[str, PaymentLine]  # November's, by letter


def entitlements(caseworker: User) -> dict[str, int]:
    """Letter -> household id."""
    households = {}
    for letter, fen in AMOUNTS.items():
        household = make_household(caseworker, head=f"户主{letter}", bank_account=fresh_account())
        if letter in WITHOUT_ACCOUNT:
            household.bank_account = ""
            household.save(update_fields=["bank_account", "bank_account_index"])
        make_entitlement(caseworker, household, monthly_fen=fen)
        households[letter] = household.pk
    return households


def approver() -> User:
    return User.objects.filter(username="payroll_approver_a").first() or approver_user()


def decide_all(finance: User, cycle: PayrollCycle, exclude: set[int], cash: set[int]) -> None:
    for exception in cycle.exceptions.filter(status=ExceptionStatus.OPEN).select_related("line"):
        household = exception.line.household_id
        outcome = (
            "excluded" if household in exclude else "cash" if household in cash else "resolved"
        )
        services.exception_decide(
            actor=finance, exception=exception, outcome=outcome, reason="已核实"
        )


def november_paid(caseworker: User, finance: User, allocation: Allocation) -> TwoPayrolls:
    households = entitlements(caseworker)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance, month=NOVEMBER))
    no_account = {households[letter] for letter in WITHOUT_ACCOUNT}
    decide_all(finance, cycle, exclude=set(), cash=no_account)
    cycle = services.cycle_approve(actor=approver(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    lines = {letter: cycle.lines.get(household_id=households[letter]) for letter in households}
    name, content = bank_return(cycle, {lines["c"].pk: ("F", "AC04")})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    services.cash_receipt_record(
        actor=finance,
        line=lines["d"],
        confirmation="thumbprint",
        witness="村委会李主任",
        paid_on=dt.date(2026, 11, 8),
    )
    services.cash_unpaid_return(
        actor=None, today=timezone.localdate() + dt.timedelta(days=365)
    )  # e's cash, never handed over
    services.line_follow_up(actor=finance, line=lines["c"], action="reissue", reason="账户已更正")
    for letter in lines:
        lines[letter].refresh_from_db()
    return TwoPayrolls(allocation, cycle, None, lines)


def december_approved(finance: User, made: TwoPayrolls) -> TwoPayrolls:
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance, month=DECEMBER))
    no_account = {made.lines[letter].household_id for letter in WITHOUT_ACCOUNT}
    decide_all(finance, cycle, exclude=no_account, cash=set())
    made.december = services.cycle_approve(actor=approver(), cycle=cycle)
    return made
