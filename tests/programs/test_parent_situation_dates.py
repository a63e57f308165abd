import datetime as dt

import pytest
from django.utils import translation

from huimin.core.errors import ValidationFailed
from huimin.programs.evaluation import household_explain
from huimin.registry.models import Household, Person
from huimin.registry.validation import PersonFacts, check_person
from tests.conftest import VILLAGE_A

PERIOD = "2026-11"


def child_with_father_in_rehabilitation(since: dt.date) -> Household:
    household = Household.objects.create(
        household_no="H-31", region_code=VILLAGE_A, address="测试地址", residence_type="rural"
    )
    Person.objects.create(
        household=household,
        name="奶奶",
        id_number="532901195001010029",
        sex="F",
        birth_date=dt.date(1950, 1, 1),
        relation="head",
    )
    Person.objects.create(
        household=household,
        name="孙子",
        id_number="532901201601010012",
        sex="M",
        birth_date=dt.date(2016, 1, 1),
        relation="grandchild",
        father_status="drug_rehabilitation",
        father_status_since=since,
        mother_status="dead",
    )
    return household


@pytest.mark.parametrize(
    ("since", "eligible"), [(dt.date(2026, 8, 1), False), (dt.date(2026, 1, 1), True)]
)
def test_rehabilitation_counts_for_a_child_without_support_after_six_months(
    regions, since, eligible
):
    household = child_with_father_in_rehabilitation(since)
    explanation = household_explain(household=household, period=PERIOD)
    entries = {e.person_id: e for e in explanation.programs["unsupported_child"]}
    child = entries[Person.objects.get(name="孙子").pk]
    assert child.eligible is eligible


def test_a_date_for_a_present_parent_or_in_the_future_is_refused():
    facts = PersonFacts(
        name="孙子",
        id_number="532901201601010012",
        relation="grandchild",
        father_status="present",
        father_status_since=dt.date(2026, 1, 1),
    )
    with pytest.raises(ValidationFailed) as present:
        check_person(facts, today=dt.date(2026, 11, 29))
    assert present.value.field == "father_status_since"
    facts.father_status, facts.father_status_since = "imprisoned", dt.date(2027, 1, 1)
    with pytest.raises(ValidationFailed, match="in the future"), translation.override("en"):
        check_person(facts, today=dt.date(2026, 11, 29))
