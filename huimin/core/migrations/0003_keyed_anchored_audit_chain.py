"""The audit chain becomes keyed (HMAC under HUIMIN_AUDIT_KEY) and anchored (a signed head row).

Events written before this migration were hashed without a key. They are checked under that old
formula first and, only if the chain is intact, re-sealed under the key; a chain that is already
broken stops the migration, since re-sealing it would launder the tampering.

On PostgreSQL, TRUNCATE of the events is refused by a statement trigger (UPDATE and DELETE already
are, by 0002), and the head row may be moved but not deleted or truncated.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
BATCH = 2000

FORBID = """
CREATE TRIGGER core_auditevent_no_truncate
    BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION huimin_audit_event_immutable();
CREATE TRIGGER core_audithead_kept
    BEFORE DELETE ON core_audithead
    FOR EACH ROW EXECUTE FUNCTION huimin_audit_event_immutable();
CREATE TRIGGER core_audithead_no_truncate
    BEFORE TRUNCATE ON core_audithead
    FOR EACH STATEMENT EXECUTE FUNCTION huimin_audit_event_immutable();
"""

ALLOW = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP TRIGGER IF EXISTS core_audithead_kept ON core_audithead;
DROP TRIGGER IF EXISTS core_audithead_no_truncate ON core_audithead;
"""


def _content(event) -> str:
    # Frozen copy of the content hashed by core/audit.py at the time of this migration.
    content = {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "region_code": event.region_code,
        "changes": event.changes,
        "remote_addr": event.remote_addr,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _keyed(key: bytes, prev: str, event) -> str:
    return hmac.new(key, (prev + _content(event)).encode(), hashlib.sha256).hexdigest()


def seal_existing_chain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    key = str(settings.HUIMIN_AUDIT_KEY).encode()
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres and AuditEvent.objects.exists():
        schema_editor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_immutable")
    old_prev, new_prev, seq = GENESIS_HASH, GENESIS_HASH, 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq")[:BATCH])
        if not batch:
            break
        for event in batch:
            unkeyed = hashlib.sha256((old_prev + _content(event)).encode()).hexdigest()
            if event.seq != seq + 1 or event.prev_hash != old_prev or event.hash != unkeyed:
                raise RuntimeError(
                    f"the audit chain is broken at event #{seq + 1}: it is not re-sealed under "
                    "HUIMIN_AUDIT_KEY; restore the audit table from a backup first"
                )
            old_prev = event.hash
            event.prev_hash = new_prev
            event.hash = new_prev = _keyed(key, new_prev, event)
            seq = event.seq
        AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
    if postgres and seq:
        schema_editor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_immutable")
    if seq:
        mac = hmac.new(key, f"huimin-audit-head:{seq}:{new_prev}".encode(), hashlib.sha256)
        AuditHead.objects.create(pk=1, seq=seq, hash=new_prev, mac=mac.hexdigest())


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_event_immutable")]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="audit_head_single_row"
                    )
                ],
            },
        ),
        # Forward only in substance: the unkeyed hashes are not kept, so going back leaves a
        # keyed chain that the old code would call broken.
        migrations.RunPython(seal_existing_chain, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(FORBID), _on_postgresql(ALLOW)),
    ]
