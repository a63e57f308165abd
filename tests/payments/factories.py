"""Payments test data: entitlements as casework leaves them, without walking the whole procedure.

The casework tests prove the procedure that makes an entitlement; here an approved application,
its decision and its entitlement are written directly, so that a payroll can have many of them.
"""

import datetime as dt
import itertools

from stdnum import luhn

from huimin.casework.models import Application, Decision, Entitlement
from huimin.core import roles
from huimin.core.models import User
from huimin.payments import services
from huimin.payments.models import Allocation, PayrollCycle
from huimin.registry.models import Household
from tests.conftest import VILLAGE_A, make_user
from tests.registry.factories import make_household

MONTH = dt.date(2026, 12, 1)
_serial = itertools.count(1)


def fresh_account() -> str:
    """A bank account number of its own that passes its check digit."""
    body = f"62170000{next(_serial):010d}"
    return body + luhn.calc_check_digit(body)


def make_entitlement(
    actor: User,
    household: Household | None = None,
    *,
    program: str = "dibao",
    monthly_fen: int = 50_000,
    village: str = VILLAGE_A,
    **fields: object,
) -> Entitlement:
    household = household or make_household(actor, village, bank_account=fresh_account())
    head = household.members.get(relation="head")
    application = Application.objects.create(
        program=program,
        household=household,
        applicant=head,
        region_code=household.region_code,
        channel="window",
        statement="申请",
        status="approved",
        created_by=actor,
    )
    serial = 900_000 + next(_serial)  # clear of the letters casework numbers from 1
    decision = Decision.objects.create(
        application=application,
        outcome="approved",
        period="2026-11",
        amount_fen=monthly_fen,
        office_code=household.region_code[:6],
        office_name="民政局",
        letter_year=2026,
        letter_serial=serial,
        letter_number=f"民〔2026〕{serial}号",
        decided_by=actor,
        decided_on=dt.date(2026, 11, 20),
    )
    values: dict[str, object] = {
        "program": program,
        "household": household,
        "region_code": household.region_code,
        "decision": decision,
        "monthly_fen": monthly_fen,
        "start_month": dt.date(2026, 11, 1),
        "snapshot": {"computation_en": f"{monthly_fen} fen", "parameters": {"standard": 80000}},
    }
    values.update(fields)
    return Entitlement.objects.create(**values)


def finance_user(username: str = "finance_a", region: str = "532901") -> User:
    return make_user(username, roles.FINANCE, [region])


def approver_user(username: str = "payroll_approver_a", region: str = "532901") -> User:
    return make_user(username, roles.APPROVER, [region])


def generated_cycle(finance: User, region: str = "532901", month: dt.date = MONTH) -> PayrollCycle:
    cycle = services.cycle_create(
        actor=finance, region_code=region, month=month, programs=["dibao"]
    )
    return services.cycle_generate(actor=finance, cycle=cycle)


def allocate(actor: User, fen: int = 100_000_000, region: str = "532901") -> Allocation:
    return services.allocation_create(
        actor=actor,
        program="dibao",
        region_code=region,
        year=2026,
        central_fen=fen,
        provincial_fen=0,
        local_fen=0,
    )
