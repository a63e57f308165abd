"""On PostgreSQL each search key is answered through an index, never a full scan.

With a handful of rows the planner would rightly prefer a sequential scan, so the test turns
sequential scans off for its transaction: the plan then shows whether an index *can* serve the
query, which is what matters on ten million rows.

Which index the planner picks among those that can serve still depends on the statistics it holds,
and those would otherwise be whatever earlier tests (or autovacuum after them) left behind. So each
test makes its own population, in which the searched key is rare, and ANALYZEs the registry tables
inside its own transaction (the statistics are rolled back with it): the plan is the same whatever
ran before.
"""

import pytest
from django.db import connection

from huimin.registry import queries
from huimin.registry.models import Relation
from tests import postgres_roles
from tests.conftest import requires_postgres
from tests.registry.factories import make_household, member

pytestmark = [requires_postgres, pytest.mark.postgres]


def indexes_on(table: str, column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, f"%({column}%"],
        )
        return {row[0] for row in cursor.fetchall()}


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


# Surnames other than the searched 张, so that a name starting with 张 is one person in many.
OTHER_SURNAMES = "王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑"


@pytest.fixture
def household(caseworker_a):
    searched = make_household(caseworker_a)
    for surname in OTHER_SURNAMES:
        make_household(
            caseworker_a, head=f"{surname}大山", others=((f"{surname}小梅", Relation.SPOUSE),)
        )
    assert connection.in_atomic_block, "ANALYZE must run inside the test's transaction"
    # As the owner: the application's role may not ANALYZE (PostgreSQL skips it with a warning),
    # and the plan would then follow whatever statistics earlier tests left.
    with postgres_roles.as_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person, registry_household")
    return searched


def test_name_prefix_uses_the_name_index(caseworker_a, household):
    text = plan(queries.person_search(caseworker_a, queries.search_parse("张")))
    assert "person_name_idx" in text, text
    assert "Seq Scan" not in text


def test_identity_number_uses_its_blind_index(caseworker_a, household):
    number = member(household, "张三").id_number
    text = plan(queries.person_search(caseworker_a, queries.search_parse(number)))
    assert any(name in text for name in indexes_on("registry_person", "id_number_index")), text
    assert "Seq Scan" not in text


def test_household_number_uses_its_unique_index(caseworker_a, household):
    search = queries.search_parse(household.household_no)
    for queryset in (
        queries.person_search(caseworker_a, search),
        queries.household_search(caseworker_a, search),
    ):
        text = plan(queryset)
        assert any(name in text for name in indexes_on("registry_household", "household_no")), text
        assert "Seq Scan" not in text


def test_village_prefix_uses_the_region_index(caseworker_a, household):
    search = queries.search_parse("", village=household.region_code)
    text = plan(queries.household_search(caseworker_a, search))
    assert "household_region_idx" in text, text
    assert "Seq Scan" not in text


def test_the_masked_number_uses_its_keyed_hash_index(caseworker_a, household):
    from huimin.core.pii import mask

    number = member(household, "张三").id_number
    # With a village (not a name, whose own index could serve as well), only the keyed hash can.
    search = queries.search_parse(mask(number), village=household.region_code)
    text = plan(queries.household_search(caseworker_a, search))
    assert "person_id_ends_idx" in text, text
