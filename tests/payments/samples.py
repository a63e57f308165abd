"""A payroll in caseworker B's county whose payee carries the marker, for the jurisdiction walk.

Generated and checked (one exception: a review overdue), approved by someone other than its
preparer, exported, one line failed in the return, one line to be paid in cash, drawing on the
county's allocation; a proxy authorized to collect, and an overpayment to recover from the failed
line's entitlement.
"""

import datetime as dt

from huimin.core import roles
from huimin.core.models import User
from huimin.payments import recoveries, services
from huimin.payments.models import PaymentException
from tests.conftest import VILLAGE_B, make_user
from tests.payments.factories import MONTH, allocate, fresh_account, make_entitlement
from tests.payments.flow import LAYOUT, bank_return
from tests.registry.factories import make_household, make_id


def _staff(username: str, role: str) -> User:
    found = User.objects.filter(username=username).first()
    return found or make_user(username, role, ["532922"])


def payroll(other: User, marker: str) -> dict[str, int]:
    made = getattr(other, "_payments_sample", None)
    if made is not None:
        return made
    finance = _staff("finance_b", roles.FINANCE)
    approver = _staff("payroll_approver_b", roles.APPROVER)
    for overdue in (True, False, False):
        make_entitlement(
            other,
            make_household(
                other, VILLAGE_B, head=f"{marker}户主", others=(), bank_account=fresh_account()
            ),
            village=VILLAGE_B,
            review_due=MONTH - dt.timedelta(days=3) if overdue else None,
        )
    allocation = allocate(finance, region="532922")
    cycle = services.cycle_create(
        actor=finance, region_code="532922", month=MONTH, programs=["dibao"]
    )
    cycle = services.cycle_check(
        actor=finance, cycle=services.cycle_generate(actor=finance, cycle=cycle)
    )
    exception = PaymentException.objects.get(cycle=cycle)
    services.exception_decide(actor=finance, exception=exception, outcome="cash", reason=marker)
    services.cycle_approve(actor=approver, cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    cash_line = exception.line
    failed = cycle.lines.exclude(pk=cash_line.pk).order_by("pk").first()
    name, content = bank_return(cycle, {failed.pk: ("F", "AC04")})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    authorization = services.authorization_record(
        actor=other,
        payee=failed.payee,
        collector_name=f"{marker}代领人",
        collector_id_number=make_id(dt.date(1975, 2, 3), "F"),
        relation="女儿",
        kind="proxy",
        document_ref=marker,
        valid_from=MONTH,
        valid_until=MONTH + dt.timedelta(days=365),
    )
    recovery = recoveries.recovery_record(
        actor=finance,
        household=failed.household,
        entitlement=failed.entitlement,
        first_month=MONTH,
        last_month=MONTH,
        amount_fen=10_000,
        instalment_fen=5_000,
        reason="paid_twice",
        decision_ref=marker,
        on=MONTH,
    )
    made = {
        "allocation_id": allocation.pk,
        "cycle_id": cycle.pk,
        "recovery_id": recovery.pk,
        "authorization_id": authorization.pk,
        "exception_id": exception.pk,
        "line_id": failed.pk,
        "cash_line_id": cash_line.pk,
    }
    other._payments_sample = made  # type: ignore[attr-defined]
    return made
