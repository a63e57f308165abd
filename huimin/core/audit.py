"""The audit chain: every change and every reveal of personal data, keyed, hash-linked, anchored.

Each event's hash is an HMAC, under HUIMIN_AUDIT_KEY, of the previous event's hash and this event's
content. The key is not in the database, so someone who can edit the table cannot re-hash the chain
after an edit: `huimin audit verify` finds the first event that does not fit.

Removing the newest events (or all of them) leaves a chain that links perfectly, so the head of the
chain is anchored twice outside the events themselves:
- the `AuditHead` row, signed with the key, which every new event must cite (its seq and hash are
  where the next event continues), so a shortened chain cannot be continued unnoticed;
- a checkpoint file under VAR_DIR (HUIMIN_AUDIT_CHECKPOINT), signed too, rewritten atomically after
  each commit that added events, so deleting the events and the head row together is detected.

Events are written inside the caller's transaction, so a change and its audit row commit or roll
back together. Every event carries the region it concerns; see `audit_record`.
"""

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from huimin.core.access import region_codes_of
from huimin.core.models import AuditEvent, AuditHead, User
from huimin.core.regions import common_ancestor

GENESIS_HASH = "0" * 64
REDACTED = "<redacted>"
# Any constant works; it names the one lock every audit writer on PostgreSQL queues for.
_CHAIN_LOCK_ID = 0x4855494D494E  # "HUIMIN"
_HEAD_ID = 1


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
    """Append one event to the chain. Must run inside the transaction of the change it records.

    `region_code` is the jurisdiction the event concerns (the rows' common prefix). A caller that
    gives none gets the actor's jurisdiction (the common prefix of the actor's regions), which is
    right for staff and system events; only a system event without an actor has region "", and
    those are shown to auditors at the top of the region tree.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    has_actor = actor is not None and actor.pk is not None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if has_actor else None,
        actor_name=actor.get_username() if actor is not None and has_actor else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region_code or (actor_region(actor) if actor is not None and has_actor else ""),
        changes=dict(changes or {}),
        remote_addr=_remote_addr(request),
    )
    _append([event])
    return event


def audit_record_many(
    *, actor: User | None, events: Iterable[Mapping[str, Any]], batch_size: int = 1000
) -> int:
    """Append many events at once (a bulk import): the same chain as one `audit_record` each.

    Each mapping holds `action`, `object_type`, `object_id`, `region_code` and `changes`. The chain
    is locked once and the head moves once, past the last of them.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of its changes")
    has_actor = actor is not None and actor.pk is not None
    fallback_region = actor_region(actor) if actor is not None and has_actor else ""
    now = timezone.now()
    rows = [
        AuditEvent(
            created_at=now,
            actor=actor if has_actor else None,
            actor_name=actor.get_username() if actor is not None and has_actor else "system",
            action=given["action"],
            object_type=given.get("object_type", ""),
            object_id=str(given.get("object_id", "")),
            region_code=given.get("region_code", "") or fallback_region,
            changes=dict(given.get("changes") or {}),
            remote_addr="",
        )
        for given in events
    ]
    if rows:
        _append(rows, batch_size=batch_size)
    return len(rows)


def _append(events: list[AuditEvent], *, batch_size: int | None = None) -> None:
    """Link the events after the head, save them, and move the head past them."""
    _lock_chain()
    head = AuditHead.objects.select_for_update().filter(pk=_HEAD_ID).first()
    seq, prev = (head.seq, head.hash) if head is not None else _head_from_events()
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_hash(event)
    AuditEvent.objects.bulk_create(events, batch_size=batch_size)
    if head is None:
        AuditHead.objects.create(pk=_HEAD_ID, seq=seq, hash=prev, mac=head_mac(seq, prev))
    else:
        head.seq, head.hash, head.mac = seq, prev, head_mac(seq, prev)
        head.save(update_fields=["seq", "hash", "mac"])
    # Once per transaction, however many events it writes. Robust: the change is committed by
    # then, and a checkpoint that could not be written is logged and caught up by the next one.
    if not any(pending[1] is checkpoint_write for pending in connection.run_on_commit):
        transaction.on_commit(checkpoint_write, robust=True)


def _head_from_events() -> tuple[int, str]:
    # Only before the first event (or on a chain that predates the head row).
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    return (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)


def _lock_chain() -> None:
    # Two writers that both read the same head would fork the chain. SQLite transactions here
    # begin IMMEDIATE and so already hold the only write lock; PostgreSQL needs one.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def _remote_addr(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def actor_region(actor: User) -> str:
    return common_ancestor(region_codes_of(actor))


def _key() -> bytes:
    return str(settings.HUIMIN_AUDIT_KEY).encode()


def event_hash(event: AuditEvent) -> str:
    message = (event.prev_hash + event_content(event)).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def event_content(event: AuditEvent) -> str:
    """The canonical text of what an event records, as it is hashed."""
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


def head_mac(seq: int, hash_: str) -> str:
    return hmac.new(_key(), f"huimin-audit-head:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()


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


# The checkpoint file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str


def checkpoint_path() -> Path:
    return Path(settings.HUIMIN_AUDIT_CHECKPOINT)


def checkpoint_read() -> Checkpoint | None:
    """The head last written to the file; None if there is none. A bad signature raises."""
    try:
        data = json.loads(checkpoint_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise CheckpointInvalid(f"the checkpoint file cannot be read: {error}") from error
    try:
        seq, hash_, mac = int(data["seq"]), str(data["hash"]), str(data["mac"])
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointInvalid("the checkpoint file is malformed") from error
    if not hmac.compare_digest(mac, head_mac(seq, hash_)):
        raise CheckpointInvalid("the checkpoint file's signature does not match")
    return Checkpoint(seq, hash_)


class CheckpointInvalid(Exception):
    pass


def checkpoint_write() -> None:
    """Copy the committed head to the checkpoint file; never moves it backwards.

    Runs after commit. Two processes may commit in one order and get here in the other, so the
    file is locked and only ever replaced by a later head. Written to a temporary file, flushed and
    renamed, so a crash leaves the old checkpoint or the new one, never half of one.
    """
    head = AuditHead.objects.filter(pk=_HEAD_ID).values("seq", "hash").first()
    if head is None:
        return
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = checkpoint_read()
        except CheckpointInvalid:
            return  # left for `audit verify` to report; rewriting it would hide the tampering
        if current is not None and current.seq >= head["seq"]:
            return
        body = json.dumps(
            {"seq": head["seq"], "hash": head["hash"], "mac": head_mac(head["seq"], head["hash"])}
        )
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


# Verification -----------------------------------------------------------------------------------


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
    """Recompute the chain from the first event to the head; name the first event that does not fit.

    Reads in batches, each its own short read outside any transaction, so that writers are never
    held up (on SQLite a transaction here would take the one write lock for the whole run). Events
    appended while it runs lie beyond the head it read first and are left for the next run.
    """
    try:
        checkpoint = checkpoint_read()  # before the head: the file never runs ahead of the row
    except CheckpointInvalid as error:
        return ChainReport(0, first_broken_seq=0, problem=str(error))
    head = AuditHead.objects.filter(pk=_HEAD_ID).values("seq", "hash", "mac").first()
    if head is None:
        if checkpoint is not None:
            return ChainReport(
                0,
                first_broken_seq=1,
                problem=f"the chain's head is missing; the checkpoint file names event "
                f"#{checkpoint.seq}, so events were deleted",
            )
        if AuditEvent.objects.exists():
            return ChainReport(0, first_broken_seq=1, problem="the chain's head is missing")
        return ChainReport(0)
    if checkpoint is not None and checkpoint.seq > head["seq"]:
        return ChainReport(
            0,
            first_broken_seq=head["seq"] + 1,
            problem=f"the chain's head is #{head['seq']} but the checkpoint file names event "
            f"#{checkpoint.seq}: the newest events were removed",
        )
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    while expected_seq <= head["seq"]:
        batch = list(
            AuditEvent.objects.filter(seq__gte=expected_seq, seq__lte=head["seq"]).order_by("seq")[
                :chunk_size
            ]
        )
        if not batch:
            break
        for event in batch:
            problem = _problem_with(event, expected_seq, expected_prev)
            if not problem and checkpoint is not None and event.seq == checkpoint.seq:
                if event.hash != checkpoint.hash:
                    problem = f"event #{event.seq} differs from the checkpoint file"
            if problem:
                return ChainReport(checked, first_broken_seq=expected_seq, problem=problem)
            checked += 1
            expected_seq, expected_prev = event.seq + 1, event.hash
        if on_progress is not None:
            on_progress(checked)
    if expected_seq <= head["seq"]:
        last = (
            f"#{expected_seq}" if expected_seq == head["seq"] else f"#{expected_seq}–#{head['seq']}"
        )
        return ChainReport(
            checked,
            first_broken_seq=expected_seq,
            problem=f"event {last} is missing: the chain ends at #{expected_seq - 1} "
            f"but its head is #{head['seq']}",
        )
    if not hmac.compare_digest(head["mac"], head_mac(head["seq"], head["hash"])):
        return ChainReport(
            checked, first_broken_seq=head["seq"], problem="the chain's head was altered"
        )
    if expected_prev != head["hash"]:
        return ChainReport(
            checked, first_broken_seq=head["seq"], problem="the chain's head does not match"
        )
    return ChainReport(checked)


def _problem_with(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    if event.seq != expected_seq:
        return f"event #{expected_seq} is missing (the next event found is #{event.seq})"
    if event.prev_hash != expected_prev:
        return f"event #{event.seq} does not link to the event before it"
    if not hmac.compare_digest(event_hash(event), event.hash):
        return f"event #{event.seq} was altered after it was written"
    return ""
