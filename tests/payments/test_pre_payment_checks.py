"""Each pre-payment check, alone: a clean line has no exception, each fault exactly its own."""

import datetime as dt

import pytest

from huimin.payments import services
from huimin.payments.models import PaymentException
from huimin.registry.models import Person
from tests.payments.factories import MONTH, finance_user, generated_cycle, make_entitlement
from tests.registry.factories import make_household


@pytest.fixture
def finance(regions):
    return finance_user()


def kinds_found(finance, entitlement_id=None) -> set[str]:
    cycle = generated_cycle(finance)
    services.cycle_check(actor=finance, cycle=cycle)
    found = PaymentException.objects.filter(cycle=cycle)
    if entitlement_id is not None:
        found = found.filter(line__entitlement_id=entitlement_id)
    return set(found.values_list("kind", flat=True))


def head_of(entitlement) -> Person:
    return entitlement.household.members.get(relation="head")


def test_it_finds_nothing_wrong_with_a_clean_line(caseworker_a, finance):
    make_entitlement(caseworker_a)
    assert kinds_found(finance) == set()


def test_it_stops_a_payment_to_someone_who_died(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    Person.objects.filter(pk=head_of(entitlement).pk).update(death_date=dt.date(2026, 11, 3))
    assert kinds_found(finance) == {"dead"}


def test_it_stops_an_invalid_identity_number(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    head = head_of(entitlement)
    head.id_number = head.id_number[:-1] + ("0" if head.id_number[-1] != "0" else "1")
    head.save(update_fields=["id_number"])
    assert kinds_found(finance) == {"id_invalid"}


def test_it_stops_a_missing_account(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    household.bank_account = ""
    household.save(update_fields=["bank_account", "bank_account_index"])
    assert kinds_found(finance) == {"account_missing"}


def test_it_stops_an_account_failing_its_check_digit(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    last = household.bank_account[-1]
    household.bank_account = household.bank_account[:-1] + str((int(last) + 1) % 10)
    household.save(update_fields=["bank_account", "bank_account_index"])
    assert kinds_found(finance) == {"account_invalid"}


def test_it_stops_an_account_held_by_someone_else(caseworker_a, finance):
    household = make_household(caseworker_a, bank_account="6217000010001234569")
    spouse = household.members.get(relation="spouse")
    household.payee = household.members.get(relation="head")
    household.save(update_fields=["payee"])
    entitlement = make_entitlement(caseworker_a, household, person=spouse)
    assert kinds_found(finance, entitlement.pk) == {"holder_name"}


def test_it_stops_one_account_for_several_households(caseworker_a, finance):
    first = make_entitlement(caseworker_a)
    second = make_entitlement(caseworker_a)
    household = second.household
    household.bank_account = first.household.bank_account
    household.save(update_fields=["bank_account", "bank_account_index"])
    assert kinds_found(finance) == {"shared_account"}


def test_it_stops_a_payee_from_another_household(caseworker_a, finance):
    stranger = make_entitlement(caseworker_a)
    entitlement = make_entitlement(caseworker_a, person=head_of(stranger))
    # and the household's account is not the stranger's either
    assert kinds_found(finance, entitlement.pk) == {"not_member", "holder_name"}


def test_it_stops_an_amount_that_moved_too_much(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a, monthly_fen=50_000)
    generated_cycle(finance, month=dt.date(2026, 11, 1))
    type(entitlement).objects.filter(pk=entitlement.pk).update(monthly_fen=70_000)
    assert kinds_found(finance) == {"amount_changed"}


def test_it_lets_a_small_change_through(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a, monthly_fen=50_000)
    generated_cycle(finance, month=dt.date(2026, 11, 1))
    type(entitlement).objects.filter(pk=entitlement.pk).update(monthly_fen=55_000)
    assert kinds_found(finance) == set()


def test_it_stops_an_overdue_review(caseworker_a, finance):
    make_entitlement(caseworker_a, review_due=MONTH - dt.timedelta(days=10))
    assert kinds_found(finance) == {"review_overdue"}


def test_it_stops_a_suspended_entitlement(caseworker_a, finance):
    make_entitlement(caseworker_a, status="suspended")
    assert kinds_found(finance) == {"suspended"}


def test_it_stops_two_programs_not_held_together(caseworker_a, finance):
    dibao = make_entitlement(caseworker_a)
    make_entitlement(caseworker_a, dibao.household, program="tekun", person=head_of(dibao))
    assert kinds_found(finance, dibao.pk) == {"not_together"}


def test_it_reads_the_change_limit_from_the_villages_parameter(caseworker_a, finance, admin_user):
    """`payments.amount_change_ratio` is a dated regional parameter: a county's own value wins."""
    from huimin.core.models import AuditEvent
    from huimin.programs.services import parameter_override_create

    entitlement = make_entitlement(caseworker_a, monthly_fen=50_000)
    generated_cycle(finance, month=dt.date(2026, 11, 1))
    type(entitlement).objects.filter(pk=entitlement.pk).update(monthly_fen=70_000)
    parameter_override_create(
        actor=admin_user,
        name="payments.amount_change_ratio",
        region="532901",
        start=dt.date(2026, 12, 1),
        value=0.5,
        source="大理市民政局 2026 年第 12 号 (test)",
    )
    assert kinds_found(finance) == set()
    event = AuditEvent.objects.filter(action="payments.cycle_check").latest("pk")
    assert event.changes["amount_change_limits"] == {"0.5": 1}


def test_it_holds_a_small_change_where_the_limit_is_tighter(caseworker_a, finance, admin_user):
    from huimin.programs.services import parameter_override_create

    entitlement = make_entitlement(caseworker_a, monthly_fen=50_000)
    generated_cycle(finance, month=dt.date(2026, 11, 1))
    type(entitlement).objects.filter(pk=entitlement.pk).update(monthly_fen=55_500)
    parameter_override_create(
        actor=admin_user,
        name="payments.amount_change_ratio",
        region="532901001001",
        start=dt.date(2026, 1, 1),
        value=0.1,
        source="下关街道 2026 年第 1 号 (test)",
    )
    assert kinds_found(finance) == {"amount_changed"}


def test_it_applies_each_villages_own_limit_within_one_payroll(
    caseworker_a, caseworker_b, admin_user
):
    """A prefecture's payroll spans villages whose limits differ: each line meets its own."""
    from huimin.programs.services import parameter_override_create
    from tests.conftest import VILLAGE_B

    finance = finance_user("finance_prefecture", region="5329")
    loose = make_entitlement(caseworker_a, monthly_fen=50_000)
    strict = make_entitlement(caseworker_b, monthly_fen=50_000, village=VILLAGE_B)
    generated_cycle(finance, region="5329", month=dt.date(2026, 11, 1))
    type(loose).objects.filter(pk__in=(loose.pk, strict.pk)).update(monthly_fen=70_000)
    parameter_override_create(
        actor=admin_user,
        name="payments.amount_change_ratio",
        region="532901",
        start=dt.date(2026, 1, 1),
        value=0.5,
        source="大理市民政局 2026 年第 3 号 (test)",
    )
    cycle = generated_cycle(finance, region="5329")
    services.cycle_check(actor=finance, cycle=cycle)
    flagged = PaymentException.objects.filter(cycle=cycle, kind="amount_changed")
    assert list(flagged.values_list("line__entitlement_id", flat=True)) == [strict.pk]
    assert flagged.get().detail == "50000 → 70000"
