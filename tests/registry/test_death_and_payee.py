"""A death: no longer payee, no new application, and the household keeps a living head."""

from datetime import date

import pytest
from django.utils import timezone, translation

from huimin.core.errors import Conflict, ValidationFailed
from huimin.registry import services
from huimin.registry.models import Relation
from tests.registry.factories import make_household, member


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; test_pages checks the Chinese ones."""
    with translation.override("en"):
        yield


def test_a_dead_person_cannot_be_made_payee(caseworker_a):
    household = make_household(caseworker_a)
    spouse = member(household, "李梅")
    services.person_record_death(actor=caseworker_a, person=spouse, death_date=date(2025, 3, 1))
    with pytest.raises(ValidationFailed) as refused:
        services.household_set_payee(actor=caseworker_a, household=household, payee=spouse)
    assert refused.value.field == "payee"
    assert "李梅" in refused.value.message and "2025-03-01" in refused.value.message


def test_the_payee_can_be_another_living_member(caseworker_a):
    household = make_household(caseworker_a)
    services.household_set_payee(
        actor=caseworker_a,
        household=household,
        payee=member(household, "李梅"),
        expected_version=household.version,
    )
    household.refresh_from_db()
    assert household.payee.name == "李梅"


def test_a_dead_payee_stops_being_payee(caseworker_a):
    household = make_household(caseworker_a, others=(("李梅", Relation.SPOUSE),))
    services.household_set_payee(
        actor=caseworker_a, household=household, payee=member(household, "李梅")
    )
    services.person_record_death(
        actor=caseworker_a, person=member(household, "李梅"), death_date=date(2025, 3, 1)
    )
    household.refresh_from_db()
    assert household.payee is None


def test_a_dead_person_cannot_join_a_new_application(caseworker_a):
    household = make_household(caseworker_a)
    spouse = member(household, "李梅")
    services.person_assert_alive_for_application(spouse)
    services.person_record_death(actor=caseworker_a, person=spouse, death_date=date(2025, 3, 1))
    with pytest.raises(ValidationFailed, match="cannot be part of a new application"):
        services.person_assert_alive_for_application(member(household, "李梅"))


def test_a_dead_head_hands_the_household_to_a_living_member(caseworker_a):
    household = make_household(caseworker_a)
    head = member(household, "张三")
    with pytest.raises(ValidationFailed) as refused:
        services.person_record_death(actor=caseworker_a, person=head, death_date=date(2025, 3, 1))
    assert refused.value.field == "new_head"
    services.person_record_death(
        actor=caseworker_a,
        person=head,
        death_date=date(2025, 3, 1),
        new_head=member(household, "李梅"),
    )
    assert member(household, "李梅").relation == Relation.HEAD
    assert member(household, "张三").is_dead
    assert (
        member(household, "张三").memberships.get().valid_to == timezone.localdate()
    )  # joined today


def test_the_last_member_may_die_without_a_new_head(caseworker_a):
    household = make_household(caseworker_a, others=())
    services.person_record_death(
        actor=caseworker_a, person=member(household, "张三"), death_date=date(2025, 3, 1)
    )
    assert member(household, "张三").is_dead


def test_a_death_is_recorded_once_and_not_in_the_future(caseworker_a):
    household = make_household(caseworker_a)
    spouse = member(household, "李梅")
    with pytest.raises(ValidationFailed, match="future"):
        services.person_record_death(actor=caseworker_a, person=spouse, death_date=date(2999, 1, 1))
    services.person_record_death(actor=caseworker_a, person=spouse, death_date=date(2025, 3, 1))
    with pytest.raises(Conflict, match="already recorded"):
        services.person_record_death(
            actor=caseworker_a, person=member(household, "李梅"), death_date=date(2025, 3, 2)
        )
