"""An import touching more households than SQLite takes variables in one statement still works."""

import sqlite3

import pytest
from django.db import connection

from huimin.core.audit import audit_verify
from huimin.core.models import AuditEvent
from huimin.registry.bulk import batches
from huimin.registry.models import Household, HouseholdSnapshot, IncomeRecord
from huimin.registry.services import snapshots
from tests.registry.test_import_dry_run import (
    an_id,
    csv_file,
    head,
    in_english,  # noqa: F401 - autouse fixture
    run,
)

LIMIT = 120  # variables per statement, as an old SQLite build allows 999
HOUSEHOLDS = 150  # more than LIMIT


@pytest.fixture
def small_sqlite_limit(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the variable limit is SQLite's")
    connection.ensure_connection()
    raw = connection.connection
    before = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, LIMIT)
    # Django sizes its own bulk statements by this figure; the batches of the import are lower.
    monkeypatch.setattr(connection.features, "max_query_params", LIMIT)
    monkeypatch.setattr(batches, "LOOKUP_BATCH", 40)
    monkeypatch.setattr(snapshots, "SNAPSHOT_BATCH", 40)
    yield
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


def households(ids: list[str], address: str, wages: str) -> list[dict[str, str]]:
    return [
        head(f"HH-{n}", id_number=identity, address=address, income_wages=wages)
        for n, identity in enumerate(ids)
    ]


def test_it_creates_and_then_changes_more_households_than_the_limit(
    caseworker_a, tmp_path, small_sqlite_limit
):
    ids = [an_id() for _ in range(HOUSEHOLDS)]
    first = run(caseworker_a, csv_file(tmp_path, households(ids, "旧址", "1000"), "a.csv"), "all")
    assert first.written["households_created"] == HOUSEHOLDS
    second = run(caseworker_a, csv_file(tmp_path, households(ids, "新址", "1100"), "b.csv"), "all")
    assert second.counts["persons_known"] == HOUSEHOLDS
    assert second.written["households_changed"] == HOUSEHOLDS
    assert Household.objects.filter(address="新址").count() == HOUSEHOLDS
    assert IncomeRecord.objects.filter(valid_to__isnull=True, monthly_fen=110000).count() == (
        HOUSEHOLDS
    )
    assert HouseholdSnapshot.objects.filter(reason="import").count() == 2 * HOUSEHOLDS
    assert AuditEvent.objects.filter(action="household.import").count() == HOUSEHOLDS
    assert audit_verify().intact
