"""Attachments on disk: encrypted as the registry's import files are, under VAR_DIR/casework.

Never under the static root and never served by path: `access.get_document_for` finds the
record, `document_read` decrypts it for the response. Unlike import files they are kept for as
long as the case file is (no purge here).
"""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed
from huimin.registry.bulk.storage import SEALED_SUFFIX, read_sealed
from huimin.registry.bulk.storage import _seal as seal

MAX_BYTES = 10 * 1024 * 1024
# The types a scanned form, a photo or a bill comes as, recognised by their first bytes.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
}


def documents_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "casework"
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory


def checked_type(data: bytes) -> str:
    """The content type the bytes really are, or a refusal naming what is accepted."""
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)s MB; scan it at a lower resolution.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    for content_type, (magic, _suffix) in SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    raise ValidationFailed(_("Attach a PDF, JPEG or PNG file."), field="file")


def store(data: bytes) -> tuple[str, str]:
    """Encrypt and store; the stored name and the SHA-256 of the clear bytes."""
    name = f"{uuid.uuid4().hex}{SEALED_SUFFIX}"
    seal(documents_dir() / name, [data])
    return name, hashlib.sha256(data).hexdigest()


def load(stored_name: str) -> bytes:
    return read_sealed(documents_dir() / stored_name)
