"""Importing over people the registry knows makes only the changes the pages could make."""

from datetime import date

import pytest

from huimin.core.models import AuditEvent
from huimin.registry import services
from huimin.registry.models import Household, HouseholdSnapshot, Membership, Person, Relation
from tests.registry.factories import make_household, member, person_facts
from tests.registry.test_import_dry_run import (
    csv_file,
    errors_by_row,
    in_english,  # noqa: F401 - autouse fixture
    run,
)


def row_for(person: Person, relation: str = "", **cells: str) -> dict[str, str]:
    household = person.household
    words = {"head": "户主", "spouse": "配偶", "child": "子女", "other": "其他"}
    return {
        "household_no": household.household_no,
        "village_code": household.region_code,
        "address": household.address,
        "residence_type": "农村",
        "relation": words[relation or person.relation],
        "name": person.name,
        "id_number": person.id_number,
        **cells,
    }


@pytest.fixture
def household(caseworker_a) -> Household:
    household = make_household(caseworker_a, others=(("李梅", Relation.SPOUSE), ("张小", "child")))
    head = member(household, "张三")
    services.person_update(
        actor=caseworker_a,
        person=head,
        facts=person_facts(
            "张三", Relation.HEAD, id_number=head.id_number, disability_category=4,
            disability_grade=2, cannot_walk_indoors=True,
        ),
    )  # fmt: skip
    services.person_record_death(
        actor=caseworker_a, person=member(household, "张小"), death_date=date(2025, 3, 1)
    )
    return household


def test_empty_cells_change_nothing(caseworker_a, tmp_path, household):
    people = [member(household, name) for name in ("张三", "李梅", "张小")]
    outcome = run(caseworker_a, csv_file(tmp_path, [row_for(p) for p in people]), mode="all")
    assert outcome.errors == []
    assert outcome.written["households_changed"] == 0
    head, child = member(household, "张三"), member(household, "张小")
    assert (head.disability_category, head.disability_grade, head.cannot_walk_indoors) == (
        4,
        2,
        True,
    )
    assert child.death_date == date(2025, 3, 1), "a recorded death is not undone"
    open_memberships = Membership.objects.filter(household=household, valid_to__isnull=True)
    assert sorted(m.person.name for m in open_memberships) == ["张三", "李梅"]
    assert not HouseholdSnapshot.objects.filter(household=household, reason="import").exists()


def test_a_filled_cell_changes_only_that_fact(caseworker_a, tmp_path, household):
    head = member(household, "张三")
    rows = [row_for(head, student="是"), row_for(member(household, "李梅"), ethnicity="白族")]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="all")
    assert outcome.written["households_changed"] == 1
    head.refresh_from_db()
    assert head.student and head.disability_grade == 2 and head.cannot_walk_indoors
    assert member(household, "李梅").ethnicity == "14"  # 白族


def test_clearing_one_of_a_pair_takes_both_from_the_file(caseworker_a, tmp_path, household):
    head = member(household, "张三")
    rows = [row_for(head, disability_category="1")]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="valid")
    assert "disability_grade" in errors_by_row(outcome)[2]
    assert member(household, "张三").disability_category == 4


def test_a_death_is_refused_by_row_and_column(caseworker_a, tmp_path, household):
    spouse = member(household, "李梅")
    rows = [row_for(member(household, "张三")), row_for(spouse, death_date="2025-06-01")]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="valid")
    assert "member's page" in errors_by_row(outcome)[3]["death_date"]
    spouse.refresh_from_db()
    assert spouse.death_date is None
    assert Membership.objects.filter(person=spouse, valid_to__isnull=True).exists()


def test_a_change_of_head_is_refused_by_row_and_column(caseworker_a, tmp_path, household):
    rows = [
        row_for(member(household, "张三"), relation="spouse"),
        row_for(member(household, "李梅"), relation="head"),
    ]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="valid")
    errors = errors_by_row(outcome)
    assert "household page" in errors[2]["relation"] and "household page" in errors[3]["relation"]
    assert member(household, "张三").relation == Relation.HEAD


def test_a_changed_relation_moves_with_the_membership(caseworker_a, tmp_path, household):
    spouse = member(household, "李梅")
    rows = [row_for(member(household, "张三")), row_for(spouse, relation="other")]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="all")
    assert outcome.errors == []
    spouse.refresh_from_db()
    membership = Membership.objects.get(person=spouse, valid_to__isnull=True)
    assert spouse.relation == membership.relation == "other"


def test_a_dead_head_does_not_count_as_a_second_head(caseworker_a, tmp_path):
    household = make_household(caseworker_a)
    head, spouse = member(household, "张三"), member(household, "李梅")
    services.person_record_death(
        actor=caseworker_a, person=head, death_date=date(2025, 3, 1), new_head=spouse
    )
    head.refresh_from_db()
    spouse.refresh_from_db()
    rows = [row_for(spouse, phone="13900001111"), row_for(head)]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="all")
    assert outcome.errors == []
    assert AuditEvent.objects.filter(action="household.import").count() == 1
