"""`audit verify` reads in short batches outside any transaction, so writers carry on meanwhile."""

import pytest
from django.db import connection, transaction

from huimin.core.audit import audit_record, audit_verify


def record(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="test.event", object_id=i)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_between_its_reads_and_writers_may_append():
    record(7)
    seen: list[bool] = []

    def between_batches(done: int) -> None:
        # On SQLite an open transaction here would hold the one write lock for the whole run.
        seen.append(connection.in_atomic_block)
        record(1)  # a writer appends while the check runs

    report = audit_verify(chunk_size=2, on_progress=between_batches)
    assert seen and not any(seen)
    assert report.intact
    assert report.events_checked == 7  # those written meanwhile are for the next run
    assert audit_verify().events_checked == 7 + len(seen)
