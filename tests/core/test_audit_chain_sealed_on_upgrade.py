"""Upgrading to the keyed chain re-seals an intact unkeyed chain and refuses a broken one."""

import hashlib
import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps as live_apps
from django.db import connection

from huimin.core.audit import GENESIS_HASH, audit_verify, event_content
from huimin.core.models import AuditEvent, AuditHead

seal = importlib.import_module("huimin.core.migrations.0003_keyed_anchored_audit_chain")


class _Editor:
    connection = connection

    def execute(self, sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _unkeyed_chain(n: int) -> None:
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        event = AuditEvent(
            seq=seq,
            created_at=datetime(2026, 1, seq, tzinfo=UTC),
            actor_name="system",
            action="test.event",
            changes={"seq": seq},
            prev_hash=prev,
        )
        event.hash = prev = hashlib.sha256((prev + event_content(event)).encode()).hexdigest()
        event.save(force_insert=True)


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger forbids the set-up")
def test_an_intact_unkeyed_chain_is_re_sealed_under_the_key(db):
    _unkeyed_chain(3)
    assert not audit_verify().intact  # the old hashes are not HMACs
    seal.seal_existing_chain(live_apps, _Editor())
    assert AuditHead.objects.get().seq == 3
    report = audit_verify()
    assert report.intact and report.events_checked == 3


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger forbids the set-up")
def test_a_broken_unkeyed_chain_is_not_laundered(db):
    _unkeyed_chain(3)
    AuditEvent.objects.filter(seq=2).update(action="edited")
    with pytest.raises(RuntimeError, match="broken at event #2"):
        seal.seal_existing_chain(live_apps, _Editor())
