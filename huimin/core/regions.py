"""Region codes: GB/T 2260 for province, prefecture and county; 12-digit statistical codes below.

A code is written in its short form, without trailing all-zero groups, so that it is a prefix of
every code beneath it: 53 (Yunnan) < 5329 (Dali) < 532901 (Dali city) < 532901001 < 532901001001.
"""

from huimin.core.errors import ValidationFailed

GROUP_WIDTHS = (2, 2, 2, 3, 3)
LEVELS = ("province", "prefecture", "county", "township", "village")
LENGTH_OF_LEVEL = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}
LEVEL_OF_LENGTH = {length: level for level, length in LENGTH_OF_LEVEL.items()}


def short_code(code: str) -> str:
    """The short form of a code given in full (12 digits, or GB/T 2260's 6) or already short."""
    code = code.strip()
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValidationFailed(f"“{code}” is not a region code: expected 2, 4, 6, 9 or 12 digits")
    groups = _split(code)
    while len(groups) > 1 and set(groups[-1]) == {"0"}:
        groups.pop()
    return "".join(groups)


def full_code(code: str) -> str:
    """The 12-digit statistical form of a short code."""
    return short_code(code).ljust(12, "0")


def level_of(code: str) -> str:
    return LEVEL_OF_LENGTH[len(short_code(code))]


def parent_code(code: str) -> str | None:
    groups = _split(short_code(code))
    return "".join(groups[:-1]) or None


def is_within(code: str, ancestor: str) -> bool:
    return short_code(code).startswith(short_code(ancestor))


def is_urban_township(code: str) -> bool:
    """Township numbers 001–099 are subdistricts (街道), the urban part of a county."""
    township = full_code(code)[6:9]
    return township != "000" and int(township) < 100


def _split(code: str) -> list[str]:
    groups, start = [], 0
    for width in GROUP_WIDTHS:
        if start >= len(code):
            break
        groups.append(code[start : start + width])
        start += width
    return groups
