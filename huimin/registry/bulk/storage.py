"""Import files on disk: uploads and rejected rows, never in clear, never kept for ever.

An uploaded file holds thousands of identity numbers. It is encrypted with the data key
(AES-GCM, as the personal-data fields) while it waits between the check and the import, and
deleted when an import of it ends. The rejected rows are encrypted the same way. Every file is
created 0600 in a 0700 folder, and deleted after `IMPORT_FILES_RETENTION_DAYS` by `files_purge`
(run at every upload and by `huimin purge_import_files`). A large export made by a job is kept
the same way (`export-<uuid>.<format>.enc`) for `EXPORT_FILES_RETENTION_HOURS`.

The importer reads a clear copy that exists only while the job runs, in a private temporary
folder under VAR_DIR/tmp that is removed when the job ends, whether it succeeds or fails.

Format: b"HMF1", the key id (8 ASCII characters), then segments of up to 1 MiB, each
`length (4 bytes) + nonce (12) + ciphertext`, sealed with the key id, its index and whether it
is the last one as associated data, so a file cut short or with segments reordered is refused.
"""

import os
import shutil
import struct
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.utils.translation import gettext as _

from huimin.core.errors import HuiminError
from huimin.core.pii import current_key, key_for

MAGIC = b"HMF1"
SEALED_SUFFIX = ".enc"
SEGMENT_BYTES = 1 << 20
_KEY_ID_BYTES = 8


class FileGone(HuiminError):
    """The file expired, was deleted, or is not one Huimin wrote."""


def uploads_dir() -> Path:
    return _private_dir(Path(settings.VAR_DIR) / "uploads")


def _work_dir() -> Path:
    return _private_dir(Path(settings.VAR_DIR) / "tmp")


def _private_dir(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory


def upload_save(chunks: Iterable[bytes], *, file_format: str) -> Path:
    """Store an upload encrypted; the name says nothing about its content."""
    path = uploads_dir() / f"{uuid.uuid4().hex}.{file_format}{SEALED_SUFFIX}"
    _seal(path, chunks)
    return path


def rejected_save(clear: Path, *, upload: Path) -> Path:
    """Encrypt a rejected-rows file written by the importer; the clear one is deleted."""
    stem = upload.name.split(".", 1)[0]
    path = uploads_dir() / f"{stem}-rejected-{uuid.uuid4().hex[:8]}{clear.suffix}{SEALED_SUFFIX}"
    with clear.open("rb") as source:
        _seal(path, iter(lambda: source.read(SEGMENT_BYTES), b""))
    clear.unlink()
    return path


EXPORT_PREFIX = "export-"


def export_save(content: bytes, *, file_format: str) -> Path:
    """Store an export made by a job, encrypted, until its owner downloads it or it expires."""
    path = uploads_dir() / f"{EXPORT_PREFIX}{uuid.uuid4().hex}.{file_format}{SEALED_SUFFIX}"
    _seal(path, [content[i : i + SEGMENT_BYTES] for i in range(0, len(content), SEGMENT_BYTES)])
    return path


def retention_seconds(path: Path) -> int:
    """Exports are kept hours (a download link), imports days (a check waits for a choice)."""
    if path.name.startswith(EXPORT_PREFIX):
        return settings.EXPORT_FILES_RETENTION_HOURS * 3600
    return settings.IMPORT_FILES_RETENTION_DAYS * 86400


def file_format_of_stored(path: Path) -> str:
    """'csv' or 'xlsx', from a stored file's name (uuid.csv.enc)."""
    name = path.name.removesuffix(SEALED_SUFFIX)
    return name.rsplit(".", 1)[-1]


def read_sealed(path: Path) -> bytes:
    return b"".join(_open(path))


@contextmanager
def clear_copy(path: Path) -> Iterator[Path]:
    """A clear copy of a stored file for the length of the block, then nothing left on disk."""
    with tempfile.TemporaryDirectory(dir=_work_dir(), prefix="import-") as folder:
        clear = Path(folder) / f"upload.{file_format_of_stored(path)}"
        descriptor = os.open(clear, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            for plain in _open(path):
                target.write(plain)
        yield clear
    # TemporaryDirectory removed the copy and whatever the importer wrote beside it.


def discard(path: Path) -> None:
    if path.parent == uploads_dir():
        path.unlink(missing_ok=True)


def is_current(path: Path, *, now: float | None = None) -> bool:
    """Stored by us, under the uploads folder, and younger than the retention period."""
    if path.parent != uploads_dir() or not path.name.endswith(SEALED_SUFFIX):
        return False
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age < retention_seconds(path)


def files_purge(*, now: float | None = None) -> int:
    """Delete expired files, clear files left by an older version, and stale clear copies."""
    removed = 0
    for path in uploads_dir().iterdir():
        if path.is_file() and not is_current(path, now=now):
            path.unlink(missing_ok=True)
            removed += 1
    # A clear copy outlives its job only if the process died; none should be older than a day.
    limit = (now if now is not None else time.time()) - 86400
    for folder in _work_dir().iterdir():
        if folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _seal(path: Path, chunks: Iterable[bytes]) -> None:
    key = current_key()
    key_id = key.key_id.encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.write(MAGIC + key_id)
        pending, index = bytearray(), 0
        for chunk in chunks:
            pending += chunk
            # Keep at least one byte back: the last segment must be sealed as the last.
            while len(pending) > SEGMENT_BYTES:
                target.write(_segment(key, key_id, index, bytes(pending[:SEGMENT_BYTES]), False))
                del pending[:SEGMENT_BYTES]
                index += 1
        target.write(_segment(key, key_id, index, bytes(pending), True))


def _segment(key, key_id: bytes, index: int, plain: bytes, last: bool) -> bytes:  # type: ignore[no-untyped-def]
    nonce = os.urandom(12)
    sealed = key.aead.encrypt(nonce, plain, _associated(key_id, index, last))
    return struct.pack(">I", len(sealed)) + nonce + sealed


def _associated(key_id: bytes, index: int, last: bool) -> bytes:
    return key_id + struct.pack(">Q?", index, last)


def _open(path: Path) -> Iterator[bytes]:
    try:
        source = path.open("rb")
    except FileNotFoundError as missing:
        raise FileGone(_("The uploaded file is no longer there; upload it again.")) from missing
    with source:
        header = source.read(len(MAGIC) + _KEY_ID_BYTES)
        if not header.startswith(MAGIC):
            raise FileGone(_("The uploaded file is no longer there; upload it again."))
        key_id = header[len(MAGIC) :]
        key = key_for(key_id.decode())
        index = 0
        while True:
            size_bytes = source.read(4)
            if len(size_bytes) < 4:
                raise FileGone(_("The stored file is damaged; upload it again."))
            (size,) = struct.unpack(">I", size_bytes)
            nonce, sealed = source.read(12), source.read(size)
            last = source.peek(1) == b""
            try:
                plain = key.aead.decrypt(nonce, sealed, _associated(key_id, index, last))
            except InvalidTag as damaged:
                raise FileGone(_("The stored file is damaged; upload it again.")) from damaged
            yield plain
            if last:
                return
            index += 1
