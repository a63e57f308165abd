"""The database itself refuses an asset that ends before it begins and a second living head."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from huimin.core.errors import ValidationFailed
from huimin.registry import services
from huimin.registry.models import Asset, AssetKind, Membership, Relation
from tests.registry.factories import make_household, member, person_facts


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_it_refuses_an_asset_that_ends_before_it_begins(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Asset.objects.create(
            household=household,
            kind=AssetKind.DEPOSIT,
            value_fen=100,
            valid_from=date(2025, 5, 1),
            valid_to=date(2025, 4, 30),
        )


def test_it_refuses_a_second_open_head_membership(caseworker_a):
    household = make_household(caseworker_a)
    spouse = member(household, "李梅")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(person=spouse, valid_to__isnull=True).update(
            relation=Relation.HEAD
        )


def test_a_second_head_through_the_services_gets_a_message_not_a_database_error(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed, match="only one head"):
        services.person_add(
            actor=caseworker_a, household=household, facts=person_facts("王五", Relation.HEAD)
        )
    with pytest.raises(ValidationFailed, match="only one head"):
        services.person_update(
            actor=caseworker_a,
            person=member(household, "李梅"),
            facts=person_facts(
                "李梅", Relation.HEAD, id_number=member(household, "李梅").id_number
            ),
        )


def test_a_dead_head_hands_over_without_two_open_heads(caseworker_a):
    household = make_household(caseworker_a)
    head, spouse = member(household, "张三"), member(household, "李梅")
    services.person_record_death(
        actor=caseworker_a, person=head, death_date=date(2025, 3, 1), new_head=spouse
    )
    heads = Membership.objects.filter(household=household, relation="head", valid_to__isnull=True)
    assert [m.person_id for m in heads] == [spouse.pk]
