"""Checks every door applies to typed text, whatever the field: no NUL bytes, no overlong values.

PostgreSQL cannot store a NUL character in text and refuses a value longer than its column;
SQLite stores both. Refusing them where the text comes in, naming the field, keeps the two
databases alike and turns what would be a 500 into a message.
"""

from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed

NUL = "\x00"
NO_NUL_PATTERN = r"^[^\x00]*$"


def refuse_nul(value: str, *, field: str | None = None) -> None:
    """Raise `ValidationFailed` naming the field if the text holds a NUL byte."""
    if NUL in value:
        raise ValidationFailed(_("a NUL character (\\x00) is not allowed in text"), field=field)


def check_text(value: str, *, field: str, max_length: int | None, label: str = "") -> None:
    """NUL-free and at most `max_length` characters; `label` names the record in the message."""
    refuse_nul(value, field=field)
    if max_length is not None and len(value) > max_length:
        message = _("%(label)sat most %(max)d characters, not %(n)d") % {
            "label": label,
            "max": max_length,
            "n": len(value),
        }
        raise ValidationFailed(message, field=field)
