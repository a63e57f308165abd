"""A large load into an empty registry rebuilds indexes and foreign keys, and still checks them all."""

from contextlib import contextmanager

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction

from huimin.core.pii import blind_index, blind_index_many, decrypt, encrypt_many
from huimin.registry import synthetic
from huimin.registry.bulk import initial_load, loader
from huimin.registry.bulk.population import frames_from_synthetic
from huimin.registry.models import Household, IncomeRecord, Person
from tests.conftest import requires_postgres
from tests.postgres_roles import APP_ROLE, as_owner

PERSONS = 40


@pytest.fixture
def every_load_is_large(monkeypatch, regions):
    monkeypatch.setattr(initial_load, "MIN_ROWS", 0)
    with as_owner():  # the rebuild changes the tables' definitions: the owner's right
        yield


@pytest.fixture
def taken(monkeypatch) -> list[bool]:
    """Whether each write_new took the initial-load path."""
    seen: list[bool] = []
    real = initial_load.rebuilding_indexes

    @contextmanager
    def spy(tables, *, rows):  # type: ignore[no-untyped-def]
        with real(tables, rows=rows) as rebuilding:
            seen.append(rebuilding)
            yield rebuilding

    monkeypatch.setattr(loader, "rebuilding_indexes", spy)
    return seen


def catalog() -> tuple[list[tuple], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename LIKE 'registry%%' ORDER BY indexname"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
            "FROM pg_constraint WHERE conrelid::regclass::text LIKE 'registry%%' ORDER BY conname"
        )
        return indexes, cursor.fetchall()


def frames(regions) -> tuple[loader.RegistryFrames, synthetic.Synthetic]:  # type: ignore[no-untyped-def]
    villages = sorted(code for code, r in regions.items() if r.level == "village")
    population = synthetic.generate(villages, persons=PERSONS, seed=3)
    return frames_from_synthetic(population), population


def write(built: loader.RegistryFrames, population: synthetic.Synthetic) -> None:
    with transaction.atomic():
        loader.write_new(built, actor=None, as_of=population.as_of, reason="generate")


@requires_postgres
def test_it_rebuilds_the_same_indexes_and_constraints(regions, every_load_is_large, taken):
    before = catalog()
    write(*frames(regions))
    assert taken == [True]
    assert catalog() == before
    assert Person.objects.count() == PERSONS
    # The rebuilt unique index and foreign keys are live again for later writes.
    person = Person.objects.first()
    assert person is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            household_id=person.household_id,
            name="duplicate",
            id_number=person.id_number,
            sex=person.sex,
            birth_date=person.birth_date,
            relation="other",
        )


@requires_postgres
def test_a_duplicate_identity_still_fails_the_whole_load(regions, every_load_is_large, taken):
    before = catalog()
    built, population = frames(regions)
    ids = built.persons["id_number"]
    built.persons = built.persons.with_columns(id_number=ids.scatter(1, ids[0]))
    with pytest.raises(IntegrityError):
        write(built, population)
    assert taken == [True]
    assert catalog() == before
    assert not Person.objects.exists()


@requires_postgres
def test_a_dangling_reference_still_fails_the_whole_load(regions, every_load_is_large, taken):
    before = catalog()
    built, population = frames(regions)
    # An income of a person that does not exist: only the re-added foreign key can notice.
    built.incomes = built.incomes.with_columns(
        person_pos=pl.lit(None, dtype=pl.Int64), person_id=pl.lit(10**9, dtype=pl.Int64)
    )
    with pytest.raises(IntegrityError):
        write(built, population)
    assert taken == [True]
    assert catalog() == before
    assert not IncomeRecord.objects.exists()


@requires_postgres
def test_a_registry_with_households_keeps_its_indexes(regions, every_load_is_large, taken):
    built, population = frames(regions)
    write(built, population)
    before = catalog()
    other = synthetic.generate(
        sorted(code for code, r in regions.items() if r.level == "village"),
        persons=20,
        seed=4,
    )
    second = frames_from_synthetic(other)
    second.households = second.households.with_columns(
        household_no=pl.lit("X") + pl.col("household_no").str.slice(1)
    )
    write(second, other)
    assert taken == [True, False]
    assert catalog() == before
    assert Household.objects.count() == population.households.height + other.households.height


def test_small_loads_keep_their_indexes(regions, taken):
    write(*frames(regions))
    assert taken == [False]


def test_the_batch_functions_match_the_single_ones(settings):
    values = ["53292719900101123X", "", "6222 0210 0112 3456 789", "13912345678"]
    sealed = encrypt_many(values)
    assert sealed[1] == ""
    assert [decrypt(s) if s else "" for s in sealed] == values
    assert len({s for s in sealed if s}) == 3  # a fresh nonce for each value
    assert blind_index_many(values) == [blind_index(v) if v else "" for v in values]


@requires_postgres
@pytest.mark.skipif(not APP_ROLE, reason="needs HUIMIN_DB_APP_ROLE (bin/run-tests sets it)")
def test_the_application_role_loads_without_rebuilding(regions, monkeypatch, taken):
    monkeypatch.setattr(initial_load, "MIN_ROWS", 0)
    write(*frames(regions))
    assert taken == [False]
    assert Person.objects.count() == PERSONS
