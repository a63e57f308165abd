"""Payments' part of the audit test: each kind of payments event written once, as the doors do."""

import datetime as dt

from django.utils import timezone

from huimin.core.models import User
from huimin.payments import recoveries, services, visits
from huimin.payments.models import LineStatus, PaymentException
from tests.payments.factories import (
    MONTH,
    allocate,
    approver_user,
    finance_user,
    make_entitlement,
)
from tests.payments.flow import LAYOUT, bank_return
from tests.registry.factories import make_id


def write_every_payments_event(caseworker: User) -> None:
    finance, approver = finance_user("finance_events"), approver_user("payroll_approver_events")
    make_entitlement(caseworker, review_due=MONTH - dt.timedelta(days=1))
    make_entitlement(caseworker)
    allocation = allocate(finance)
    services.allocation_adjust(
        actor=finance,
        allocation=allocation,
        central_fen=allocation.central_fen + 500_000,
        provincial_fen=0,
        local_fen=0,
        reason="追加预算（州财社〔2026〕12号）",
    )
    cycle = services.cycle_create(
        actor=finance, region_code="532901", month=MONTH, programs=["dibao"]
    )
    cycle = services.cycle_check(
        actor=finance, cycle=services.cycle_generate(actor=finance, cycle=cycle)
    )
    exception = PaymentException.objects.get(cycle=cycle)
    services.exception_decide(
        actor=finance, exception=exception, outcome="cash", reason="逾期复核已补"
    )
    services.cycle_approve(actor=approver, cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    later = timezone.localdate() + dt.timedelta(days=365)
    services.cash_unpaid_return(actor=None, today=later)  # the line put on the cash roll
    failed = cycle.lines.get(channel="bank")
    name, content = bank_return(cycle, {failed.pk: ("F", "AC04")})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    services.line_follow_up(actor=finance, line=failed, action="cash", reason="账户已销户")
    for line in cycle.lines.filter(status=LineStatus.CASH):
        services.cash_receipt_record(
            actor=finance, line=line, confirmation="signature", witness="村主任", paid_on=MONTH
        )
    services.cycle_reconcile(actor=finance, cycle=cycle)
    services.cycle_close(actor=finance, cycle=cycle)
    (visit,) = visits.visits_draw(actor=finance, cycle=cycle, share=0.5)
    visits.visit_record(actor=finance, visit=visit, outcome="received_full", note="")
    run = services.one_off_cycle_create(
        actor=finance, region_code="532901", month=MONTH, program="temporary", purpose="春节慰问"
    )
    services.one_off_lines_add(
        actor=finance, cycle=run, amounts_fen={cycle.lines.first().payee_id: 20_000}
    )
    authorization = services.authorization_record(
        actor=finance,
        payee=cycle.lines.first().payee,
        collector_name="王芳",
        collector_id_number=make_id(dt.date(1975, 2, 3), "F"),
        relation="女儿",
        kind="proxy",
        document_ref="委托书 2026-031",
        valid_from=MONTH,
        valid_until=MONTH + dt.timedelta(days=365),
    )
    services.authorization_revoke(actor=finance, authorization=authorization, reason="本人领取")
    entitlement = cycle.lines.filter(kind="regular").first().entitlement
    recovery = recoveries.recovery_record(
        actor=finance,
        household=entitlement.household,
        entitlement=entitlement,
        first_month=MONTH,
        last_month=MONTH,
        amount_fen=10_000,
        instalment_fen=5_000,
        reason="paid_twice",
        decision_ref="大理市民政局〔2026〕90号",
        on=MONTH,
    )
    recoveries.recovery_waive(actor=approver, recovery=recovery, reason="已无力偿还")
