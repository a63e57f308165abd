"""Audit events of refusals: written after the refused change has rolled back.

A service refuses by raising inside its transaction, so an event written there would roll back
with it. Some refusals must still be on record, e.g. an identity number that is registered in
another county (otherwise the answer is an unrecorded oracle for probing other counties). Such
an event is queued here during the request and written, each in its own short transaction,
once the view has answered: by `RefusalAuditMiddleware` for pages and API, or by
`refusals_recorded()` around work done outside a request (commands, tests).

Outside any transaction, an event is written at once.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

from huimin.core.audit import audit_record

_pending: ContextVar[list[dict[str, Any]] | None] = ContextVar("huimin_refusals", default=None)


def refusal_record(**event: Any) -> None:
    """An audit event (audit_record's arguments) that must survive the refusal being raised."""
    queue = _pending.get()
    if queue is not None and connection.in_atomic_block:
        queue.append(event)
        return
    with transaction.atomic():
        audit_record(**event)


def refusals_pending(predicate: Callable[[dict[str, Any]], bool]) -> int:
    """How many queued events match, e.g. to count this request's attempts too."""
    return sum(1 for event in _pending.get() or [] if predicate(event))


@contextmanager
def refusals_recorded() -> Iterator[None]:
    queue: list[dict[str, Any]] = []
    token = _pending.set(queue)
    try:
        yield
    finally:
        _pending.reset(token)
        for event in queue:
            with transaction.atomic():
                audit_record(**event)


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with refusals_recorded():
            return self.get_response(request)
