"""A change the registry records in a receiving household re-runs the rules and opens a task."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import ChangeKind, ChangeStatus, CircumstanceChange, EntitlementStatus
from huimin.core.audit import AuditEvent
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.registry import services as registry
from huimin.registry.models import IncomeType, Person, Relation
from tests.casework import cases
from tests.registry.factories import make_household


@pytest.fixture
def entitlement(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    return services.entitlement_create(actor=approver_a, application=application)


def _spouse(entitlement):
    return entitlement.household.members.get(relation=Relation.SPOUSE)


def test_it_suspends_payment_at_once_when_a_member_dies(caseworker_a, entitlement):
    registry.person_record_death(
        actor=caseworker_a, person=_spouse(entitlement), death_date=timezone.localdate()
    )
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.SUSPENDED
    assert entitlement.suspended_reason
    change = CircumstanceChange.objects.get(household=entitlement.household)
    assert change.kind == ChangeKind.DEATH and change.status == ChangeStatus.OPEN
    row = change.evaluation[str(entitlement.pk)]
    assert row["suspended"] is True and row["was_fen"] == entitlement.monthly_fen
    assert AuditEvent.objects.filter(action="casework.change_record").count() == 1


def test_it_re_evaluates_on_a_new_income_without_suspending(caseworker_a, entitlement):
    registry.income_add(
        actor=caseworker_a,
        person=entitlement.household.members.get(relation=Relation.HEAD),
        income_type=IncomeType.WAGES,
        monthly_fen=30_000,
        valid_from=timezone.localdate(),
    )
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.ACTIVE
    change = CircumstanceChange.objects.get(household=entitlement.household)
    assert change.kind == ChangeKind.INCOME
    row = change.evaluation[str(entitlement.pk)]
    assert row["amount_fen"] < entitlement.monthly_fen  # the rules counted the wage


def test_it_opens_nothing_for_a_household_that_receives_nothing(caseworker_a, regions):
    household = make_household(caseworker_a)
    registry.person_record_death(
        actor=caseworker_a,
        person=household.members.get(relation=Relation.SPOUSE),
        death_date=timezone.localdate(),
    )
    assert not CircumstanceChange.objects.exists()


def test_it_notices_a_move_out_of_the_township_but_not_within(caseworker_a, entitlement, regions):
    from huimin.core.models import Region

    town = Region.objects.create(
        code="532901002",
        level="township",
        name_zh="大理镇",
        name_en="Dali",
        parent=regions["532901"],
    )
    Region.objects.create(
        code="532901002001", level="village", name_zh="村乙", name_en="B", parent=town
    )
    same_village = make_household(caseworker_a, head="王五", others=())
    elsewhere = make_household(caseworker_a, village="532901002001", head="赵六", others=())
    spouse = _spouse(entitlement)
    registry.person_transfer(
        actor=caseworker_a,
        person=spouse,
        to_household=same_village,
        relation=Relation.SPOUSE,
        on_date=timezone.localdate(),
    )
    assert not CircumstanceChange.objects.exists()
    registry.person_transfer(
        actor=caseworker_a,
        person=Person.objects.get(pk=spouse.pk),
        to_household=entitlement.household,
        relation=Relation.SPOUSE,
        on_date=timezone.localdate(),
    )
    registry.person_transfer(
        actor=caseworker_a,
        person=Person.objects.get(pk=spouse.pk),
        to_household=elsewhere,
        relation=Relation.SPOUSE,
        on_date=timezone.localdate(),
    )
    change = CircumstanceChange.objects.get()
    assert change.kind == ChangeKind.MOVE_OUT and change.household == entitlement.household


def test_a_caseworker_closes_the_task_and_may_resume_payment(caseworker_a, approver_a, entitlement):
    registry.person_record_death(
        actor=caseworker_a, person=_spouse(entitlement), death_date=timezone.localdate()
    )
    change = CircumstanceChange.objects.get()
    with pytest.raises(NotAllowed):  # an approver does not prepare cases
        services.change_close(actor=approver_a, change=change, note="x", resume=True)
    with pytest.raises(ValidationFailed):
        services.change_close(actor=caseworker_a, change=change, note=" ", resume=True)
    services.change_close(actor=caseworker_a, change=change, note="已核实，待复核", resume=True)
    entitlement.refresh_from_db()
    assert entitlement.status == EntitlementStatus.ACTIVE and not entitlement.suspended_reason
    with pytest.raises(Conflict):
        services.change_close(actor=caseworker_a, change=change, note="again")
    # Running again, the entitlement can now be reviewed: the death lowers or stops it.
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    assert review.amount_fen != entitlement.monthly_fen or review.proposal == "stop"


def test_the_daily_command_opens_one_task_per_age_reached(caseworker_a, entitlement):
    today = timezone.localdate()
    sixteen = today.replace(year=today.year - 16) - dt.timedelta(days=2)
    child = registry.person_add(
        actor=caseworker_a,
        household=entitlement.household,
        facts=cases_person("张小", Relation.CHILD, sixteen),
    )
    CircumstanceChange.objects.all().delete()
    call_command("casework_daily", on=today)
    call_command("casework_daily", on=today)  # never twice
    change = CircumstanceChange.objects.get(kind=ChangeKind.AGE)
    assert change.person == child and change.age == 16
    assert AuditEvent.objects.filter(action="casework.change_record", actor=None).exists()


def test_the_daily_command_skips_an_age_outside_its_window(caseworker_a, entitlement):
    today = timezone.localdate()
    long_ago = today.replace(year=today.year - 18) - dt.timedelta(days=90)
    registry.person_add(
        actor=caseworker_a,
        household=entitlement.household,
        facts=cases_person("张大", Relation.CHILD, long_ago),
    )
    CircumstanceChange.objects.all().delete()
    call_command("casework_daily", on=today)
    assert not CircumstanceChange.objects.filter(kind=ChangeKind.AGE).exists()


def cases_person(name, relation, born):
    from tests.registry.factories import person_facts

    return person_facts(name, relation, born, "M")
