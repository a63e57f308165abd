"""The rules read who is on dibao, the emergency and the damage from casework, as of the month."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from huimin.casework import services
from huimin.casework.assessment import payment_month
from huimin.casework.models import (
    CircumstanceChange,
    Decision,
    Entitlement,
    EntitlementStatus,
    Program,
)
from huimin.casework.services.decisions import add_months
from huimin.programs.evaluation import household_explain
from huimin.programs.frames import population_from_registry
from huimin.registry import services as registry
from huimin.registry.models import Household, Relation
from huimin.registry.services import household_create
from tests.casework import cases
from tests.registry.factories import household_facts, person_facts


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


@pytest.fixture
def disabled_family(caseworker_a, settings, tmp_path) -> Household:
    settings.VAR_DIR = tmp_path / "var"
    return household_create(
        actor=caseworker_a,
        facts=household_facts(),
        members=[
            person_facts("王强", Relation.HEAD),
            person_facts(
                "王芳",
                Relation.SPOUSE,
                dt.date(1983, 2, 1),
                "F",
                disability_category=4,
                disability_grade=1,
            ),
        ],
    )


def _on_dibao_from(caseworker, approver, cast, household: Household) -> dt.date:
    """Approved for dibao today: the entitlement's first month."""
    application = cases.dibao_application(caseworker, household)
    cases.to_decision(caseworker, cast, application)
    services.decision_approve(actor=approver, application=application)
    services.letter_issue(actor=approver, application=application)
    entitlement = services.entitlement_create(actor=approver, application=application)
    assert entitlement.start_month == payment_month(timezone.localdate())
    return entitlement.start_month


def _living_subsidy(household: Household, month: dt.date) -> bool:
    explanation = household_explain(household=household, period=_month(month))
    (spouse,) = [
        e
        for e in explanation.programs["disability_living"]
        if e.person_id == household.members.get(relation=Relation.SPOUSE).pk
    ]
    return spouse.eligible


def test_a_family_on_dibao_gets_the_disability_living_subsidy_from_its_first_month(
    caseworker_a, approver_a, cast, disabled_family
):
    start = _on_dibao_from(caseworker_a, approver_a, cast, disabled_family)
    # since then a wage lifts the family above the line: the rules alone no longer cover it
    registry.income_add(
        actor=caseworker_a,
        person=disabled_family.members.get(relation=Relation.HEAD),
        income_type="wages",
        monthly_fen=900_000,
        valid_from=dt.date(2020, 1, 1),
    )
    before = add_months(start, -1)
    for month, held in ((before, False), (start, True), (add_months(start, 5), True)):
        end = add_months(month, 1) - dt.timedelta(days=1)
        population = population_from_registry(
            Household.objects.filter(pk=disabled_family.pk), as_of=end
        )
        assert population.households["on_dibao"].to_list() == [held], month
        explanation = household_explain(household=disabled_family, period=_month(month))
        assert not explanation.for_program("dibao").eligible
        assert _living_subsidy(disabled_family, month) is held, month


def test_an_ended_entitlement_counts_up_to_its_last_month(
    caseworker_a, approver_a, cast, disabled_family
):
    start = _on_dibao_from(caseworker_a, approver_a, cast, disabled_family)
    entitlement = disabled_family.entitlements.get()
    entitlement.status, entitlement.end_month = "ended", add_months(start, 2)
    entitlement.save(update_fields=["status", "end_month"])
    households = Household.objects.filter(pk=disabled_family.pk)

    def held(month: dt.date) -> bool:
        end = add_months(month, 1) - dt.timedelta(days=1)
        return population_from_registry(households, as_of=end).households["on_dibao"][0]

    assert [held(add_months(start, n)) for n in (-1, 0, 2, 3)] == [False, True, True, False]


def _held_since_three_months(caseworker, approver, cast, household: Household) -> Entitlement:
    """A dibao entitlement paid since three months before this one (moved back by hand: the
    services only start one next month)."""
    _on_dibao_from(caseworker, approver, cast, household)
    entitlement = household.entitlements.get()
    entitlement.start_month = add_months(timezone.localdate().replace(day=1), -3)
    entitlement.save(update_fields=["start_month"])
    return entitlement


def _held_in(household: Household, month: dt.date) -> bool:
    end = add_months(month, 1) - dt.timedelta(days=1)
    frame = population_from_registry(Household.objects.filter(pk=household.pk), as_of=end)
    return frame.households["on_dibao"][0]


def test_a_suspended_entitlement_counts_for_the_months_before_its_suspension(
    caseworker_a, approver_a, cast, disabled_family
):
    entitlement = _held_since_three_months(caseworker_a, approver_a, cast, disabled_family)
    this_month = timezone.localdate().replace(day=1)
    registry.person_record_death(
        actor=caseworker_a,
        person=disabled_family.members.get(relation=Relation.SPOUSE),
        death_date=timezone.localdate(),
    )
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.SUSPENDED
    assert entitlement.suspended_from == this_month
    months = [add_months(this_month, n) for n in (-4, -3, -1, 0, 1)]
    assert [_held_in(disabled_family, m) for m in months] == [False, True, True, False, False]

    change = CircumstanceChange.objects.get(household=disabled_family)
    assert change.evaluation[str(entitlement.pk)]["suspended_from"] == _month(this_month)
    services.change_close(actor=caseworker_a, change=change, note="已核实", resume=True)
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.ACTIVE and entitlement.suspended_from is None
    assert [_held_in(disabled_family, m) for m in months] == [False, True, True, True, True]


def test_an_appeal_suspends_from_its_month(caseworker_a, approver_a, cast, disabled_family):
    entitlement = _held_since_three_months(caseworker_a, approver_a, cast, disabled_family)
    this_month = timezone.localdate().replace(day=1)
    services.appeal_record(
        actor=approver_a, application=entitlement.decision.application, outcome="复议：重新认定"
    )
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.SUSPENDED
    assert entitlement.suspended_from == this_month
    months = [add_months(this_month, n) for n in (-1, 0)]
    assert [_held_in(disabled_family, m) for m in months] == [True, False]


def test_a_suspension_of_unknown_month_counts_for_no_month(
    caseworker_a, approver_a, cast, disabled_family
):
    entitlement = _held_since_three_months(caseworker_a, approver_a, cast, disabled_family)
    entitlement.status = EntitlementStatus.SUSPENDED  # as rows were before the month was kept
    entitlement.save(update_fields=["status"])
    this_month = timezone.localdate().replace(day=1)
    assert not any(_held_in(disabled_family, add_months(this_month, n)) for n in (-3, -1, 0))


def _fill_suspended_from() -> None:
    migration = importlib.import_module(
        "huimin.casework.migrations.0012_entitlement_suspended_from"
    )
    migration.fill_suspended_from(django_apps, None)


def test_the_migration_dates_a_death_suspension_from_the_change_that_made_it(
    caseworker_a, approver_a, cast, disabled_family
):
    entitlement = _held_since_three_months(caseworker_a, approver_a, cast, disabled_family)
    registry.person_record_death(
        actor=caseworker_a,
        person=disabled_family.members.get(relation=Relation.SPOUSE),
        death_date=timezone.localdate(),
    )
    recorded = add_months(timezone.localdate().replace(day=1), -2)
    CircumstanceChange.objects.filter(household=disabled_family).update(
        created_at=timezone.make_aware(dt.datetime.combine(recorded, dt.time(10)))
    )
    Entitlement.objects.filter(pk=entitlement.pk).update(suspended_from=None)
    _fill_suspended_from()
    entitlement.refresh_from_db()
    assert entitlement.suspended_from == recorded


def test_the_migration_dates_an_appeal_suspension_from_the_set_aside_and_leaves_the_rest(
    caseworker_a, approver_a, cast, disabled_family
):
    entitlement = _held_since_three_months(caseworker_a, approver_a, cast, disabled_family)
    services.appeal_record(
        actor=approver_a, application=entitlement.decision.application, outcome="复议：重新认定"
    )
    set_aside = add_months(timezone.localdate().replace(day=1), -1)
    Decision.objects.filter(pk=entitlement.decision_id).update(
        superseded_at=timezone.make_aware(dt.datetime.combine(set_aside, dt.time(10)))
    )
    Entitlement.objects.filter(pk=entitlement.pk).update(suspended_from=None)
    other = _held_since_three_months(
        caseworker_a, approver_a, cast, cases.make_household(caseworker_a, head="赵甲")
    )
    Entitlement.objects.filter(pk=other.pk).update(status=EntitlementStatus.SUSPENDED)
    _fill_suspended_from()
    entitlement.refresh_from_db()
    other.refresh_from_db()
    assert entitlement.suspended_from == set_aside
    assert other.suspended_from is None  # nothing in its history says when


def test_the_emergency_of_an_application_reaches_the_household_page_rules(
    caseworker_a, regions, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    household = cases.make_household(caseworker_a)
    today = timezone.localdate()
    households = Household.objects.filter(pk=household.pk)
    services.application_create(
        actor=caseworker_a,
        household=household,
        applicant=household.members.get(relation=Relation.HEAD),
        program=Program.TEMPORARY,
        channel="window",
        statement="家中失火",
        emergency_kind="urgent",
        emergency_expense_fen=300_000,
    )
    end_of_month = add_months(today.replace(day=1), 1) - dt.timedelta(days=1)
    frame = population_from_registry(households, as_of=end_of_month).households
    assert frame.select("emergency_kind", "emergency_expense_fen").row(0) == ("urgent", 300_000)
    explanation = household_explain(household=household, period=_month(today))
    assert explanation.for_program("temporary").eligible
    # the month before the application was taken knows nothing of it
    before = population_from_registry(households, as_of=today.replace(day=1) - dt.timedelta(1))
    assert before.households.select("emergency_kind", "emergency_expense_fen").row(0) == (
        "none",
        0,
    )


def test_disaster_damage_is_read_from_the_application_and_a_withdrawal_drops_it(
    caseworker_a, regions, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    household = cases.make_household(caseworker_a)
    application = services.application_create(
        actor=caseworker_a,
        household=household,
        applicant=household.members.get(relation=Relation.HEAD),
        program=Program.DISASTER,
        channel="window",
        statement="地震房屋倒塌",
        disaster_event="2026 地震",
        disaster_home_destroyed=True,
        disaster_transitional_days=30,
    )
    households = Household.objects.filter(pk=household.pk)
    today = timezone.localdate()
    columns = ("disaster_home_destroyed", "disaster_transitional_days")
    assert population_from_registry(households, as_of=today).households.select(columns).row(0) == (
        True,
        30,
    )
    services.application_withdraw(actor=caseworker_a, application=application, reason="重复申请")
    assert population_from_registry(households, as_of=today).households.select(columns).row(0) == (
        False,
        0,
    )


def test_the_casework_columns_cost_two_queries_whatever_the_number_of_households(
    caseworker_a, regions, django_assert_num_queries
):
    from huimin.casework.feeds import casework_columns

    for name in ("甲", "乙", "丙"):
        cases.make_household(caseworker_a, head=f"赵{name}")
    with django_assert_num_queries(2):
        casework_columns(Household.objects.all(), as_of=timezone.localdate())
