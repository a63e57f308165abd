import threading

import pytest
from django.db import connection

from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from huimin.payments import services
from huimin.payments.models import CycleStatus, PaymentException, PayrollCycle
from huimin.registry.models import Person
from tests.conftest import requires_postgres
from tests.payments.factories import (
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def approver(regions):
    return approver_user()


def checked(caseworker, finance, n=2, fen=None):
    for _ in range(n):
        make_entitlement(caseworker)
    allocate(finance, fen if fen is not None else 10_000_000)
    cycle = generated_cycle(finance)
    return services.cycle_check(actor=finance, cycle=cycle)


def test_it_refuses_approval_by_the_preparer(caseworker_a, finance, regions):
    cycle = checked(caseworker_a, finance)
    finance.groups.add(*approver_user().groups.all())
    with pytest.raises(NotAllowed):
        services.cycle_approve(actor=finance, cycle=cycle)


def test_it_approves_once_every_exception_is_decided(caseworker_a, finance, approver):
    entitlement = make_entitlement(caseworker_a)
    Person.objects.filter(household=entitlement.household, relation="head").update(
        death_date="2026-11-02"
    )
    cycle = checked(caseworker_a, finance, n=1)
    with pytest.raises(Conflict):
        services.cycle_approve(actor=approver, cycle=cycle)
    exception = PaymentException.objects.get(cycle=cycle)
    with pytest.raises(ValidationFailed):  # nothing is decided without a reason
        services.exception_decide(
            actor=finance, exception=exception, outcome="excluded", reason=" "
        )
    services.exception_decide(
        actor=finance, exception=exception, outcome="excluded", reason="户主已去世"
    )
    approved = services.cycle_approve(actor=approver, cycle=cycle)
    assert approved.status == CycleStatus.APPROVED
    assert approved.approved_by == approver


def test_it_refuses_to_overspend_the_allocation_without_a_reason(caseworker_a, finance, approver):
    cycle = checked(caseworker_a, finance, n=2, fen=60_000)  # two lines of 50,000 fen
    with pytest.raises(Conflict, match="overspend"):
        services.cycle_approve(actor=approver, cycle=cycle)
    approved = services.cycle_approve(
        actor=approver, cycle=cycle, override_reason="追加预算已批，文件待下达"
    )
    assert approved.overspend_reason
    event = AuditEvent.objects.filter(action="payments.cycle_approve").get()
    assert event.changes["overspend"][0]["program"] == "dibao"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_simultaneous_approvals_through(caseworker_a, regions):
    finance = finance_user()
    first, second = approver_user("approver_one"), approver_user("approver_two")
    cycle = checked(caseworker_a, finance)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(user):
        try:
            barrier.wait()
            services.cycle_approve(actor=user, cycle=PayrollCycle.objects.get(pk=cycle.pk))
            outcomes.append("approved")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["approved", "refused"]
    assert AuditEvent.objects.filter(action="payments.cycle_approve").count() == 1
