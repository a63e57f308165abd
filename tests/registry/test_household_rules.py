"""Households: a village in my jurisdiction, exactly one living head, and no lost edits."""

from datetime import date

import pytest
from django.utils import translation

from huimin.core.errors import Conflict, ValidationFailed
from huimin.registry import services
from huimin.registry.models import Household, Person, Relation
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import household_facts, make_household, member, person_facts


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; test_pages checks the Chinese ones."""
    with translation.override("en"):
        yield


def test_it_registers_a_household_with_its_head_as_payee(caseworker_a):
    household = make_household(caseworker_a)
    assert household.household_no == f"{VILLAGE_A}00001"
    assert household.payee.name == "张三"
    assert household.members.count() == 2
    assert make_household(caseworker_a, head="李四").household_no == f"{VILLAGE_A}00002"


@pytest.mark.parametrize("code", ["532901001", "532901001999", "53290100100X"])
def test_a_household_must_be_in_a_known_village(caseworker_a, code):
    with pytest.raises(ValidationFailed) as refused:
        make_household(caseworker_a, region_code=code)
    assert refused.value.field == "region_code"
    assert not Household.objects.exists()


def test_a_household_must_be_in_my_jurisdiction(caseworker_a):
    with pytest.raises(ValidationFailed, match="not a village in your jurisdiction"):
        make_household(caseworker_a, village=VILLAGE_B)


def test_a_new_household_needs_exactly_one_head(caseworker_a):
    no_head = [person_facts("张三", Relation.SPOUSE)]
    with pytest.raises(ValidationFailed, match="needs a head"):
        services.household_create(actor=caseworker_a, facts=household_facts(), members=no_head)
    two_heads = [person_facts("张三"), person_facts("李梅", Relation.HEAD, sex="F")]
    with pytest.raises(ValidationFailed, match="only one head"):
        services.household_create(actor=caseworker_a, facts=household_facts(), members=two_heads)
    assert not Person.objects.exists()


def test_a_second_head_cannot_be_added_or_made_by_an_edit(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed, match="only one head"):
        services.person_add(
            actor=caseworker_a, household=household, facts=person_facts("王五", Relation.HEAD)
        )
    spouse = member(household, "李梅")
    facts = person_facts("李梅", Relation.HEAD, id_number=spouse.id_number)
    with pytest.raises(ValidationFailed, match="only one head"):
        services.person_update(actor=caseworker_a, person=spouse, facts=facts)
    head = member(household, "张三")
    facts = person_facts("张三", Relation.SPOUSE, id_number=head.id_number)
    with pytest.raises(ValidationFailed, match="needs a head"):
        services.person_update(actor=caseworker_a, person=head, facts=facts)


def test_the_head_changes_in_one_step(caseworker_a):
    household = make_household(caseworker_a)
    services.household_set_head(
        actor=caseworker_a,
        household=household,
        new_head=member(household, "李梅"),
        old_head_relation=Relation.SPOUSE,
    )
    assert member(household, "李梅").relation == Relation.HEAD
    assert member(household, "张三").relation == Relation.SPOUSE
    assert member(household, "李梅").memberships.get(valid_to__isnull=True).relation == "head"


def test_a_stale_edit_is_refused_naming_who_changed_it(caseworker_a, regions):
    from huimin.core import roles
    from tests.conftest import make_user

    colleague = make_user("colleague", roles.CASEWORKER, ["532901"])
    household = make_household(caseworker_a)
    opened_version = household.version
    services.household_update(
        actor=colleague,
        household=household,
        facts=household_facts(address="新地址1号"),
        expected_version=opened_version,
    )
    with pytest.raises(Conflict) as refused:
        services.household_update(
            actor=caseworker_a,
            household=household,
            facts=household_facts(address="另一个地址"),
            expected_version=opened_version,
        )
    assert "colleague" in refused.value.message
    assert household.household_no in refused.value.message
    household.refresh_from_db()
    assert household.address == "新地址1号"
    assert household.version == opened_version + 1


def test_disability_category_and_grade_go_together(caseworker_a):
    household = make_household(caseworker_a)
    for category, grade, field in [
        (4, None, "disability_grade"),
        (None, 2, "disability_category"),
        (8, 1, "disability_category"),
        (4, 5, "disability_grade"),
    ]:
        facts = person_facts(
            "王五", Relation.CHILD, disability_category=category, disability_grade=grade
        )
        with pytest.raises(ValidationFailed) as refused:
            services.person_add(actor=caseworker_a, household=household, facts=facts)
        assert refused.value.field == field
        assert "王五" in refused.value.message
    facts = person_facts("王五", Relation.CHILD, disability_category=5, disability_grade=1)
    assert services.person_add(actor=caseworker_a, household=household, facts=facts).pk


def test_not_counted_in_the_family_needs_a_reason(caseworker_a):
    household = make_household(caseworker_a)
    facts = person_facts("王五", Relation.CHILD, counted_in_family=False)
    with pytest.raises(ValidationFailed) as refused:
        services.person_add(actor=caseworker_a, household=household, facts=facts)
    assert refused.value.field == "not_counted_reason"
    facts = person_facts(
        "王五", Relation.CHILD, counted_in_family=False, not_counted_reason="soldier"
    )
    assert not services.person_add(
        actor=caseworker_a, household=household, facts=facts
    ).counted_in_family


def test_a_household_may_move_only_to_a_village_in_my_jurisdiction(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed, match="not a village in your jurisdiction"):
        services.household_update(
            actor=caseworker_a,
            household=household,
            facts=household_facts(VILLAGE_B),
            expected_version=household.version,
        )


def test_a_birth_date_in_the_future_is_refused(caseworker_a):
    household = make_household(caseworker_a)
    facts = person_facts("未来", Relation.CHILD, birth=date(2099, 1, 1))
    with pytest.raises(ValidationFailed, match="future"):
        services.person_add(actor=caseworker_a, household=household, facts=facts)
