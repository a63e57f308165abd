"""Registry test data: valid identity numbers and households made through the services."""

import itertools
from datetime import date

from stdnum.cn import ric

from huimin.core.models import User
from huimin.registry import services
from huimin.registry.models import Household, Person, Relation, ResidenceType
from huimin.registry.validation import HouseholdFacts, PersonFacts
from tests.conftest import VILLAGE_A

_serial = itertools.count(1)


def make_id(birth: date = date(1980, 5, 17), sex: str = "M", area: str = "532901") -> str:
    """A fresh, valid identity number for exactly this birth date: odd sequence for a man, even for
    a woman. After 450 numbers the issuing county's code moves on (the birth date must not: a test
    compares it with the person's)."""
    n = next(_serial)
    sequence = (n % 450) * 2 + (1 if sex == "M" else 2)
    county = (int(area[4:6]) + n // 450) % 100
    body = f"{area[:4]}{county:02d}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


def person_facts(
    name: str = "张三",
    relation: str = Relation.HEAD,
    birth: date = date(1980, 5, 17),
    sex: str = "M",
    **overrides: object,
) -> PersonFacts:
    facts = PersonFacts(name=name, id_number=make_id(birth, sex), relation=relation)
    for key, value in overrides.items():
        setattr(facts, key, value)
    return facts


def household_facts(village: str = VILLAGE_A, **overrides: object) -> HouseholdFacts:
    facts = HouseholdFacts(
        region_code=village,
        address="下关镇文化路12号",
        residence_type=ResidenceType.RURAL,
        bank_name="农村信用社",
        bank_account="6217000010001234569",
        phone="13912345678",
    )
    for key, value in overrides.items():
        setattr(facts, key, value)
    return facts


def make_household(
    actor: User,
    village: str = VILLAGE_A,
    head: str = "张三",
    others: tuple[tuple[str, str], ...] = (("李梅", Relation.SPOUSE),),
    **household: object,
) -> Household:
    members = [person_facts(head, Relation.HEAD)]
    for index, (name, relation) in enumerate(others):
        sex = "F" if index % 2 == 0 else "M"
        members.append(person_facts(name, relation, date(1982 + index, 3, 9), sex))
    return services.household_create(
        actor=actor, facts=household_facts(village, **household), members=members
    )


def member(household: Household, name: str) -> Person:
    return Person.objects.get(household=household, name=name)
