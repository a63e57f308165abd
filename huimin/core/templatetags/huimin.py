from datetime import timedelta

from django import template

from huimin.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """An amount in fen, shown in yuan: 123456 -> 1,234.56."""
    return format_yuan(fen)


@register.filter
def minutes(duration: timedelta | None) -> int:
    if duration is None:
        return 0
    return int(duration.total_seconds() // 60)
