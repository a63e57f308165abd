"""Personal data at rest: AES-GCM encryption, a keyed-hash blind index, and masking.

A stored value looks like `v1.<key id>.<base64 of nonce + ciphertext>`. The key id lets
`huimin rotate_data_key` find rows still under an old key, and lets reads go on during a rotation.
The blind index is an HMAC of the normalized value: equal values give equal indexes, so an exact
search works, but the index reveals nothing without the key.
"""

import base64
import hashlib
import hmac
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

PREFIX = "v1"


class DataKey:
    def __init__(self, master: bytes) -> None:
        self.key_id = hashlib.sha256(master).hexdigest()[:8]
        self.aead = AESGCM(_derive(master, b"huimin encryption"))
        self.index_key = _derive(master, b"huimin blind index")


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(master)


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not valid base64") from error
    if len(raw) < 32:
        raise ImproperlyConfigured(f"{name} must decode to at least 32 bytes, got {len(raw)}")
    return raw


@cache
def _keys() -> tuple[DataKey, ...]:
    current = DataKey(_decode_key(settings.HUIMIN_DATA_KEY, "HUIMIN_DATA_KEY"))
    old = [DataKey(_decode_key(k, "HUIMIN_DATA_KEYS_OLD")) for k in settings.HUIMIN_DATA_KEYS_OLD]
    return (current, *old)


def reset_key_cache() -> None:
    """Forget the loaded keys (after the settings change, e.g. in a rotation test)."""
    _keys.cache_clear()


def current_key() -> DataKey:
    return _keys()[0]


def encrypt(plain: str) -> str:
    key = current_key()
    nonce = os.urandom(12)
    sealed = key.aead.encrypt(nonce, plain.encode(), key.key_id.encode())
    return f"{PREFIX}.{key.key_id}.{base64.b64encode(nonce + sealed).decode()}"


def encrypt_many(values: Sequence[str]) -> list[str]:
    """`encrypt` of each value, '' for an empty one; for bulk writes, with less work per value."""
    key = current_key()
    seal, key_id = key.aead.encrypt, key.key_id.encode()
    prefix = f"{PREFIX}.{key.key_id}."
    nonces = os.urandom(12 * len(values))  # one call instead of one per value
    out = []
    for i, plain in enumerate(values):
        if not plain:
            out.append("")
            continue
        nonce = nonces[12 * i : 12 * i + 12]
        sealed = seal(nonce, plain.encode(), key_id)
        out.append(prefix + base64.b64encode(nonce + sealed).decode())
    return out


def key_for(key_id: str) -> DataKey:
    """The current or an old key, by the id stored beside what it encrypted."""
    for key in _keys():
        if key.key_id == key_id:
            return key
    raise ImproperlyConfigured(f"no data key with id {key_id}: add it to HUIMIN_DATA_KEYS_OLD")


def decrypt(stored: str) -> str:
    prefix, key_id, payload = stored.split(".", 2)
    if prefix != PREFIX:
        raise ValueError(f"unknown personal-data format {prefix!r}")
    key = key_for(key_id)
    raw = base64.b64decode(payload)
    return key.aead.decrypt(raw[:12], raw[12:], key_id.encode()).decode()


def decrypt_many(values: Sequence[str | None]) -> list[str]:
    """`decrypt` of each stored value, '' for an empty one (or None); for bulk reads, each key
    looked up once."""
    aeads: dict[str, AESGCM] = {}
    out = []
    for stored in values:
        if not stored:
            out.append("")
            continue
        prefix, key_id, payload = stored.split(".", 2)
        if prefix != PREFIX:
            raise ValueError(f"unknown personal-data format {prefix!r}")
        if key_id not in aeads:
            aeads[key_id] = key_for(key_id).aead
        raw = base64.b64decode(payload)
        out.append(aeads[key_id].decrypt(raw[:12], raw[12:], key_id.encode()).decode())
    return out


def stored_rows(rows: "models.QuerySet[Any]") -> list[tuple[Any, ...]]:
    """A `values_list` query's rows as the database holds them: encrypted columns stay
    encrypted (for `decrypt_many`, instead of one value at a time on the way)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def key_id_of(stored: str) -> str:
    return stored.split(".", 2)[1]


def normalize(value: str) -> str:
    """Spaces and case do not make a different identity or account number."""
    return "".join(value.split()).upper()


def blind_index(value: str, key: DataKey | None = None) -> str:
    key = key or current_key()
    return hmac.new(key.index_key, normalize(value).encode(), hashlib.sha256).hexdigest()[:32]


def blind_index_many(values: Sequence[str], key: DataKey | None = None) -> list[str]:
    """`blind_index` of each value, '' for an empty one; the HMAC's keyed state is set up once."""
    keyed = hmac.new((key or current_key()).index_key, digestmod=hashlib.sha256)
    out = []
    for value in values:
        if not value:
            out.append("")
            continue
        mac = keyed.copy()
        mac.update(normalize(value).encode())
        out.append(mac.hexdigest()[:32])
    return out


def blind_index_candidates_many(values: Sequence[str]) -> list[list[str]]:
    """`blind_index_many` under each known key, the current one first (bulk lookups)."""
    return [blind_index_many(values, key) for key in _keys()]


def blind_index_candidates(value: str) -> list[str]:
    """The index under every known key: during a rotation a row may still carry an old one."""
    return [blind_index(value, key) for key in _keys()]


def mask(value: str | None, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """5329**********1234: enough to recognise a number on a form, not enough to use it."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_phone(value: str | None) -> str:
    return mask(value, keep_start=3, keep_end=4)


def mask_bank_account(value: str | None) -> str:
    return mask(value, keep_start=0, keep_end=4)


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the clear value.

    Pair it with a `BlindIndexField(source=...)` when the value must be searchable.
    """

    def from_db_value(self, value, expression, connection):  # type: ignore[no-untyped-def]
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):  # type: ignore[no-untyped-def]
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class BlindIndexField(models.CharField):
    """The keyed hash of another field's value, computed on every save (bulk_create too).

    Declare its index in the model's Meta (a plain `models.Index` or a unique constraint): only
    exact matches are ever looked up, so PostgreSQL's extra LIKE index would only slow writes.
    """

    def __init__(self, *args, source: str = "", **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.source = source
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):  # type: ignore[no-untyped-def]
        value = getattr(model_instance, self.source)
        index = blind_index(value) if value else ""
        setattr(model_instance, self.attname, index)
        return index
