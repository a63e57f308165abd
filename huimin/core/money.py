"""Money is an integer number of fen everywhere; only displays show yuan."""

import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed

FEN_PER_YUAN = 100
# No amount in social assistance comes near this; a larger one is a typing slip, and far larger
# ones would not fit the database's 64-bit integers.
MAX_YUAN = 10**12
# Digits with an optional sign and decimal point: no exponent ("1e400"), no "Infinity" or "NaN".
AMOUNT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def format_yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def parse_yuan(text: str, *, field: str = "amount") -> int:
    """'1,234.5' -> 123450 fen. More than two decimals is an error, never a silent rounding.

    Full-width digits as typed with a Chinese input method are read as digits; anything that is
    not a plain decimal number (an exponent, "Infinity", "NaN") or beyond MAX_YUAN is refused.
    """
    cleaned = unicodedata.normalize("NFKC", text).strip()
    cleaned = cleaned.replace(",", "").replace("元", "").replace("¥", "").strip()
    if not AMOUNT.fullmatch(cleaned):
        raise ValidationFailed(
            _("“%(value)s” is not an amount of money") % {"value": text}, field=field
        )
    amount = Decimal(cleaned)
    if abs(amount) > MAX_YUAN:
        message = _("“%(value)s” is more than %(max)s yuan: check the amount")
        raise ValidationFailed(message % {"value": text, "max": f"{MAX_YUAN:,}"}, field=field)
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        message = _("“%(value)s” has more than two decimal places")
        raise ValidationFailed(message % {"value": text}, field=field)
    return int(fen)
