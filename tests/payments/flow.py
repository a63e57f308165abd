"""A payroll taken along its states, for the tests of approval, export, returns, cash and ledger."""

import polars as pl

from huimin.core.models import User
from huimin.payments import services
from huimin.payments.banking.export import CycleInfo
from huimin.payments.banking.layouts import layout_get
from huimin.payments.banking.simulate import return_file_simulate
from huimin.payments.models import PayrollCycle
from tests.payments.factories import allocate, generated_cycle, make_entitlement

LAYOUT = "commercial_csv_utf8"


def approved_cycle(caseworker: User, finance: User, approver: User, n: int = 3) -> PayrollCycle:
    for i in range(n):
        make_entitlement(caseworker, monthly_fen=40_000 + i * 100)
    allocate(finance)
    cycle = generated_cycle(finance)
    services.cycle_check(actor=finance, cycle=cycle)
    return services.cycle_approve(actor=approver, cycle=cycle)


def bank_return(cycle: PayrollCycle, outcomes: dict[int, tuple[str, str]]) -> tuple[str, bytes]:
    """The bank's answer for the cycle's lines: `outcomes` maps a line id to (status, reason)."""
    rows = [
        {
            "line_id": line.pk,
            "amount_fen": line.amount_fen,
            "status": outcomes.get(line.pk, ("S", ""))[0],
            "reason": outcomes.get(line.pk, ("S", ""))[1],
            "account_number": line.household.bank_account,
            "payee_name": line.payee.name,
        }
        for line in cycle.lines.filter(channel="bank")
        .exclude(status="excluded")
        .select_related("household", "payee")
        .order_by("pk")
        if outcomes.get(line.pk, ("S", ""))[0] != "-"  # "-": the bank left it out
    ]
    info = CycleInfo(
        region=cycle.region_code, month=f"{cycle.month:%Y-%m}", sequence=1, bank="BANK"
    )
    return return_file_simulate(layout_get(LAYOUT), pl.DataFrame(rows), cycle=info)
