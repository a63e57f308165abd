"""The chain is keyed and anchored: truncation and re-hashing are found, not just edits."""

import hashlib
import json
import stat

import pytest
from django.db import DatabaseError, connection, transaction

from huimin.core.audit import (
    audit_record,
    audit_verify,
    checkpoint_path,
    checkpoint_read,
    event_content,
)
from huimin.core.models import AuditEvent, AuditHead
from tests.conftest import requires_postgres
from tests.postgres_roles import APP_ROLE, as_owner


def record(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=None, action="test.event", object_id=i, changes={"i": i})


def tamper(sql: str, params: list | None = None) -> None:
    """Change the tables behind the system's back, as the owner of the database could."""
    with as_owner(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # triggers off
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_it_notices_the_newest_events_deleted(db):
    record(5)
    tamper("DELETE FROM core_auditevent WHERE seq >= 4")
    report = audit_verify()
    assert report.first_broken_seq == 4
    assert "missing" in report.problem and "#5" in report.problem


def test_the_next_event_cites_the_head_so_a_gap_stays_visible(db):
    record(5)
    tamper("DELETE FROM core_auditevent WHERE seq = 5")
    record(1)
    assert AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0] == 6
    report = audit_verify()
    assert report.first_broken_seq == 5
    assert "missing" in report.problem


def test_it_notices_all_events_deleted(db):
    record(3)
    tamper("DELETE FROM core_auditevent")
    report = audit_verify()
    assert not report.intact
    assert report.first_broken_seq == 1


def test_it_notices_events_and_head_deleted_through_the_checkpoint_file(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(3)
    assert checkpoint_read().seq == 3  # type: ignore[union-attr]
    tamper("DELETE FROM core_auditevent")
    tamper("DELETE FROM core_audithead")
    report = audit_verify()
    assert not report.intact
    assert "checkpoint" in report.problem and "#3" in report.problem


def test_it_notices_the_head_moved_back_to_hide_a_deletion(db):
    record(5)
    third = AuditEvent.objects.get(seq=3)
    tamper("DELETE FROM core_auditevent WHERE seq >= 4")
    tamper("UPDATE core_audithead SET seq = 3, hash = %s", [third.hash])
    report = audit_verify()
    assert not report.intact
    assert "head was altered" in report.problem


def test_it_notices_a_chain_re_hashed_after_an_edit(db):
    """Someone who knows the formula but not the key edits #3 and re-links everything after it."""
    record(5)
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[1].hash
    for event in events[2:]:
        if event.seq == 3:
            event.changes = {"i": 99}
        event.prev_hash = prev
        event.hash = prev = hashlib.sha256((prev + event_content(event)).encode()).hexdigest()
        tamper(
            "UPDATE core_auditevent SET changes = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [json.dumps(event.changes), event.prev_hash, event.hash, event.seq],
        )
    tamper("UPDATE core_audithead SET hash = %s", [prev])
    report = audit_verify()
    assert report.first_broken_seq == 3
    assert "altered" in report.problem


def test_the_checkpoint_file_is_private_and_signed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(2)
    path = checkpoint_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert audit_verify().intact
    forged = json.loads(path.read_text())
    forged["seq"] = 1
    path.write_text(json.dumps(forged))
    report = audit_verify()
    assert not report.intact
    assert "signature" in report.problem


def test_the_checkpoint_never_moves_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(3)
    tamper("UPDATE core_audithead SET seq = 1")
    from huimin.core.audit import checkpoint_write

    checkpoint_write()
    assert checkpoint_read().seq == 3  # type: ignore[union-attr]


@requires_postgres
def test_postgresql_refuses_truncate(db):
    record(1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE fails for another reason
    for table in ("core_auditevent", "core_audithead"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
        # Even the owner, who may TRUNCATE, is refused by the trigger.
        with (
            as_owner(),
            pytest.raises(DatabaseError, match="cannot be changed or deleted"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table}")
    assert AuditHead.objects.count() == 1
    assert AuditEvent.objects.count() == 1


@requires_postgres
@pytest.mark.skipif(not APP_ROLE, reason="needs HUIMIN_DB_APP_ROLE (bin/run-tests sets it)")
def test_the_application_role_does_not_own_the_audit_and_may_only_append(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, tableowner FROM pg_tables WHERE tablename = %s",
            ["core_auditevent"],
        )
        user, owner = cursor.fetchone()
        assert user == APP_ROLE and owner != APP_ROLE
        cursor.execute(
            "SELECT privilege, has_table_privilege(current_user, 'core_auditevent', privilege)"
            " FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS privilege"
        )
        assert dict(cursor.fetchall()) == {
            "SELECT": True,
            "INSERT": True,
            "UPDATE": False,
            "DELETE": False,
            "TRUNCATE": False,
        }


def test_the_command_names_a_forged_checkpoint(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with django_capture_on_commit_callbacks(execute=True):
        record(1)
    checkpoint_path().write_text('{"seq": 9, "hash": "x", "mac": "y"}')
    with pytest.raises(CommandError, match="BROKEN: the checkpoint file's signature"):
        call_command("audit", "verify")
