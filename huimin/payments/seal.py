"""The seal over a payment line: what it pays and why, as one SHA-256.

The sealed text is the JSON of the line's fields in a fixed order, with the frozen record's text
inside it. That text is canonical JSON in PostgreSQL's `jsonb` form — keys ordered by their
length in UTF-8 bytes and then bytewise, `", "` and `": "` between items, non-ASCII text as it
is, numbers as plain decimals — so that PostgreSQL can make and seal a month's lines in one
statement (`lines_sql`), SQLite and the small paths seal them here, and `huimin payments verify`
recomputes exactly the same text from a line read back on either.

Lines sealed before the canonical form (keys in code-point order, `json.dumps(sort_keys=True)`)
still verify under that form: `seal_holds` accepts either.
"""

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from typing import Any

_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]  # the C escaper of json.dumps


def _key_order(item: tuple[str, Any]) -> tuple[int, bytes]:
    raw = item[0].encode()
    return len(raw), raw


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        # A key that is not a string is written as its text, as `json.dumps` does.
        items = sorted(((str(k), v) for k, v in value.items()), key=_key_order)
        for i, (key, item) in enumerate(items):
            out.append(", " if i else "")
            out.append(_quote(key) + ": ")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            out.append(", " if i else "")
            _write(item, out)
        out.append("]")
    else:
        out.append(_scalar(value))


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return _text(value)
    if isinstance(value, float | Decimal):
        # jsonb keeps numbers as numeric: no exponent (1e-05 is 0.00001) and no negative zero.
        number = Decimal(repr(value)) if isinstance(value, float) else value
        return format(abs(number) if number.is_zero() else number, "f")
    return _quote(str(value))  # a date or anything else: its text, as default=str would


@lru_cache(maxsize=4096)
def _text(value: str) -> str:
    return _quote(value)


def frozen_text(record: Any) -> str:
    """The canonical JSON text of a frozen record (the module's docstring says which form)."""
    out: list[str] = []
    _write(record, out)
    return "".join(out)


def _legacy_frozen_text(record: Any) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)


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
    """SHA-256 of the line's fields as a JSON object with its keys in this order; `frozen` is
    the frozen record's text (`frozen_text`). `lines_sql.SEAL_SQL` writes the same text."""
    text = (
        f'{{"amount_fen": {_scalar(amount_fen)}, "entitlement": {_scalar(entitlement)}, '
        f'"frozen": {frozen}, "household": {_scalar(household)}, '
        f'"kind": {_scalar(kind)}, "month": {_scalar(month)}, '
        f'"payee": {_scalar(payee)}, "program": {_scalar(program)}, '
        f'"purpose": {_scalar(purpose)}, "reissue_of": {_scalar(reissue_of)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def line_seal(line: Any, *, frozen: str | None = None) -> str:
    """The seal of a `PaymentLine` as it stands (`frozen`: its record's text, if not canonical)."""
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
        frozen=frozen_text(line.frozen) if frozen is None else frozen,
    )


def seal_holds(line: Any) -> bool:
    """Whether a line is as it was sealed: under the canonical form, or the form before it."""
    if line.frozen_hash == line_seal(line):
        return True
    return line.frozen_hash == line_seal(line, frozen=_legacy_frozen_text(line.frozen))
