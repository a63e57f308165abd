"""The seal over a payment line: what it pays and why, as one SHA-256.

The sealed text is the JSON of the line's fields with sorted keys. It is written here field by
field, with the frozen record's JSON text given once, so that generation can seal a million
lines from plain rows (no model objects, one `json.dumps` per line) and `huimin payments verify`
recomputes exactly the same text from a line read back.
"""

import hashlib
import json
from functools import lru_cache, partial
from typing import Any

frozen_text = partial(json.dumps, sort_keys=True, ensure_ascii=False, default=str)


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _scalar(value: int | str | None) -> str:
    """`frozen_text` of one field, without the encoder's set-up for the common types (the
    kinds, months and programs repeat, so their JSON is kept)."""
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _text(value)
    return frozen_text(value)


def seal(
    *,
    kind: str,
    entitlement: int | None,
    month: str,
    purpose: str,
    reissue_of: int | None,
    program: str,
    household: int,
    payee: int,
    amount_fen: int,
    frozen: str,
) -> str:
    """SHA-256 of `json.dumps({...}, sort_keys=True, ensure_ascii=False)` over these fields;
    `frozen` is the frozen record's text from `frozen_text` (keys in sorted order below)."""
    text = (
        f'{{"amount_fen": {_scalar(amount_fen)}, "entitlement": {_scalar(entitlement)}, '
        f'"frozen": {frozen}, "household": {_scalar(household)}, '
        f'"kind": {_scalar(kind)}, "month": {_scalar(month)}, '
        f'"payee": {_scalar(payee)}, "program": {_scalar(program)}, '
        f'"purpose": {_scalar(purpose)}, "reissue_of": {_scalar(reissue_of)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def line_seal(line: Any) -> str:
    """The seal of a `PaymentLine` as it stands."""
    return seal(
        kind=line.kind,
        entitlement=line.entitlement_id,
        month=line.month.isoformat(),
        purpose=line.purpose_key,
        reissue_of=line.reissue_of_id,
        program=line.program,
        household=line.household_id,
        payee=line.payee_id,
        amount_fen=line.amount_fen,
        frozen=frozen_text(line.frozen),
    )
