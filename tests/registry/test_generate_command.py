"""`huimin generate`: valid, deterministic data through the shared loader, on both databases."""

import io

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from stdnum.cn import ric

from huimin.core.models import AuditEvent
from huimin.registry.models import (
    Asset,
    Household,
    HouseholdSnapshot,
    IncomeRecord,
    Membership,
    Person,
)
from tests.conftest import requires_postgres

PERSONS = 600


def generate(*extra: str) -> str:
    out = io.StringIO()
    call_command("generate", "--region", "5329", "--persons", str(PERSONS), *extra, stdout=out)
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Person.objects.order_by("household__household_no", "birth_date", "name").values_list(
            "household__household_no", "name", "sex", "birth_date", "relation", "death_date"
        )
    )


def test_it_writes_a_valid_population(regions):
    generate("--seed", "7")
    assert Person.objects.count() == PERSONS
    households = Household.objects.count()
    assert households > PERSONS / 5
    # The dead are members no longer: their membership closed, as when a death is recorded.
    living = Person.objects.filter(death_date__isnull=True).count()
    assert Membership.objects.filter(valid_to__isnull=True).count() == living
    assert Membership.objects.count() == PERSONS
    assert HouseholdSnapshot.objects.count() == households
    assert IncomeRecord.objects.exists() and Asset.objects.exists()
    for person in Person.objects.all()[:200]:
        assert ric.is_valid(person.id_number)
        assert person.sex == ("M" if int(person.id_number[16]) % 2 else "F")
    # Every household has exactly one head and a living payee of its own.
    assert Person.objects.filter(relation="head").count() == households
    for household in Household.objects.select_related("payee")[:100]:
        assert household.payee.household_id == household.pk
        assert household.payee.death_date is None
    assert AuditEvent.objects.filter(action="registry.generate").count() == 1


def test_it_is_deterministic_for_a_seed(regions):
    generate("--seed", "11")
    first = fingerprint()
    assert first
    # Empty the registry (the foreign keys PROTECT, so children first) and generate again.
    HouseholdSnapshot.objects.all().delete()
    Household.objects.update(payee=None)
    Membership.objects.all().delete()
    IncomeRecord.objects.all().delete()
    Asset.objects.all().delete()
    Person.objects.all().delete()
    Household.objects.all().delete()
    generate("--seed", "11")
    assert fingerprint() == first


def test_if_empty_leaves_a_filled_registry_alone(regions):
    generate("--seed", "1")
    before = Person.objects.count()
    assert "nothing done" in generate("--seed", "2", "--if-empty")
    assert Person.objects.count() == before


def test_the_database_holds_no_clear_identity_or_account_numbers(regions):
    generate("--seed", "3")
    person = Person.objects.first()
    household = Household.objects.exclude(bank_account="").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
        cursor.execute(
            "SELECT bank_account, phone FROM registry_household WHERE id = %s", [household.pk]
        )
        account, phone = cursor.fetchone()
    assert person.id_number not in stored and stored.startswith("v1.")
    assert household.bank_account not in account and household.phone not in phone
    assert (
        Person.objects.filter(
            id_number_index=Person.objects.get(pk=person.pk).id_number_index
        ).count()
        == 1
    )


def test_it_writes_parquet_instead_of_the_database(regions, tmp_path):
    generate("--seed", "5", "--parquet", str(tmp_path))
    assert not Person.objects.exists()
    persons = pl.read_parquet(tmp_path / "persons.parquet")
    assert persons.height == PERSONS


@requires_postgres
def test_it_copies_into_postgresql(regions, django_assert_max_num_queries):
    # COPY per table, not an INSERT per row: the whole population takes a handful of statements.
    with django_assert_max_num_queries(40):
        generate("--seed", "9")
    assert Person.objects.count() == PERSONS
    assert Person.objects.filter(id_number_index="").count() == 0


def test_an_unknown_region_is_a_clear_error(regions):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no villages"):
        generate("--seed", "1", "--region", "11")
