"""Search by identity number, household number, name and village, always within jurisdiction."""

import pytest
from django.utils import translation

from huimin.core.errors import ValidationFailed
from huimin.registry import queries
from huimin.registry.models import Relation
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household, member


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; test_pages checks the Chinese ones."""
    with translation.override("en"):
        yield


VILLAGE_A2 = "532901101201"


def names(user, q="", village="", contains=False):
    search = queries.search_parse(q, village=village, contains=contains)
    return [p.name for p in queries.person_search(user, search)]


@pytest.fixture
def families(caseworker_a, caseworker_b):
    return {
        "zhang": make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),)),
        "wang": make_household(caseworker_a, VILLAGE_A2, head="王张氏", others=()),
        "far": make_household(caseworker_b, VILLAGE_B, head="张远", others=()),
    }


def test_it_finds_by_exact_identity_number(caseworker_a, families):
    number = member(families["zhang"], "李梅").id_number
    assert names(caseworker_a, number) == ["李梅"]
    assert names(caseworker_a, number.lower().replace("x", "x")) == ["李梅"]


def test_an_identity_number_outside_my_jurisdiction_finds_nothing(caseworker_a, families):
    assert names(caseworker_a, member(families["far"], "张远").id_number) == []


def test_a_mistyped_identity_number_is_explained(caseworker_a, families):
    number = member(families["zhang"], "李梅").id_number
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValidationFailed, match="check digit"):
        queries.search_parse(wrong)


def test_it_finds_by_household_number(caseworker_a, families):
    assert sorted(names(caseworker_a, families["zhang"].household_no)) == ["张三", "李梅"]
    assert names(caseworker_a, families["far"].household_no) == []


def test_it_finds_by_name_prefix_within_jurisdiction(caseworker_a, families):
    assert names(caseworker_a, "张") == ["张三"]
    assert names(caseworker_a, "张三") == ["张三"]


def test_any_part_of_a_name_needs_a_township_or_village(caseworker_a, families):
    with pytest.raises(ValidationFailed) as refused:
        names(caseworker_a, "张", contains=True)
    assert refused.value.field == "village"
    assert names(caseworker_a, "张", village=VILLAGE_A2, contains=True) == ["王张氏"]


def test_it_lists_a_village(caseworker_a, families):
    assert names(caseworker_a, village=VILLAGE_A2) == ["王张氏"]
    assert names(caseworker_a, village=VILLAGE_B) == []


def test_an_empty_search_finds_nothing(caseworker_a, families):
    assert names(caseworker_a) == []


def test_households_are_found_by_a_member(caseworker_a, families):
    search = queries.search_parse("李")
    found = list(queries.household_search(caseworker_a, search))
    assert found == [families["zhang"]]


def test_pages_fetch_one_more_row_instead_of_counting(
    caseworker_a, families, django_assert_num_queries
):
    search = queries.search_parse("", village="532901")
    people = queries.person_search(caseworker_a, search)
    with django_assert_num_queries(1):
        first = queries.page_of(people, 1, size=2)
    assert len(first.items) == 2 and first.has_next and not first.has_previous
    second = queries.page_of(people, "2", size=2)
    assert len(second.items) == 1 and not second.has_next
    assert queries.page_of(people, "nonsense", size=2).number == 1
