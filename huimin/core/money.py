"""Money is an integer number of fen everywhere; only displays show yuan."""

from decimal import Decimal, InvalidOperation

from huimin.core.errors import ValidationFailed

FEN_PER_YUAN = 100


def format_yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{cents:02d}"


def parse_yuan(text: str, *, field: str = "amount") -> int:
    """'1,234.5' -> 123450 fen. More than two decimals is an error, never a silent rounding."""
    cleaned = text.strip().replace(",", "").replace("元", "").replace("¥", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValidationFailed(f"“{text}” is not an amount of money", field=field) from error
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValidationFailed(f"“{text}” has more than two decimal places", field=field)
    return int(fen)
