"""The audit chain: every change and every reveal of personal data, hash-linked.

Each event's hash covers the previous event's hash and this event's content, so altering or
removing any row breaks every link after it; `huimin audit verify` finds the first broken one.
Events are written inside the caller's transaction, so a change and its audit row commit or roll
back together.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from huimin.core.models import AuditEvent, User

GENESIS_HASH = "0" * 64
REDACTED = "<redacted>"
# Any constant works; it names the one lock every audit writer on PostgreSQL queues for.
_CHAIN_LOCK_ID = 0x4855494D494E  # "HUIMIN"


def audit_record(
    *,
    actor: User | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    region_code: str = "",
    changes: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    event = AuditEvent(
        seq=(last["seq"] + 1) if last else 1,
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None and actor.pk else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region_code,
        changes=dict(changes or {}),
        remote_addr=_remote_addr(request),
        prev_hash=last["hash"] if last else GENESIS_HASH,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    return event


def audit_record_many(
    *, actor: User | None, events: Iterable[Mapping[str, Any]], batch_size: int = 1000
) -> int:
    """Append many events at once (a bulk import): the same chain as one `audit_record` each.

    Each mapping holds `action`, `object_type`, `object_id`, `region_code` and `changes`. The chain
    is locked once; every event links to the one before it and is hashed by `event_hash`.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of its changes")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    seq, prev = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
    known = actor is not None and actor.pk
    rows: list[AuditEvent] = []
    now = timezone.now()
    for given in events:
        seq += 1
        event = AuditEvent(
            seq=seq,
            created_at=now,
            actor=actor if known else None,
            actor_name=actor.get_username() if known and actor is not None else "system",
            action=given["action"],
            object_type=given.get("object_type", ""),
            object_id=str(given.get("object_id", "")),
            region_code=given.get("region_code", ""),
            changes=dict(given.get("changes") or {}),
            remote_addr="",
            prev_hash=prev,
        )
        event.hash = prev = event_hash(event)
        rows.append(event)
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _lock_chain() -> None:
    # Two writers that both read the same last event would fork the chain. SQLite transactions
    # here begin IMMEDIATE and so already hold the only write lock; PostgreSQL needs one.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def _remote_addr(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def event_hash(event: AuditEvent) -> str:
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
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()


def field_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, personal: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that differ; personal data is recorded only as changed."""
    personal = set(personal)
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in personal:
            changes[name] = [REDACTED, REDACTED]
        else:
            changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    first_broken_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def audit_verify(
    *, chunk_size: int = 5000, on_progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Recompute the chain from the first event; name the first event that does not fit."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    with transaction.atomic():
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
            problem = _problem_with(event, expected_seq, expected_prev)
            if problem:
                return ChainReport(checked, first_broken_seq=expected_seq, problem=problem)
            checked += 1
            expected_seq, expected_prev = event.seq + 1, event.hash
            if on_progress is not None and checked % chunk_size == 0:
                on_progress(checked)
    return ChainReport(checked)


def _problem_with(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    if event.seq != expected_seq:
        return f"event #{expected_seq} is missing (the next event found is #{event.seq})"
    if event.prev_hash != expected_prev:
        return f"event #{event.seq} does not link to the event before it"
    if event_hash(event) != event.hash:
        return f"event #{event.seq} was altered after it was written"
    return ""
