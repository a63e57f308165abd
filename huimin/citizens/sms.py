"""The SMS gateway adapter: every text to a citizen goes through `send_sms`.

A backend is a class with one method, `send(self, *, phone: str, text: str) -> None`, named by
the setting `HUIMIN_SMS_BACKEND` (a dotted path). It raises `SmsNotSent` when the gateway refuses.
A real gateway (a provincial 12345 platform, a carrier's API) is one more such class. Shipped:

- `LogBackend`: writes the text to the `huimin.sms` log (number masked);
- `FileBackend` (the default): the log, and a line `time<TAB>number<TAB>text` appended to
  `VAR_DIR/sms/outbox.txt`, so that the demo and the tests can read the code a citizen received.

Texts are sent after the transaction that made them commits (`transaction.on_commit`).
"""

import logging
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from huimin.core.errors import HuiminError
from huimin.core.pii import mask_phone

log = logging.getLogger("huimin.sms")


class SmsNotSent(HuiminError):
    status_code = 502


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class LogBackend:
    def send(self, *, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


def outbox_path() -> Path:
    return Path(settings.VAR_DIR) / "sms" / "outbox.txt"


class FileBackend(LogBackend):
    def send(self, *, phone: str, text: str) -> None:
        super().send(phone=phone, text=text)
        path = outbox_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(f"{timezone.now().isoformat()}\t{phone}\t{text}\n")


def backend() -> SmsBackend:
    path = getattr(settings, "HUIMIN_SMS_BACKEND", "huimin.citizens.sms.FileBackend")
    return import_string(path)()  # type: ignore[no-any-return]


def send_sms(*, phone: str, text: str) -> None:
    """Send once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: backend().send(phone=phone, text=text))
