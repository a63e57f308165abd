"""Months an entitlement was owed before a payroll first paid it are paid once, as arrears (补发)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from huimin.casework.models import Review
from huimin.payments import services
from huimin.payments.models import LineKind, LineStatus, PaymentException, PaymentLine
from huimin.payments.queries import ledger_verify
from huimin.payments.seal import line_seal
from tests.payments.factories import (
    MONTH,
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT

OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


@pytest.fixture
def finance(regions):
    return finance_user()


def earlier_payrolls(finance, *months: dt.date) -> None:
    """Payrolls of earlier months, made before the late entitlement existed."""
    for month in months:
        generated_cycle(finance, month=month)


def lines_of(cycle, entitlement) -> list[tuple[str, str, int]]:
    return [
        (line.kind, f"{line.month:%Y-%m}", line.amount_fen)
        for line in cycle.lines.filter(entitlement=entitlement).order_by("month")
    ]


def test_it_pays_each_month_approved_late_as_arrears_of_its_own_month(caseworker_a, finance):
    on_time = make_entitlement(caseworker_a, start_month=OCT)
    earlier_payrolls(finance, OCT, NOV)  # they paid it, before the late one was approved
    late = make_entitlement(caseworker_a, monthly_fen=45_000, start_month=OCT)
    cycle = generated_cycle(finance)
    assert lines_of(cycle, late) == [
        ("arrears", "2026-10", 45_000),
        ("arrears", "2026-11", 45_000),
        ("regular", "2026-12", 45_000),
    ]
    assert lines_of(cycle, on_time) == [("regular", "2026-12", 50_000)]
    assert cycle.line_count == 4
    assert cycle.total_fen == 3 * 45_000 + 50_000
    october = cycle.lines.get(entitlement=late, month=OCT)
    assert october.frozen["arrears"] == {
        "month": "2026-10",
        "amount_fen": 45_000,
        "amount_from": f"decision {late.decision_id}",
    }
    assert october.frozen_hash == line_seal(october)
    assert "arrears" not in cycle.lines.get(entitlement=late, month=MONTH).frozen


def test_it_pays_arrears_once_even_when_generation_runs_again(caseworker_a, finance):
    earlier_payrolls(finance, NOV)
    late = make_entitlement(caseworker_a, start_month=NOV)
    cycle = generated_cycle(finance)
    cycle.generated = False
    again = services.cycle_generate(actor=finance, cycle=cycle, chunk_size=1)
    assert again.line_count == 2
    assert lines_of(again, late) == [("arrears", "2026-11", 50_000), ("regular", "2026-12", 50_000)]
    # The next month's payroll owes it nothing more.
    january = generated_cycle(finance, month=dt.date(2027, 1, 1))
    assert lines_of(january, late) == [("regular", "2027-01", 50_000)]


def test_it_pays_a_month_at_the_amount_it_had_then(caseworker_a, finance):
    earlier_payrolls(finance, OCT, NOV)
    late = make_entitlement(caseworker_a, monthly_fen=40_000, start_month=OCT)
    review = Review.objects.create(
        entitlement=late,
        region_code=late.region_code,
        proposal="adjust",
        period="2026-10",
        amount_fen=52_000,
        proposed_by=caseworker_a,
        status="decided",
        accepted=True,
        letter_facts={
            "outcome": "adjust",
            "monthly_fen": 52_000,
            "was_fen": 40_000,
            "start": "2026-11",
        },
    )
    type(late).objects.filter(pk=late.pk).update(monthly_fen=52_000)
    cycle = generated_cycle(finance)
    assert lines_of(cycle, late) == [
        ("arrears", "2026-10", 40_000),
        ("arrears", "2026-11", 52_000),
        ("regular", "2026-12", 52_000),
    ]
    november = cycle.lines.get(entitlement=late, month=NOV)
    assert november.frozen["arrears"]["amount_from"] == f"review {review.pk}"


def test_it_pays_a_month_a_payroll_skipped_between_two_paid_ones(caseworker_a, finance):
    """November's payroll found nobody to pay in the household; December pays November too."""
    from huimin.registry.models import Household, Person

    entitlement = make_entitlement(caseworker_a, start_month=OCT)
    household = entitlement.household
    earlier_payrolls(finance, OCT)
    payee, head = household.payee_id, household.members.get(relation="head")
    Household.objects.filter(pk=household.pk).update(payee=None)
    Person.objects.filter(pk=head.pk).update(relation="other")
    november = generated_cycle(finance, month=NOV)
    assert not november.lines.exists()
    Household.objects.filter(pk=household.pk).update(payee=payee)
    Person.objects.filter(pk=head.pk).update(relation="head")
    cycle = generated_cycle(finance)
    assert lines_of(cycle, entitlement) == [
        ("arrears", "2026-11", 50_000),
        ("regular", "2026-12", 50_000),
    ]


def test_it_owes_nothing_for_months_before_the_office_paid_through_huimin(caseworker_a, finance):
    """A caseload carried over keeps its first month; the system before paid those months."""
    carried = make_entitlement(caseworker_a, start_month=dt.date(2025, 3, 1))
    cycle = generated_cycle(finance)
    assert lines_of(cycle, carried) == [("regular", "2026-12", 50_000)]


def test_it_pays_back_only_as_far_as_the_parameter_allows_and_lists_the_rest(
    caseworker_a, finance, admin_user
):
    from huimin.programs.services import parameter_override_create

    earlier_payrolls(finance, dt.date(2026, 9, 1), OCT, NOV)
    late = make_entitlement(caseworker_a, start_month=dt.date(2026, 9, 1))
    parameter_override_create(
        actor=admin_user,
        name="payments.arrears_max_months",
        region="532901",
        start=dt.date(2026, 1, 1),
        value=1,
        source="大理市民政局 2026 年第 9 号 (test)",
    )
    cycle = generated_cycle(finance)
    assert lines_of(cycle, late) == [("arrears", "2026-11", 50_000), ("regular", "2026-12", 50_000)]
    services.cycle_check(actor=finance, cycle=cycle)
    beyond = PaymentException.objects.get(cycle=cycle, kind="arrears_beyond_limit")
    assert (beyond.line.kind, beyond.line.month) == (LineKind.REGULAR, MONTH)
    assert beyond.detail == "2026-09 – 2026-10 (2)"
    services.cycle_check(actor=finance, cycle=cycle)  # checking again adds nothing
    assert PaymentException.objects.filter(cycle=cycle, kind="arrears_beyond_limit").count() == 1


def test_a_month_cannot_be_paid_both_as_regular_and_as_arrears(caseworker_a, finance):
    earlier_payrolls(finance, NOV)
    late = make_entitlement(caseworker_a, start_month=NOV)
    cycle = generated_cycle(finance)
    arrears = cycle.lines.get(entitlement=late, kind=LineKind.ARREARS)
    regular = cycle.lines.get(entitlement=late, kind=LineKind.REGULAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        _second_line(arrears, kind=LineKind.REGULAR)  # November again, as a regular line
    with pytest.raises(IntegrityError), transaction.atomic():
        _second_line(regular, kind=LineKind.ARREARS)  # December again, as arrears
    with pytest.raises(IntegrityError), transaction.atomic():
        _second_line(arrears, kind=LineKind.ARREARS)


def _second_line(line: PaymentLine, *, kind: str) -> PaymentLine:
    return PaymentLine.objects.create(
        cycle=line.cycle,
        kind=kind,
        entitlement=line.entitlement,
        month=line.month,
        program=line.program,
        household=line.household,
        payee=line.payee,
        region_code=line.region_code,
        amount_fen=line.amount_fen,
        frozen={},
        frozen_hash="",
    )


def test_arrears_lines_are_checked_exported_and_balanced_like_any_line(caseworker_a, finance):
    earlier_payrolls(finance, NOV)
    late = make_entitlement(caseworker_a, start_month=NOV, review_due=NOV)
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    overdue = PaymentException.objects.filter(cycle=cycle, kind="review_overdue")
    assert sorted(e.line.kind for e in overdue) == ["arrears", "regular"]
    assert not PaymentException.objects.filter(cycle=cycle, kind="amount_changed").exists()
    for exception in overdue:
        services.exception_decide(
            actor=finance, exception=exception, outcome="resolved", reason="复核已办"
        )
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    bank_file = services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    assert (bank_file.count, bank_file.total_fen) == (2, 100_000)
    report = ledger_verify()
    assert report.balanced, report.problems
    assert (report.gross_fen, report.withheld_fen, report.net_fen) == (100_000, 0, 100_000)
    assert lines_of(cycle, late)[0] == ("arrears", "2026-11", 50_000)


def test_the_ledger_counts_a_month_paid_as_arrears_and_again_as_paid_twice(caseworker_a, finance):
    earlier_payrolls(finance, NOV)
    late = make_entitlement(caseworker_a, start_month=NOV)
    cycle = generated_cycle(finance)
    arrears = cycle.lines.get(entitlement=late, kind=LineKind.ARREARS)
    reissued = PaymentLine(
        cycle=cycle,
        kind=LineKind.REISSUE,
        entitlement=late,
        month=NOV,
        reissue_of=arrears,
        program=arrears.program,
        household=arrears.household,
        payee=arrears.payee,
        region_code=arrears.region_code,
        amount_fen=arrears.amount_fen,
        status=LineStatus.PAID,
        frozen=arrears.frozen,
    )
    reissued.frozen_hash = line_seal(reissued)
    reissued.save()
    PaymentLine.objects.filter(pk=arrears.pk).update(status=LineStatus.PAID)
    problems = ledger_verify().problems
    assert f"entitlement {late.pk} paid 2 times for 2026-11" in problems


def test_the_payroll_page_totals_arrears_as_their_own_kind(caseworker_a, finance, client):
    earlier_payrolls(finance, NOV)
    make_entitlement(caseworker_a, start_month=NOV, monthly_fen=30_000)
    cycle = generated_cycle(finance)
    client.force_login(finance)
    page = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert '<td data-label="类型">补发</td><td data-label="明细条数">1</td>' in page
    assert "补发 2026-11" in page  # the line, with the month it pays
    client.cookies["django_language"] = "en"
    page = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert '<td data-label="Kind">Arrears</td><td data-label="Lines">1</td>' in page
    assert '<td data-label="Kind">Monthly</td><td data-label="Lines">1</td>' in page


def test_the_cash_roll_says_which_month_an_arrears_line_pays(caseworker_a, finance, client):
    earlier_payrolls(finance, NOV)
    late = make_entitlement(caseworker_a, start_month=NOV)
    type(late.household).objects.filter(pk=late.household_id).update(bank_account="")
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    for exception in PaymentException.objects.filter(cycle=cycle, kind="account_missing"):
        services.exception_decide(
            actor=finance, exception=exception, outcome="cash", reason="村里没有银行网点"
        )
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    client.force_login(finance)
    roll = client.get(f"/payments/cycles/{cycle.pk}/cash-roll/").content.decode()
    assert roll.count("（补发2026-11）") == 1
    assert roll.count("500.00") == 2  # November's arrears and December, each on its own line
