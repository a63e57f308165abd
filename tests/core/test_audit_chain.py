import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from huimin.core.audit import REDACTED, audit_record, audit_verify, field_changes
from huimin.core.models import AuditEvent
from tests.conftest import requires_postgres
from tests.postgres_roles import as_owner


def record(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="test.event",
                object_type="thing",
                object_id=i,
                region_code="532901",
                changes={"i": i, "name": "张三"},
            )


def test_it_chains_each_event_to_the_one_before(db):
    record(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    report = audit_verify()
    assert report.intact and report.events_checked == 3


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_write_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, action="test.event")


def test_it_rolls_back_with_the_change_it_records(db):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=None, action="test.event")
        _ = 1 / 0
    assert AuditEvent.objects.count() == 0


def _without_trigger(sql: str, params: list) -> None:
    """Tamper behind the system's back, as someone with the owner's database access would."""
    with as_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_it_names_the_first_altered_event(db):
    record(5)
    _without_trigger("UPDATE core_auditevent SET changes = %s WHERE seq = 3", ['{"i": 99}'])
    report = audit_verify()
    assert report.first_broken_seq == 3
    assert "altered" in report.problem
    with pytest.raises(CommandError, match="#3"):
        call_command("audit", "verify")


def test_it_names_a_removed_event(db):
    record(5)
    _without_trigger("DELETE FROM core_auditevent WHERE seq = 2", [])
    report = audit_verify()
    assert report.first_broken_seq == 2
    assert "missing" in report.problem


def test_the_command_reports_an_intact_chain(db, capsys):
    record(2)
    call_command("audit", "verify")
    assert "intact: 2 events" in capsys.readouterr().out


def test_personal_data_is_recorded_only_as_changed():
    changes = field_changes(
        {"name": "张三", "id_number": "532901199001011234"},
        {"name": "张四", "id_number": "532901199001015678"},
        personal={"id_number"},
    )
    assert changes == {"name": ["张三", "张四"], "id_number": [REDACTED, REDACTED]}


@requires_postgres
def test_postgresql_refuses_update_and_delete(db):
    record(1)
    from django.db import DatabaseError

    for sql in ("UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"):
        # The application's role is not granted it; the owner is refused by the trigger.
        with pytest.raises(DatabaseError, match="permission denied|cannot be changed or deleted"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        with as_owner(), pytest.raises(DatabaseError, match="cannot be changed or deleted"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    writers, per_writer = 6, 15
    errors: list[BaseException] = []

    def write() -> None:
        try:
            record(per_writer)
        except BaseException as error:  # noqa: BLE001 - collected and re-raised by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = audit_verify()
    assert report.intact, report.problem
    assert report.events_checked == writers * per_writer
