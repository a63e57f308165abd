"""Identity numbers: checksum, agreement with birth date and sex, one person per number."""

from datetime import date

import pytest
from django.utils import translation

from huimin.core.errors import Conflict, ValidationFailed
from huimin.registry import services
from huimin.registry.models import Person, Relation
from tests.conftest import VILLAGE_B
from tests.registry.factories import household_facts, make_household, make_id, person_facts


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; test_pages checks the Chinese ones."""
    with translation.override("en"):
        yield


def test_it_refuses_a_number_that_fails_its_check_digit(caseworker_a):
    household = make_household(caseworker_a)
    good = make_id()
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    facts = person_facts("王五", Relation.CHILD, id_number=wrong_check)
    with pytest.raises(ValidationFailed) as refused:
        services.person_add(actor=caseworker_a, household=household, facts=facts)
    assert refused.value.field == "id_number"
    assert "王五" in refused.value.message
    assert "check digit" in refused.value.message


@pytest.mark.parametrize("bad", ["53290119800517", "5329011980051700AX", "532901198013170011"])
def test_it_refuses_numbers_of_the_wrong_shape_or_date(caseworker_a, bad):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed) as refused:
        services.person_add(
            actor=caseworker_a,
            household=household,
            facts=person_facts("王五", Relation.CHILD, id_number=bad),
        )
    assert refused.value.field == "id_number"


def test_it_refuses_a_birth_date_that_disagrees_with_the_number(caseworker_a):
    household = make_household(caseworker_a)
    facts = person_facts("王五", Relation.CHILD, birth=date(2001, 2, 3))
    facts.birth_date = date(2001, 2, 4)
    with pytest.raises(ValidationFailed) as refused:
        services.person_add(actor=caseworker_a, household=household, facts=facts)
    assert refused.value.field == "birth_date"
    assert "2001-02-03" in refused.value.message


def test_it_refuses_a_sex_that_disagrees_with_the_number(caseworker_a):
    household = make_household(caseworker_a)
    facts = person_facts("王五", Relation.CHILD, sex="F")
    facts.sex = "M"
    with pytest.raises(ValidationFailed) as refused:
        services.person_add(actor=caseworker_a, household=household, facts=facts)
    assert refused.value.field == "sex"


def test_it_takes_birth_date_and_sex_from_the_number_when_left_empty(caseworker_a):
    household = make_household(caseworker_a)
    facts = person_facts("王小花", Relation.CHILD, birth=date(2010, 7, 1), sex="F")
    assert facts.sex == "" and facts.birth_date is None
    person = services.person_add(actor=caseworker_a, household=household, facts=facts)
    assert person.sex == "F"
    assert person.birth_date >= date(2010, 7, 1)  # the factory shifts days to stay unique
    assert person.birth_date.isoformat().replace("-", "") == person.id_number[6:14]


def test_a_lower_case_x_and_spaces_are_the_same_number(caseworker_a):
    household = make_household(caseworker_a)
    number = make_id()
    while not number.endswith("X"):  # about one number in eleven
        number = make_id()
    typed = f" {number[:6]} {number[6:14]} {number[14:].lower()} "
    person = services.person_add(
        actor=caseworker_a,
        household=household,
        facts=person_facts("王五", Relation.CHILD, id_number=typed),
    )
    assert person.id_number == number


def test_a_duplicate_in_my_jurisdiction_names_the_existing_household(caseworker_a):
    first = make_household(caseworker_a)
    existing = Person.objects.get(household=first, relation=Relation.HEAD)
    second = make_household(caseworker_a, head="赵六")
    facts = person_facts("张三", Relation.SPOUSE, id_number=existing.id_number)
    with pytest.raises(Conflict) as refused:
        services.person_add(actor=caseworker_a, household=second, facts=facts)
    assert refused.value.field == "id_number"
    assert first.household_no in refused.value.message
    assert existing.id_number not in refused.value.message  # masked


def test_a_duplicate_outside_my_jurisdiction_says_only_that_it_exists(caseworker_a, caseworker_b):
    theirs = make_household(caseworker_b, VILLAGE_B, head="远方的人")
    existing = Person.objects.get(household=theirs, relation=Relation.HEAD)
    mine = make_household(caseworker_a)
    facts = person_facts("张三", Relation.CHILD, id_number=existing.id_number)
    with pytest.raises(Conflict) as refused:
        services.person_add(actor=caseworker_a, household=mine, facts=facts)
    message = refused.value.message
    assert "outside your jurisdiction" in message
    assert theirs.household_no not in message
    assert "远方的人" not in message


def test_the_same_number_twice_in_one_new_household_is_refused(caseworker_a):
    head = person_facts("张三", Relation.HEAD)
    twin = person_facts("张四", Relation.SIBLING, id_number=head.id_number)
    with pytest.raises(ValidationFailed, match="张三 and 张四"):
        services.household_create(actor=caseworker_a, facts=household_facts(), members=[head, twin])
    assert not Person.objects.exists()


def test_an_edit_keeping_its_own_number_is_not_a_duplicate(caseworker_a):
    household = make_household(caseworker_a)
    head = Person.objects.get(household=household, relation=Relation.HEAD)
    facts = person_facts("张三丰", Relation.HEAD, id_number=head.id_number)
    services.person_update(actor=caseworker_a, person=head, facts=facts)
    head.refresh_from_db()
    assert head.name == "张三丰"
